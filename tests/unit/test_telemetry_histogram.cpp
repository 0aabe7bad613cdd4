// Histogram: quantiles within the stated relative error on known distributions, exact `le`
// buckets (a value on a bound belongs to it), the ends of the range, interval snapshots, layout
// validation, and exact counts when two threads record at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/random.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::telemetry {
namespace {

using namespace std::chrono_literals;

// The nearest-rank quantile, the definition HistogramSnapshot::quantile estimates.
double exact_quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  const auto rank = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(q * static_cast<double>(n))), 1, n);
  return values[rank - 1];
}

struct Distribution {
  const char* name;
  std::vector<double> (*draw)(Random&);
};

std::vector<double> uniform_1ms_100ms(Random& random) {
  std::vector<double> values(20000);
  for (double& v : values) v = 0.001 + random.unit() * 0.099;
  return values;
}

std::vector<double> exponential_mean_20ms(Random& random) {
  std::vector<double> values(20000);
  for (double& v : values) v = 1e-5 - 0.02 * std::log(1 - random.unit());
  return values;
}

// Box-Muller; median 5 ms, heavy right tail (sigma 1.5 spans four decades).
std::vector<double> lognormal(Random& random) {
  std::vector<double> values(20000);
  for (double& v : values) {
    const double z = std::sqrt(-2 * std::log(1 - random.unit())) *
                     std::cos(2 * 3.141592653589793 * random.unit());
    v = std::clamp(0.005 * std::exp(1.5 * z), 2e-6, 3000.0);
  }
  return values;
}

// The cache-hit / database-fallback shape: 95% fast, 5% stuck behind a 2 s fault.
std::vector<double> bimodal(Random& random) {
  std::vector<double> values(20000);
  for (double& v : values) {
    v = random.unit() < 0.95 ? 0.0004 + random.unit() * 0.0008 : 2 + random.unit() * 0.5;
  }
  return values;
}

std::vector<double> constant(Random&) {
  return std::vector<double>(1000, 0.0123);
}

TEST(HistogramQuantiles, StayWithinTheRelativeErrorOnKnownDistributions) {
  const Distribution distributions[] = {
      {"uniform 1ms-100ms", uniform_1ms_100ms},
      {"exponential mean 20ms", exponential_mean_20ms},
      {"lognormal", lognormal},
      {"bimodal", bimodal},
      {"constant", constant},
  };
  for (const auto& distribution : distributions) {
    Random random(42);
    const std::vector<double> values = distribution.draw(random);
    Histogram histogram;
    for (double v : values) histogram.observe(v);
    const HistogramSnapshot snap = histogram.snapshot();
    for (double q : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999}) {
      const double exact = exact_quantile(values, q);
      const double estimate = snap.quantile(q);
      EXPECT_LE(std::abs(estimate - exact), exact * Histogram::kRelativeError * (1 + 1e-12))
          << distribution.name << " q=" << q << " exact=" << exact << " estimate=" << estimate;
    }
    EXPECT_EQ(snap.quantile(0), *std::min_element(values.begin(), values.end()));
    EXPECT_EQ(snap.quantile(1), *std::max_element(values.begin(), values.end()));
  }
}

TEST(HistogramQuantiles, AreTheMidpointOfTheFineBucket) {
  // 2^0 starts a bucket [1, 1 + 1/32): its midpoint is off by exactly the stated bound.
  Histogram histogram;
  histogram.observe(0.5);
  for (int i = 0; i < 10; ++i) histogram.observe(1.0);
  histogram.observe(2.0);
  const HistogramSnapshot snap = histogram.snapshot();
  EXPECT_DOUBLE_EQ(snap.quantile(0.5), 1 + 1.0 / 64);
  EXPECT_DOUBLE_EQ(snap.quantile(0.5) / 1.0 - 1, Histogram::kRelativeError);
}

TEST(HistogramQuantiles, AreNaNWhenEmpty) {
  Histogram histogram;
  const HistogramSnapshot snap = histogram.snapshot();
  EXPECT_TRUE(std::isnan(snap.quantile(0.5)));
  EXPECT_EQ(snap.count, 0u);
  EXPECT_EQ(snap.min, 0);
  EXPECT_EQ(snap.max, 0);
}

TEST(HistogramQuantiles, BelowAndAboveTheRangeFallBackOnMinAndMax) {
  Histogram histogram(HistogramLayout{{}, 0.001, 1});
  histogram.observe(0.0001);  // underflow
  histogram.observe(0.0002);
  histogram.observe(0.5);
  histogram.observe(50);  // overflow
  histogram.observe(70);
  const HistogramSnapshot snap = histogram.snapshot();
  EXPECT_EQ(snap.quantile(0.4), 0.0001);  // in the underflow bucket: the min stands for it
  EXPECT_NEAR(snap.quantile(0.6), 0.5, 0.5 * Histogram::kRelativeError);
  EXPECT_EQ(snap.quantile(0.8), 70);  // in the overflow bucket: the max stands for it
}

struct BucketCase {
  double value;
  std::size_t bucket;  // index into the default bounds; 14 = (10, +Inf)
};

TEST(HistogramBuckets, CountEveryValueInTheFirstBoundItDoesNotExceed) {
  const BucketCase cases[] = {
      {0, 0},         {0.0001, 0}, {0.0005, 0}, {0.00050001, 1}, {0.001, 1}, {0.005, 3},
      {0.0050001, 4}, {0.099, 7},  {0.1, 7},    {0.25, 8},       {1, 10},    {2.4, 11},
      {10, 13},       {10.5, 14},  {1e9, 14},   {-3, 0},  // negative counts as 0
  };
  ASSERT_EQ(default_latency_bounds().size(), 14u);
  for (const auto& c : cases) {
    Histogram histogram;
    histogram.observe(c.value);
    const HistogramSnapshot snap = histogram.snapshot();
    ASSERT_EQ(snap.buckets.size(), 15u);
    for (std::size_t i = 0; i < snap.buckets.size(); ++i) {
      EXPECT_EQ(snap.buckets[i], i == c.bucket ? 1u : 0u) << "value " << c.value << " bucket " << i;
    }
  }
}

TEST(HistogramBuckets, DurationsAreRecordedInSeconds) {
  Histogram histogram;
  histogram.observe(5ms);
  histogram.observe(std::chrono::microseconds(250));
  histogram.observe(3s);
  const HistogramSnapshot snap = histogram.snapshot();
  EXPECT_EQ(snap.buckets[3], 1u);   // le=0.005
  EXPECT_EQ(snap.buckets[0], 1u);   // le=0.0005
  EXPECT_EQ(snap.buckets[12], 1u);  // le=5
  EXPECT_DOUBLE_EQ(snap.sum, 3.00525);
  EXPECT_EQ(snap.min, 0.00025);
  EXPECT_EQ(snap.max, 3.0);
}

TEST(HistogramBuckets, NaNAndInfinityAreIgnored) {
  Histogram histogram;
  histogram.observe(std::numeric_limits<double>::quiet_NaN());
  histogram.observe(std::numeric_limits<double>::infinity());
  histogram.observe(0.2);
  const HistogramSnapshot snap = histogram.snapshot();
  EXPECT_EQ(snap.count, 1u);
  EXPECT_EQ(snap.sum, 0.2);
}

TEST(HistogramSnapshotSince, DescribesOnlyTheInterval) {
  Histogram histogram;
  for (int i = 0; i < 1000; ++i) histogram.observe(0.001);
  const HistogramSnapshot before = histogram.snapshot();
  for (int i = 0; i < 100; ++i) histogram.observe(0.1);
  histogram.observe(0.3);
  const HistogramSnapshot after = histogram.snapshot();

  const HistogramSnapshot interval = after.since(before);
  EXPECT_EQ(interval.count, 101u);
  EXPECT_NEAR(interval.sum, 10.3, 1e-9);
  EXPECT_NEAR(interval.quantile(0.5), 0.1, 0.1 * Histogram::kRelativeError);
  EXPECT_NEAR(interval.min, 0.1, 0.1 * Histogram::kRelativeError);
  EXPECT_NEAR(interval.max, 0.3, 0.3 * Histogram::kRelativeError);
  EXPECT_EQ(interval.buckets[1], 0u);  // the 1 ms values are before the interval
  EXPECT_EQ(interval.buckets[7], 100u);
  EXPECT_EQ(interval.buckets[9], 1u);
  EXPECT_NEAR(after.quantile(0.5), 0.001, 0.001 * Histogram::kRelativeError);  // whole life

  const HistogramSnapshot nothing = after.since(after);
  EXPECT_EQ(nothing.count, 0u);
  EXPECT_TRUE(std::isnan(nothing.quantile(0.5)));
}

TEST(HistogramLayoutValidation, RefusesWhatCannotWork) {
  const std::pair<const char*, HistogramLayout> bad[] = {
      {"unsorted", HistogramLayout{{0.1, 0.05}, 1e-6, 3600}},
      {"repeated", HistogramLayout{{0.1, 0.1}, 1e-6, 3600}},
      {"NaN bound", HistogramLayout{{std::nan("")}, 1e-6, 3600}},
      {"infinite bound", HistogramLayout{{1, std::numeric_limits<double>::infinity()}, 1e-6, 3600}},
      {"lowest 0", HistogramLayout{{}, 0, 3600}},
      {"highest below lowest", HistogramLayout{{}, 1, 0.5}},
      {"too wide", HistogramLayout{{}, 1e-12, 1e12}},
  };
  for (const auto& [name, layout] : bad)
    EXPECT_THROW(validate(layout), std::invalid_argument) << name;
  EXPECT_NO_THROW(validate(HistogramLayout{}));
  EXPECT_NO_THROW(validate(HistogramLayout{{1024, 65536, 1048576}, 1, 1 << 30}));  // bytes
}

TEST(HistogramLayoutValidation, DefaultIsOneMicrosecondToAnHour) {
  Histogram histogram;
  const HistogramSnapshot snap = histogram.snapshot();
  EXPECT_EQ(snap.lowest_exponent, -20);         // 2^-20 ≈ 0.95 µs
  EXPECT_EQ(snap.fine.size(), 32u * 32u + 2u);  // up to 2^12 = 4096 s
}

TEST(HistogramConcurrency, TwoThreadsLoseNoObservation) {
  constexpr int kPerThread = 100000;
  Histogram histogram;
  auto record = [&histogram] {
    for (int i = 0; i < kPerThread; ++i) histogram.observe(i % 2 == 0 ? 0.25 : 0.5);
  };
  std::thread first(record);
  std::thread second(record);
  first.join();
  second.join();
  const HistogramSnapshot snap = histogram.snapshot();
  EXPECT_EQ(snap.count, 2u * kPerThread);
  EXPECT_EQ(snap.sum, 0.75 * kPerThread);  // every partial sum is exact in binary
  EXPECT_EQ(snap.buckets[8], static_cast<std::uint64_t>(kPerThread));  // le=0.25
  EXPECT_EQ(snap.buckets[9], static_cast<std::uint64_t>(kPerThread));  // le=0.5
  std::uint64_t fine_total = 0;
  for (auto n : snap.fine) fine_total += n;
  EXPECT_EQ(fine_total, 2u * kPerThread);
  EXPECT_EQ(snap.min, 0.25);
  EXPECT_EQ(snap.max, 0.5);
}

}  // namespace
}  // namespace srelab::telemetry
