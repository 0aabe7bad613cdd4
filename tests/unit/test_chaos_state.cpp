// ChaosState: verdicts from the settings in force, expiry on the injected clock, and failure
// draws that repeat exactly for a given seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "chaos/chaos_state.hpp"

namespace srelab::chaos {
namespace {

using namespace std::chrono_literals;

ChaosSettings failing(double db_rate, double cache_rate = 0) {
  ChaosSettings s;
  s.db_failure_rate = db_rate;
  s.cache_failure_rate = cache_rate;
  return s;
}

std::vector<bool> db_failures(ChaosState& state, int n) {
  std::vector<bool> out;
  for (int i = 0; i < n; ++i) out.push_back(state.db_verdict().fail);
  return out;
}

TEST(ChaosState, StartsWithTheDefaults) {
  ManualClock clock;
  ChaosState state(clock, 1);
  EXPECT_EQ(state.current(), ChaosSettings{});
  EXPECT_EQ(state.expires_at(), std::nullopt);
  const FaultVerdict db = state.db_verdict();
  EXPECT_EQ(db.latency, 0us);
  EXPECT_FALSE(db.fail);
  EXPECT_EQ(db.saturation_ms_per_query, 50);
  const FaultVerdict cache = state.cache_verdict();
  EXPECT_EQ(cache.latency, 0us);
  EXPECT_FALSE(cache.fail);
}

TEST(ChaosState, VerdictsCarryTheirOwnLatency) {
  ManualClock clock;
  ChaosState state(clock, 1);
  ChaosSettings s;
  s.db_latency_s = 0.25;
  s.cache_latency_s = 0.0015;
  s.saturation_ms_per_query = 12.5;
  state.apply(s);
  EXPECT_EQ(state.current(), s);
  const FaultVerdict db = state.db_verdict();
  EXPECT_EQ(db.latency, 250ms);
  EXPECT_EQ(db.saturation_ms_per_query, 12.5);
  EXPECT_FALSE(db.fail);
  const FaultVerdict cache = state.cache_verdict();
  EXPECT_EQ(cache.latency, 1500us);
  EXPECT_EQ(cache.saturation_ms_per_query, 0) << "saturation is the database's";
  EXPECT_FALSE(cache.fail);
}

TEST(ChaosState, RateZeroNeverFailsAndRateOneAlwaysDoes) {
  ManualClock clock;
  ChaosState state(clock, 7);
  state.apply(failing(0, 1));
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(state.db_verdict().fail);
    ASSERT_TRUE(state.cache_verdict().fail);
  }
  state.apply(failing(1, 0));
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(state.db_verdict().fail);
    ASSERT_FALSE(state.cache_verdict().fail);
  }
}

TEST(ChaosState, SameSeedSameVerdicts) {
  ManualClock clock;
  ChaosState a(clock, 1), b(clock, 2);  // different entropy: the configured seed decides
  ChaosSettings s = failing(0.5);
  s.seed = 1234;
  a.apply(s);
  b.apply(s);
  const std::vector<bool> first = db_failures(a, 100);
  EXPECT_EQ(first, db_failures(b, 100));
  const auto failures = std::count(first.begin(), first.end(), true);
  EXPECT_GT(failures, 25);  // about half: the rate is honoured, not all-or-nothing
  EXPECT_LT(failures, 75);
}

TEST(ChaosState, DifferentSeedsDiffer) {
  ManualClock clock;
  ChaosState a(clock, 1), b(clock, 1);
  ChaosSettings s = failing(0.5);
  s.seed = 1;
  a.apply(s);
  s.seed = 2;
  b.apply(s);
  EXPECT_NE(db_failures(a, 100), db_failures(b, 100));
}

TEST(ChaosState, ApplyingTheSeedAgainRestartsTheSequence) {
  ManualClock clock;
  ChaosState state(clock, 1);
  ChaosSettings s = failing(0.5);
  s.seed = 99;
  state.apply(s);
  const std::vector<bool> first = db_failures(state, 100);
  state.apply(s);
  EXPECT_EQ(db_failures(state, 100), first);
}

TEST(ChaosState, WithoutASeedTheEntropySeedDrives) {
  ManualClock clock;
  ChaosState a(clock, 5), b(clock, 5), c(clock, 6);
  a.apply(failing(0.5));
  b.apply(failing(0.5));
  c.apply(failing(0.5));
  const std::vector<bool> first = db_failures(a, 100);
  EXPECT_EQ(first, db_failures(b, 100));
  EXPECT_NE(first, db_failures(c, 100));
}

// Settled rates (0 or 1) draw nothing, so always-failing cache calls between the database's do
// not move the database's sequence.
TEST(ChaosState, SettledRatesDoNotConsumeDraws) {
  ManualClock clock;
  ChaosState plain(clock, 1), interleaved(clock, 1);
  ChaosSettings s = failing(0.5, 1);
  s.seed = 77;
  plain.apply(s);
  interleaved.apply(s);
  std::vector<bool> with_cache_calls;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(interleaved.cache_verdict().fail);
    with_cache_calls.push_back(interleaved.db_verdict().fail);
  }
  EXPECT_EQ(db_failures(plain, 100), with_cache_calls);
}

TEST(ChaosState, DbAndCacheShareOneSequence) {
  ManualClock clock;
  ChaosState db_only(clock, 1), both(clock, 1);
  ChaosSettings s = failing(0.5, 0.5);
  s.seed = 77;
  db_only.apply(s);
  both.apply(s);
  std::vector<bool> alternating;
  for (int i = 0; i < 50; ++i) {
    alternating.push_back(both.db_verdict().fail);
    alternating.push_back(both.cache_verdict().fail);
  }
  EXPECT_EQ(db_failures(db_only, 100), alternating);
}

TEST(ChaosState, DurationRevertsToDefaultsWhenItPasses) {
  ManualClock clock;
  ChaosState state(clock, 1);
  ChaosSettings s = failing(1, 1);
  s.db_latency_s = 2;
  s.duration_s = 30;
  const auto start = clock.now();
  state.apply(s);
  EXPECT_EQ(state.expires_at(), start + 30s);

  clock.advance(30s - 1ns);
  EXPECT_EQ(state.current(), s);
  EXPECT_TRUE(state.db_verdict().fail);
  EXPECT_EQ(state.db_verdict().latency, 2s);

  clock.advance(1ns);  // now == expires_at: reverted
  const FaultVerdict db = state.db_verdict();
  EXPECT_FALSE(db.fail);
  EXPECT_EQ(db.latency, 0us);
  EXPECT_FALSE(state.cache_verdict().fail);
  EXPECT_EQ(state.current(), ChaosSettings{});
  EXPECT_EQ(state.expires_at(), std::nullopt);
}

TEST(ChaosState, ExpiryIsSeenByWhicheverCallComesFirst) {
  for (int which = 0; which < 4; ++which) {
    ManualClock clock;
    ChaosState state(clock, 1);
    ChaosSettings s = failing(1, 1);
    s.duration_s = 0.5;
    state.apply(s);
    clock.advance(10s);
    switch (which) {
      case 0:
        EXPECT_EQ(state.current(), ChaosSettings{});
        break;
      case 1:
        EXPECT_EQ(state.expires_at(), std::nullopt);
        break;
      case 2:
        EXPECT_FALSE(state.db_verdict().fail);
        break;
      case 3:
        EXPECT_FALSE(state.cache_verdict().fail);
        break;
    }
    EXPECT_EQ(state.current(), ChaosSettings{}) << which;
  }
}

TEST(ChaosState, ApplyingAgainRestartsOrDropsTheCountdown) {
  ManualClock clock;
  ChaosState state(clock, 1);
  ChaosSettings s = failing(1);
  s.duration_s = 10;
  state.apply(s);
  clock.advance(8s);
  state.apply(s);  // a new countdown from now
  EXPECT_EQ(state.expires_at(), clock.now() + 10s);
  clock.advance(8s);
  EXPECT_TRUE(state.db_verdict().fail);

  s.duration_s.reset();  // no duration: in force until changed
  state.apply(s);
  EXPECT_EQ(state.expires_at(), std::nullopt);
  clock.advance(24h);
  EXPECT_TRUE(state.db_verdict().fail);
}

TEST(ChaosState, ResetRestoresDefaultsAndStopsTheCountdown) {
  ManualClock clock;
  ChaosState state(clock, 1);
  ChaosSettings s = failing(1, 1);
  s.duration_s = 60;
  state.apply(s);
  state.reset();
  EXPECT_EQ(state.current(), ChaosSettings{});
  EXPECT_EQ(state.expires_at(), std::nullopt);
  EXPECT_FALSE(state.db_verdict().fail);
}

}  // namespace
}  // namespace srelab::chaos
