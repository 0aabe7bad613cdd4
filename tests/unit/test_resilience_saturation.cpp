// The saturation model: the extra-latency formula and the in-flight count its guards keep.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

#include "resilience/saturation.hpp"

namespace srelab::resilience {
namespace {

using std::chrono::microseconds;

struct LatencyCase {
  double ms_per_query;
  std::size_t concurrent;
  long long expected_us;
};

class ExtraLatency : public ::testing::TestWithParam<LatencyCase> {};

TEST_P(ExtraLatency, IsTheSlopeTimesTheOthersInFlight) {
  const LatencyCase& c = GetParam();
  EXPECT_EQ(Saturation::extra_latency(c.ms_per_query, c.concurrent), microseconds(c.expected_us))
      << c.ms_per_query << " ms/query, " << c.concurrent << " concurrent";
}

INSTANTIATE_TEST_SUITE_P(Table, ExtraLatency,
                         ::testing::Values(LatencyCase{5, 0, 0},  // no guard held: nothing
                                           LatencyCase{5, 1, 0},  // a lone query pays nothing
                                           LatencyCase{5, 2, 5'000}, LatencyCase{5, 5, 20'000},
                                           LatencyCase{0.5, 3, 1'000}, LatencyCase{2.5, 11, 25'000},
                                           LatencyCase{0.001, 2, 1},   // 1 µs
                                           LatencyCase{0.0004, 2, 0},  // under 1 µs truncates
                                           LatencyCase{100, 101, 10'000'000}, LatencyCase{0, 50, 0},
                                           LatencyCase{-3, 50, 0}));

TEST(ExtraLatency, NaNSlopeAddsNothing) {
  EXPECT_EQ(Saturation::extra_latency(std::numeric_limits<double>::quiet_NaN(), 10),
            microseconds(0));
}

TEST(SaturationInFlight, NestedGuardsCountAndUnwind) {
  Saturation model;
  EXPECT_EQ(model.in_flight(), 0u);
  {
    Saturation::InFlight first(model);
    EXPECT_EQ(first.concurrent(), 1u);
    EXPECT_EQ(model.in_flight(), 1u);
    {
      Saturation::InFlight second(model);
      Saturation::InFlight third(model);
      EXPECT_EQ(second.concurrent(), 2u);
      EXPECT_EQ(third.concurrent(), 3u);
      EXPECT_EQ(model.in_flight(), 3u);
      EXPECT_EQ(first.concurrent(), 1u);  // fixed when it started
    }
    EXPECT_EQ(model.in_flight(), 1u);
    Saturation::InFlight again(model);
    EXPECT_EQ(again.concurrent(), 2u);
  }
  EXPECT_EQ(model.in_flight(), 0u);
}

TEST(SaturationInFlight, ModelsAreIndependent) {
  Saturation a;
  Saturation b;
  Saturation::InFlight in_a(a);
  EXPECT_EQ(a.in_flight(), 1u);
  EXPECT_EQ(b.in_flight(), 0u);
}

TEST(SaturationInFlight, TwoThreadsReturnToZero) {
  Saturation model;
  std::size_t most_seen[2] = {0, 0};
  auto worker = [&](int index) {
    for (int i = 0; i < 10000; ++i) {
      Saturation::InFlight outer(model);
      Saturation::InFlight inner(model);
      // Two guards here, at most two in the other thread.
      if (inner.concurrent() > most_seen[index]) most_seen[index] = inner.concurrent();
    }
  };
  std::thread a(worker, 0);
  std::thread b(worker, 1);
  a.join();
  b.join();
  EXPECT_EQ(model.in_flight(), 0u);
  EXPECT_GE(std::max(most_seen[0], most_seen[1]), 2u);
  EXPECT_LE(std::max(most_seen[0], most_seen[1]), 4u);
}

}  // namespace
}  // namespace srelab::resilience
