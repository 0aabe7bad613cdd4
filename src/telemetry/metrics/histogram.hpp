// A histogram of latencies (or sizes) with bounded relative error and fixed memory, recorded
// lock-free from any number of worker threads. It answers quantiles (p50/p95/p99, for the
// console, the load generator's summaries and DogStatsD) and renders as a Prometheus histogram
// with a small, fixed set of `le` buckets.
//
// Two sets of counters, both fixed at construction:
//  - fine buckets, log-linear like HdrHistogram: every power of two between `lowest` and
//    `highest` is split into 2^precision_bits equal sub-buckets (32 by default), so a bucket is
//    at most 1/32 of its lower edge wide and a quantile (the bucket's midpoint) is within
//    1/64 ≈ 1.6% of the true value; the load generator asks for 64 (0.8%). The bucket index
//    comes from the bits of the double (exponent + top mantissa bits): no log(), no loop. Values
//    below `lowest` share one underflow bucket, values above `highest` one overflow bucket; the
//    exact min and max bound every answer, so the ends stay right. The default range, 1 µs to 1 h,
//    is 32 octaves: 1026 counters, 8 KiB per labelled series.
//  - the Prometheus `le` buckets, counted exactly (a value equal to a bound is in that bucket)
//    rather than estimated from fine buckets whose edges are powers of two and never 0.005.
// observe() costs two relaxed fetch_adds, a binary search over ~15 bounds, a CAS loop for the
// sum and, only when a new extreme arrives, for min/max. No lock, no allocation.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace srelab::telemetry {

// 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 (seconds).
std::vector<double> default_latency_bounds();

struct HistogramLayout {
  std::vector<double> bounds = default_latency_bounds();  // `le` bounds: finite, increasing;
                                                          // +Inf is implied
  double lowest = 1e-6;    // fine resolution from here (rounded down to a power of two)...
  double highest = 3600;   // ...to here (rounded up to a power of two); > 0, above `lowest`
  int precision_bits = 5;  // 2^bits sub-buckets per power of two, 1..8: relative error 2^-(bits+1)
};

// Throws std::invalid_argument naming what is wrong with a layout; the registry calls it.
void validate(const HistogramLayout& layout);

// A copy of a histogram's counters at one moment.
struct HistogramSnapshot {
  std::vector<double> bounds;          // the `le` bounds, without +Inf
  std::vector<std::uint64_t> buckets;  // per `le` interval, NOT cumulative; bounds.size() + 1
                                       // entries, the last for (bounds.back(), +Inf)
  std::uint64_t count = 0;             // sum of `buckets`
  double sum = 0;
  double min = 0;  // smallest and largest value observed (both 0 when count == 0)
  double max = 0;
  int lowest_exponent = 0;          // fine bucket 1 starts at 2^lowest_exponent
  int precision_bits = 5;           // the layout's: 2^bits fine buckets per octave
  std::vector<std::uint64_t> fine;  // [underflow, 2^bits per octave..., overflow]

  // The bound on a quantile's relative error: half a fine bucket.
  double relative_error() const { return 1.0 / (2 << precision_bits); }

  // The value fine bucket `index` stands for (what quantile() answers when it lands there):
  // its midpoint clamped to [min, max]; min for the underflow bucket, max for the overflow one.
  double bucket_value(std::size_t index) const;

  // The nearest-rank q-quantile (q in [0, 1]) within Histogram::kRelativeError, clamped to
  // [min, max]; q = 0 gives min and q = 1 max. NaN when nothing was observed.
  double quantile(double q) const;

  // What was observed after `earlier` (an older snapshot of the same histogram): counts and sum
  // are differences; min and max become the estimated extremes of the interval, within the
  // relative error. A counter that went backwards (another histogram) counts as zero.
  HistogramSnapshot since(const HistogramSnapshot& earlier) const;

  // Adds `other` (a snapshot of a histogram with the same layout, e.g. another thread's) into
  // this one; a default-constructed snapshot takes `other`'s layout. Throws
  // std::invalid_argument when the layouts differ: merging those is a bug in the caller.
  void merge(const HistogramSnapshot& other);
};

class Histogram {
 public:
  static constexpr int kSubBuckets = 32;  // of the default layout
  static constexpr double kRelativeError = 1.0 / (2 * kSubBuckets);

  explicit Histogram(const HistogramLayout& layout = {});  // call validate() first

  // Records one value in the histogram's unit. Negative values count as 0 (a clock step must not
  // corrupt the buckets); NaN and +Inf are ignored.
  void observe(double value) noexcept;

  // Records a duration in seconds.
  template <class Rep, class Period>
  void observe(std::chrono::duration<Rep, Period> duration) noexcept {
    observe(std::chrono::duration<double>(duration).count());
  }

  HistogramSnapshot snapshot() const;

 private:
  std::size_t fine_index(double value) const noexcept;

  std::vector<double> bounds_;
  int lowest_exponent_;
  int highest_exponent_;  // the octaves are [lowest, highest)
  int precision_bits_;
  std::vector<std::atomic<std::uint64_t>> buckets_;
  std::vector<std::atomic<std::uint64_t>> fine_;
  std::atomic<double> sum_{0};
  std::atomic<double> min_;
  std::atomic<double> max_;
};

}  // namespace srelab::telemetry
