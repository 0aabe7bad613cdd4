// The restart policy of `up` on a ManualClock: the delays of a run of crashes (1 s doubling to
// 30 s), the reset after a child stayed up long enough, the limit, and `--restart never`.
#include <gtest/gtest.h>

#include <vector>

#include "lab/restart_policy.hpp"

namespace srelab::lab {
namespace {

using namespace std::chrono_literals;

// A child that crashes `up_for` after each start, `times` times: the delay before each restart.
std::vector<Clock::duration> delays(RestartPolicy& policy, ManualClock& clock, int times,
                                    Clock::duration up_for = 100ms) {
  std::vector<Clock::duration> out;
  for (int i = 0; i < times; ++i) {
    clock.advance(up_for);
    const auto at = policy.failed(clock.now());
    if (!at) break;
    out.push_back(*at - clock.now());
    clock.advance(out.back());
    policy.started(clock.now());
  }
  return out;
}

TEST(RestartPolicy, CrashesInARowDoubleTheDelayUpToThirtySeconds) {
  ManualClock clock;
  RestartPolicy policy;
  policy.started(clock.now());
  const std::vector<Clock::duration> expected{1s, 2s, 4s, 8s, 16s, 30s, 30s, 30s};
  EXPECT_EQ(delays(policy, clock, 8), expected);
  EXPECT_EQ(policy.restarts(), 8);
  EXPECT_EQ(policy.failures_in_a_row(), 8);
}

TEST(RestartPolicy, AChildThatStayedUpAMinuteStartsOverAtOneSecond) {
  ManualClock clock;
  RestartPolicy policy;
  policy.started(clock.now());
  delays(policy, clock, 3);  // 1, 2, 4 s
  EXPECT_EQ(delays(policy, clock, 1, 60s), std::vector<Clock::duration>{1s});
  EXPECT_EQ(policy.failures_in_a_row(), 1);
  EXPECT_EQ(policy.restarts(), 4);  // the total is kept
}

TEST(RestartPolicy, UpForLessThanAMinuteKeepsDoubling) {
  ManualClock clock;
  RestartPolicy policy;
  policy.started(clock.now());
  delays(policy, clock, 3);
  EXPECT_EQ(delays(policy, clock, 1, 59s), std::vector<Clock::duration>{8s});
}

TEST(RestartPolicy, GivesUpAfterTheLimitOfFailuresInARow) {
  ManualClock clock;
  RestartPolicy policy({.limit = 3});
  policy.started(clock.now());
  EXPECT_EQ(delays(policy, clock, 10).size(), 3u);
  EXPECT_FALSE(policy.failed(clock.now()).has_value());
}

TEST(RestartPolicy, AStartThatFailsCountsAsAFailure) {
  ManualClock clock;
  RestartPolicy policy({.limit = 2});
  policy.started(clock.now());
  auto at = policy.failed(clock.now());
  ASSERT_TRUE(at);
  clock.advance(*at - clock.now());
  at = policy.failed(clock.now());  // the restart did not come up: no started() between
  ASSERT_TRUE(at);
  EXPECT_EQ(*at - clock.now(), 2s);
  clock.advance(2s);
  EXPECT_FALSE(policy.failed(clock.now()));
}

TEST(RestartPolicy, NeverRestartsWithALimitOfZero) {
  ManualClock clock;
  RestartPolicy policy({.limit = 0});
  policy.started(clock.now());
  clock.advance(1h);
  EXPECT_FALSE(policy.failed(clock.now()));
  EXPECT_EQ(policy.restarts(), 0);
}

}  // namespace
}  // namespace srelab::lab
