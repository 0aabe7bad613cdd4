// Backoff on a ManualClock's time points: the delays a run of failures waits out, the cap, the
// reset by a success, failures inside the window counting once, and the settings that would
// otherwise not wait at all.
#include <gtest/gtest.h>

#include <vector>

#include "core/backoff.hpp"

namespace srelab {
namespace {

using namespace std::chrono_literals;

// The delay each of `failures` consecutive failures imposes, each one after the last has passed.
std::vector<Clock::duration> delays(Backoff& backoff, ManualClock& clock, int failures) {
  std::vector<Clock::duration> out;
  for (int i = 0; i < failures; ++i) {
    backoff.record_failure(clock.now());
    out.push_back(backoff.not_before() - clock.now());
    clock.advance(out.back());
  }
  return out;
}

struct DelayCase {
  const char* name;
  Clock::duration initial, max;
  std::vector<Clock::duration> expected;
};

class BackoffDelays : public ::testing::TestWithParam<DelayCase> {};

TEST_P(BackoffDelays, EachFailureWaitsTheNextDelay) {
  ManualClock clock;
  Backoff backoff(GetParam().initial, GetParam().max);
  EXPECT_EQ(delays(backoff, clock, static_cast<int>(GetParam().expected.size())),
            GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Settings, BackoffDelays,
    ::testing::Values(
        DelayCase{
            "doubles_to_the_cap", 100ms, 1000ms, {100ms, 200ms, 400ms, 800ms, 1000ms, 1000ms}},
        DelayCase{"never_zero", 0ms, 0ms, {1ms, 1ms}},
        DelayCase{"max_below_initial_stays_at_initial", 500ms, 100ms, {500ms, 500ms}}),
    [](const auto& info) { return info.param.name; });

TEST(Backoff, TheWindowRefusesUntilItsEnd) {
  ManualClock clock;
  Backoff backoff(100ms, 1000ms);
  EXPECT_TRUE(backoff.allows(clock.now())) << "nothing failed yet";
  backoff.record_failure(clock.now());
  clock.advance(99ms);
  EXPECT_FALSE(backoff.allows(clock.now()));
  clock.advance(1ms);
  EXPECT_TRUE(backoff.allows(clock.now()));
}

TEST(Backoff, ASuccessStartsTheDelaysOver) {
  ManualClock clock;
  Backoff backoff(100ms, 1000ms);
  (void)delays(backoff, clock, 3);
  backoff.record_success();
  EXPECT_TRUE(backoff.allows(clock.now()));
  EXPECT_EQ(delays(backoff, clock, 2), (std::vector<Clock::duration>{100ms, 200ms}));
}

TEST(Backoff, FailuresInsideTheWindowCountOnce) {
  ManualClock clock;
  Backoff backoff(100ms, 1000ms);
  backoff.record_failure(clock.now());
  clock.advance(50ms);
  backoff.record_failure(clock.now());
  EXPECT_EQ(backoff.not_before(), clock.now() + 50ms);
  EXPECT_EQ(backoff.next_delay(), 200ms);
}

}  // namespace
}  // namespace srelab
