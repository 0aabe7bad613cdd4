// ResilienceControls::reset on a ManualClock: the settings it was built with come back, the
// breaker is as new (window, rejected calls, history), and a default forced mode is entered
// again as at construction; the pool timeout setter hears the default.
#include <gtest/gtest.h>

#include "catalog/resilience_controls.hpp"

namespace srelab::catalog {
namespace {

using namespace std::chrono_literals;
using resilience::BreakerMode;
using resilience::BreakerState;

void fail_calls(resilience::CircuitBreaker& breaker, int count) {
  for (int i = 0; i < count; ++i)
    if (breaker.try_acquire()) breaker.record_failure(10ms);
}

TEST(ResilienceControlsReset, RestoresTheDefaultsAndABreakerAsNew) {
  ManualClock clock;
  resilience::ResilienceSettings defaults;
  defaults.db_pool_timeout = 750ms;
  std::chrono::milliseconds pool_timeout{};
  ResilienceControls controls(defaults, clock, [&](auto timeout) { pool_timeout = timeout; });

  resilience::ResilienceSettings changed = defaults;
  changed.breaker.window_size = 4;
  changed.breaker.minimum_calls = 2;
  changed.db_pool_timeout = 0ms;
  changed.fallback_enabled = false;
  controls.apply(changed);
  fail_calls(controls.breaker(), 6);  // opens, then rejects
  ASSERT_EQ(controls.breaker().state(), BreakerState::open);
  ASSERT_GT(controls.breaker().snapshot().rejected_calls, 0u);

  controls.reset();
  EXPECT_EQ(controls.settings().breaker.window_size, 10u);
  EXPECT_EQ(controls.settings().db_pool_timeout, 750ms);
  EXPECT_EQ(pool_timeout, 750ms);
  EXPECT_TRUE(controls.fallback_enabled());
  const resilience::BreakerSnapshot snap = controls.breaker().snapshot();
  EXPECT_EQ(snap.state, BreakerState::closed);
  EXPECT_EQ(snap.settings.window_size, 10u);
  EXPECT_TRUE(snap.window.empty());
  EXPECT_EQ(snap.rejected_calls, 0u);
  EXPECT_TRUE(snap.transitions.empty());
}

TEST(ResilienceControlsReset, LeavesAForcedModeThatWasNotTheDefault) {
  ManualClock clock;
  ResilienceControls controls({}, clock);
  resilience::ResilienceSettings forced;
  forced.mode = BreakerMode::forced_open;
  controls.apply(forced);
  ASSERT_EQ(controls.breaker().state(), BreakerState::forced_open);
  controls.reset();
  EXPECT_EQ(controls.settings().mode, BreakerMode::normal);
  EXPECT_EQ(controls.breaker().state(), BreakerState::closed);
}

TEST(ResilienceControlsReset, EntersADefaultForcedModeAsAFreshOneDoes) {
  ManualClock clock;
  resilience::ResilienceSettings disabled;
  disabled.mode = BreakerMode::disabled;
  ResilienceControls fresh(disabled, clock);
  ResilienceControls controls(disabled, clock);
  controls.apply({});
  fail_calls(controls.breaker(), 10);
  controls.reset();
  EXPECT_EQ(controls.breaker().state(), BreakerState::disabled);
  EXPECT_EQ(controls.breaker().snapshot().transitions.size(),
            fresh.breaker().snapshot().transitions.size());
}

}  // namespace
}  // namespace srelab::catalog
