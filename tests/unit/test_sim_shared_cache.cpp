// The twin's Redis: TTL entries without refresh, against the analytic hit rate of a TTL cache
// under Poisson arrivals (each id's cycle is one miss, then on average lambda p_i T hits), and
// its own small contract (expiry, no caching at TTL 0, clear with and without stale copies).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/shared_cache.hpp"
#include "sim/simulation.hpp"

namespace srelab::sim {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(SimSharedCache, EntriesExpireAndClear) {
  SharedCache cache;
  cache.put(7, 0, 2 * kSecond, 10 * kSecond);
  EXPECT_TRUE(cache.fresh(7, kSecond));
  EXPECT_FALSE(cache.fresh(7, 2 * kSecond));  // EX 2: gone at 2 s
  EXPECT_TRUE(cache.stale(7, 2 * kSecond));
  EXPECT_FALSE(cache.fresh(8, 0));
  EXPECT_EQ(cache.fresh_count(kSecond), 1u);

  cache.put(9, 0, 0, 10 * kSecond);  // TTL 0: no fresh copy
  EXPECT_FALSE(cache.fresh(9, 0));
  EXPECT_TRUE(cache.stale(9, 0));

  cache.clear(false);
  EXPECT_FALSE(cache.fresh(7, kSecond));
  EXPECT_TRUE(cache.stale(7, kSecond));
  cache.clear(true);
  EXPECT_FALSE(cache.stale(7, kSecond));
}

TEST(SimSharedCache, HugeIdsLiveOutsideTheFlatArray) {
  SharedCache cache;
  const std::uint64_t huge = SharedCache::kFlatIds + 12345;
  cache.put(huge, 0, kSecond, kSecond);
  EXPECT_TRUE(cache.fresh(huge, 0));
  EXPECT_FALSE(cache.fresh(huge + 1, 0));
  EXPECT_EQ(cache.fresh_count(0), 1u);
}

TEST(SimSharedCache, HitRateUnderZipfMatchesTheTtlApproximation) {
  const double lambda = 2000;
  const int n = 1000;
  const double ttl_s = 1;
  Scenario scenario;
  scenario.seed = 5;
  scenario.duration_s = 200;
  scenario.poisson_arrivals = true;
  scenario.gateway.enabled = false;
  scenario.replica.cache_ttl = std::chrono::seconds(1);
  scenario.postgres.connect_time = std::chrono::microseconds(0);
  scenario.resilience.mode = resilience::BreakerMode::disabled;
  scenario.traffic = {TrafficSegment{0, lambda, *load::IdDistribution::parse("zipf:1.0:1000")}};
  // Fills land the moment the miss is seen: no query time, no saturation, no Redis latency.
  scenario.faults = {FaultEvent{0, FaultEvent::Kind::chaos, R"({"saturation_ms_per_query": 0})"}};
  const SimulationResult result = simulate(scenario);

  double harmonic = 0;
  for (int i = 1; i <= n; ++i) harmonic += 1.0 / i;
  double expected = 0;
  for (int i = 1; i <= n; ++i) {
    const double p = 1.0 / i / harmonic;
    const double hits_per_cycle = lambda * p * ttl_s;
    expected += p * hits_per_cycle / (1 + hits_per_cycle);
  }
  const auto& total = result.report.total;
  const double measured =
      static_cast<double>(total.sources.at("cache")) / static_cast<double>(total.answered);
  EXPECT_NEAR(measured, expected, 0.01) << "hit rate " << measured << " vs " << expected;

  // The per-second series says the same.
  std::uint64_t lookups = 0;
  double hits = 0;
  for (const SimSecond& second : result.seconds) {
    lookups += second.cache_lookups;
    hits += second.cache_hit_rate * static_cast<double>(second.cache_lookups);
  }
  // A lookup in the run's last microseconds may be answered after its end: one or two more.
  EXPECT_GE(lookups, total.answered);
  EXPECT_LE(lookups, total.answered + 2);
  EXPECT_NEAR(hits / static_cast<double>(lookups), measured, 1e-5);
}

}  // namespace
}  // namespace srelab::sim
