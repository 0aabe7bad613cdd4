#include "telemetry/metrics/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace srelab::telemetry {

namespace {

constexpr int kMaxOctaves = 64;  // 16 KiB of fine counters per series at most
constexpr int kMantissaBits = 52;
constexpr int kMaxPrecisionBits = 8;

// Octaves [lowest, highest): 2^lowest <= layout.lowest and 2^highest >= layout.highest.
int lowest_exponent_of(const HistogramLayout& layout) {
  return std::ilogb(layout.lowest);
}

int highest_exponent_of(const HistogramLayout& layout) {
  int exponent = std::ilogb(layout.highest);
  return std::ldexp(1.0, exponent) < layout.highest ? exponent + 1 : exponent;
}

// The value a fine bucket stands for: the midpoint of its range, or, for the underflow and
// overflow buckets, the extreme on that side (whose range is unknown).
double representative(std::size_t index, const HistogramSnapshot& snap) {
  if (index == 0) return snap.min;
  if (index + 1 == snap.fine.size()) return snap.max;
  const std::size_t k = index - 1;
  const std::size_t per_octave = std::size_t{1} << snap.precision_bits;
  const int exponent = snap.lowest_exponent + static_cast<int>(k / per_octave);
  const double sub = static_cast<double>(k % per_octave);
  const double middle = 1.0 + (sub + 0.5) / static_cast<double>(per_octave);
  return std::clamp(std::ldexp(middle, exponent), snap.min, snap.max);
}

std::uint64_t difference(std::uint64_t later, std::uint64_t earlier) {
  return later >= earlier ? later - earlier : 0;
}

void lower_to(std::atomic<double>& extreme, double value) {
  double current = extreme.load(std::memory_order_relaxed);
  while (value < current &&
         !extreme.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
  }
}

void raise_to(std::atomic<double>& extreme, double value) {
  double current = extreme.load(std::memory_order_relaxed);
  while (value > current &&
         !extreme.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
  }
}

}  // namespace

std::vector<double> default_latency_bounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void validate(const HistogramLayout& layout) {
  for (std::size_t i = 0; i < layout.bounds.size(); ++i) {
    if (!std::isfinite(layout.bounds[i])) {
      throw std::invalid_argument("histogram bound " + std::to_string(i) + " is not finite");
    }
    if (i > 0 && !(layout.bounds[i - 1] < layout.bounds[i])) {
      throw std::invalid_argument("histogram bounds must be strictly increasing (bound " +
                                  std::to_string(i) + ")");
    }
  }
  if (!(layout.lowest > 0) || !std::isnormal(layout.lowest) || !std::isfinite(layout.highest) ||
      !(layout.highest > layout.lowest)) {
    throw std::invalid_argument("histogram range needs 0 < lowest < highest, both finite");
  }
  if (highest_exponent_of(layout) - lowest_exponent_of(layout) > kMaxOctaves) {
    throw std::invalid_argument("histogram range spans more than 64 powers of two");
  }
  if (layout.precision_bits < 1 || layout.precision_bits > kMaxPrecisionBits) {
    throw std::invalid_argument("histogram precision_bits must be in 1..8");
  }
}

Histogram::Histogram(const HistogramLayout& layout)
    : bounds_(layout.bounds),
      lowest_exponent_(lowest_exponent_of(layout)),
      highest_exponent_(highest_exponent_of(layout)),
      precision_bits_(layout.precision_bits),
      buckets_(layout.bounds.size() + 1),
      fine_((static_cast<std::size_t>(highest_exponent_ - lowest_exponent_)
             << layout.precision_bits) +
            2),
      min_(std::numeric_limits<double>::infinity()),
      max_(-std::numeric_limits<double>::infinity()) {}

void Histogram::observe(double value) noexcept {
  if (std::isnan(value) || value == std::numeric_limits<double>::infinity()) return;
  value = std::max(value, 0.0);
  lower_to(min_, value);
  raise_to(max_, value);
  fine_[fine_index(value)].fetch_add(1, std::memory_order_relaxed);
  const auto le = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[static_cast<std::size_t>(le)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::size_t Histogram::fine_index(double value) const noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  const int exponent = static_cast<int>((bits >> kMantissaBits) & 0x7ff) - 1023;
  if (exponent < lowest_exponent_) return 0;  // also 0 and subnormals
  if (exponent >= highest_exponent_) return fine_.size() - 1;
  const auto sub = (bits >> (kMantissaBits - precision_bits_)) & ((1u << precision_bits_) - 1);
  return 1 + (static_cast<std::size_t>(exponent - lowest_exponent_) << precision_bits_) +
         static_cast<std::size_t>(sub);
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot snap;
  snap.bounds = bounds_;
  snap.lowest_exponent = lowest_exponent_;
  snap.precision_bits = precision_bits_;
  snap.buckets.reserve(buckets_.size());
  for (const auto& bucket : buckets_) {
    snap.buckets.push_back(bucket.load(std::memory_order_relaxed));
    snap.count += snap.buckets.back();
  }
  snap.fine.reserve(fine_.size());
  for (const auto& bucket : fine_) snap.fine.push_back(bucket.load(std::memory_order_relaxed));
  snap.sum = sum_.load(std::memory_order_relaxed);
  snap.min = min_.load(std::memory_order_relaxed);
  snap.max = max_.load(std::memory_order_relaxed);
  if (snap.count == 0 || !(snap.min <= snap.max)) snap.min = snap.max = 0;  // none, or mid-race
  return snap;
}

double HistogramSnapshot::bucket_value(std::size_t index) const {
  return representative(index, *this);
}

double HistogramSnapshot::quantile(double q) const {
  std::uint64_t total = 0;  // of the fine buckets: under concurrent observe() it may differ
  for (std::uint64_t n : fine) total += n;  // from `count` by the values in flight
  if (total == 0 || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  const double wanted = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(total));
  const auto rank = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(wanted), 1, total);
  if (rank == 1) return min;
  if (rank == total) return max;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < fine.size(); ++i) {
    seen += fine[i];
    if (seen >= rank) return representative(i, *this);
  }
  return max;
}

HistogramSnapshot HistogramSnapshot::since(const HistogramSnapshot& earlier) const {
  HistogramSnapshot interval;
  interval.bounds = bounds;
  interval.lowest_exponent = lowest_exponent;
  interval.precision_bits = precision_bits;
  const bool comparable =
      earlier.buckets.size() == buckets.size() && earlier.fine.size() == fine.size();
  interval.buckets.resize(buckets.size());
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    interval.buckets[i] = comparable ? difference(buckets[i], earlier.buckets[i]) : buckets[i];
    interval.count += interval.buckets[i];
  }
  interval.fine.resize(fine.size());
  for (std::size_t i = 0; i < fine.size(); ++i) {
    interval.fine[i] = comparable ? difference(fine[i], earlier.fine[i]) : fine[i];
  }
  if (interval.count == 0) return interval;
  interval.sum = comparable ? std::max(sum - earlier.sum, 0.0) : sum;
  // The interval's extremes are the representatives of its outermost non-empty fine buckets,
  // bounded by the whole life's min and max.
  const auto occupied = [](std::uint64_t n) { return n != 0; };
  const auto low = std::find_if(interval.fine.begin(), interval.fine.end(), occupied);
  const auto high = std::find_if(interval.fine.rbegin(), interval.fine.rend(), occupied);
  if (low == interval.fine.end()) return interval;  // counted in `buckets` only, mid-race
  interval.min = representative(static_cast<std::size_t>(low - interval.fine.begin()), *this);
  interval.max = representative(static_cast<std::size_t>(interval.fine.rend() - high) - 1, *this);
  return interval;
}

void HistogramSnapshot::merge(const HistogramSnapshot& other) {
  if (other.count == 0 && other.fine.empty()) return;
  if (count == 0 && fine.empty()) {
    *this = other;
    return;
  }
  if (other.bounds != bounds || other.lowest_exponent != lowest_exponent ||
      other.precision_bits != precision_bits || other.fine.size() != fine.size()) {
    throw std::invalid_argument("merging histogram snapshots of different layouts");
  }
  if (other.count != 0) {
    min = count == 0 ? other.min : std::min(min, other.min);
    max = count == 0 ? other.max : std::max(max, other.max);
  }
  for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += other.buckets[i];
  for (std::size_t i = 0; i < fine.size(); ++i) fine[i] += other.fine[i];
  count += other.count;
  sum += other.sum;
}

}  // namespace srelab::telemetry
