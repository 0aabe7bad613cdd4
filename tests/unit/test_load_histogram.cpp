// The load generator's latency histogram (telemetry::Histogram with load::latency_layout()):
// quantiles within 1 % of the exact ones on random latencies, merging per-thread snapshots equals
// recording everything in one, and the per-second interval.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/random.hpp"
#include "load/load_report.hpp"

namespace srelab::load {
namespace {

double exact_quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  const auto rank = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(q * static_cast<double>(n))), 1, n);
  return values[rank - 1];
}

// Latencies from 50 µs up to seconds: a log-normal body and a long tail.
std::vector<double> latencies(Random& random, std::size_t n) {
  std::vector<double> values(n);
  for (double& v : values) {
    const double u1 = std::max(random.unit(), 1e-12);
    const double u2 = random.unit();
    const double normal = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
    v = 0.002 * std::exp(1.2 * normal);
    if (random.unit() < 0.01) v *= 50;  // the tail
    v = std::max(v, 50e-6);
  }
  return values;
}

TEST(LoadHistogram, QuantilesAreWithinOnePercentOfExact) {
  Random random(7);
  for (int round = 0; round < 5; ++round) {
    const auto values = latencies(random, 50'000);
    telemetry::Histogram histogram(latency_layout());
    for (double v : values) histogram.observe(v);
    const auto snap = histogram.snapshot();
    EXPECT_LE(snap.relative_error(), 0.01);
    for (double q : {0.5, 0.9, 0.95, 0.99, 0.999}) {
      const double exact = exact_quantile(values, q);
      EXPECT_NEAR(snap.quantile(q), exact, exact * 0.01) << "q " << q << " round " << round;
    }
    EXPECT_DOUBLE_EQ(snap.quantile(1), *std::max_element(values.begin(), values.end()));
  }
}

TEST(LoadHistogram, MergedThreadSnapshotsEqualOneHistogram) {
  Random random(11);
  const auto values = latencies(random, 30'000);
  telemetry::Histogram all(latency_layout()), first(latency_layout()), second(latency_layout());
  for (std::size_t i = 0; i < values.size(); ++i) {
    all.observe(values[i]);
    (i % 3 == 0 ? first : second).observe(values[i]);
  }
  telemetry::HistogramSnapshot merged;  // empty: takes the first one's layout
  merged.merge(first.snapshot());
  merged.merge(second.snapshot());
  const auto whole = all.snapshot();
  EXPECT_EQ(merged.count, whole.count);
  EXPECT_EQ(merged.fine, whole.fine);
  EXPECT_DOUBLE_EQ(merged.min, whole.min);
  EXPECT_DOUBLE_EQ(merged.max, whole.max);
  EXPECT_NEAR(merged.sum, whole.sum, whole.sum * 1e-9);
  for (double q : {0.5, 0.99}) EXPECT_DOUBLE_EQ(merged.quantile(q), whole.quantile(q));
}

TEST(LoadHistogram, MergingDifferentLayoutsIsABug) {
  telemetry::Histogram load(latency_layout()), service;
  load.observe(0.001);
  service.observe(0.001);
  auto snap = load.snapshot();
  EXPECT_THROW(snap.merge(service.snapshot()), std::invalid_argument);
}

TEST(LoadHistogram, SummaryOfNothingIsNaN) {
  const auto s = summarize(telemetry::Histogram(latency_layout()).snapshot());
  EXPECT_EQ(s.count, 0u);
  EXPECT_TRUE(std::isnan(s.p50));
  EXPECT_TRUE(std::isnan(s.max));
}

}  // namespace
}  // namespace srelab::load
