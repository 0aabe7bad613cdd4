// CircuitBreaker on a ManualClock: when it opens, what it rejects, how HALF_OPEN trials end,
// the forced modes, configure(), the flight recorder, and counts under two threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "resilience/circuit_breaker.hpp"

namespace srelab::resilience {
namespace {

using namespace std::chrono_literals;

constexpr auto kFast = 10ms;
constexpr auto kSlow = 2500ms;

// The outcome of a permitted call, as the test's tables spell it.
void record(CircuitBreaker& breaker, bool failed, Clock::duration duration) {
  if (failed)
    breaker.record_failure(duration);
  else
    breaker.record_success(duration);
}

// Acquires and records one call; the call must be permitted.
void call(CircuitBreaker& breaker, bool failed, Clock::duration duration = kFast) {
  ASSERT_TRUE(breaker.try_acquire());
  record(breaker, failed, duration);
}

// "FFS" → failure, failure, success.
void calls(CircuitBreaker& breaker, std::string_view outcomes, Clock::duration duration = kFast) {
  for (char outcome : outcomes) call(breaker, outcome == 'F', duration);
}

// The reason of the latest transition, or a marker that fails any comparison.
std::string last_reason(const CircuitBreaker& breaker) {
  const BreakerSnapshot snap = breaker.snapshot();
  return snap.transitions.empty() ? "<no transition>" : snap.transitions.back().reason;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(BreakerStateText, MatchesTheTagValues) {
  EXPECT_EQ(to_string(BreakerState::closed), "CLOSED");
  EXPECT_EQ(to_string(BreakerState::open), "OPEN");
  EXPECT_EQ(to_string(BreakerState::half_open), "HALF_OPEN");
  // Forced open rejects as OPEN does and the guide filters on state:OPEN (it was "FORCED_OPEN"
  // until the guide's query had to find it); the forcing is reported beside the state.
  EXPECT_EQ(to_string(BreakerState::forced_open), "OPEN");
  EXPECT_EQ(to_string(BreakerState::disabled), "DISABLED");
}

// --- When CLOSED turns OPEN -------------------------------------------------------------------

struct OpeningCase {
  const char* name;
  std::size_t window_size;
  std::size_t minimum_calls;
  double failure_rate_threshold;
  const char* outcomes;  // recorded in order; 'F' failed, 'S' succeeded
  int opens_after;       // 1-based index of the call that opens it; 0 = stays CLOSED
  const char* reason_has;
};

class BreakerOpening : public ::testing::TestWithParam<OpeningCase> {};

TEST_P(BreakerOpening, OpensAtExactlyTheDocumentedCall) {
  const OpeningCase& c = GetParam();
  ManualClock clock;
  BreakerSettings settings;
  settings.window_size = c.window_size;
  settings.minimum_calls = c.minimum_calls;
  settings.failure_rate_threshold = c.failure_rate_threshold;
  CircuitBreaker breaker(settings, clock);

  const std::string outcomes = c.outcomes;
  int opened_at = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    ASSERT_TRUE(breaker.try_acquire()) << "call " << i + 1;
    record(breaker, outcomes[i] == 'F', kFast);
    if (breaker.state() == BreakerState::open) {
      opened_at = static_cast<int>(i) + 1;
      break;
    }
  }
  EXPECT_EQ(opened_at, c.opens_after);
  const BreakerSnapshot snap = breaker.snapshot();
  if (c.opens_after == 0) {
    EXPECT_EQ(snap.state, BreakerState::closed);
    EXPECT_TRUE(snap.transitions.empty());
    return;
  }
  ASSERT_EQ(snap.transitions.size(), 1u);
  const Transition& t = snap.transitions.back();
  EXPECT_EQ(t.from, BreakerState::closed);
  EXPECT_EQ(t.to, BreakerState::open);
  EXPECT_TRUE(contains(t.reason, c.reason_has)) << t.reason;
  EXPECT_TRUE(snap.window.empty()) << "entering OPEN starts a fresh window";
  EXPECT_EQ(snap.open_until, clock.now() + settings.open_wait);
}

INSTANTIATE_TEST_SUITE_P(
    Table, BreakerOpening,
    ::testing::Values(
        OpeningCase{"FiveFailuresOfFive", 10, 5, 0.5, "FFFFF", 5,
                    "failure rate 100% >= 50% over the last 5 calls"},
        OpeningCase{"FourFailuresOneSuccess", 10, 5, 0.5, "FFFFS", 5,
                    "failure rate 80% >= 50% over the last 5 calls"},
        OpeningCase{"TwoOfFiveStaysClosed", 10, 5, 0.5, "FFSSS", 0, ""},
        OpeningCase{"TwoOfFiveThenOneMore", 10, 5, 0.5, "FFSSSFFF", 6,
                    "failure rate 50% >= 50% over the last 6 calls"},
        OpeningCase{"ThirdOfEight", 10, 5, 0.5, "SSSSFSFF", 0, ""},
        OpeningCase{"OneThird", 10, 6, 0.3, "SSSSFF", 6,
                    "failure rate 33.3% >= 30% over the last 6 calls"},
        OpeningCase{"MinimumCallsRespected", 10, 7, 0.5, "FFFFFFF", 7,
                    "failure rate 100% >= 50% over the last 7 calls"},
        OpeningCase{"ExactlyAtThreshold", 10, 5, 0.6, "SSFFF", 5, "failure rate 60% >= 60%"},
        OpeningCase{"JustUnderThreshold", 10, 5, 0.6, "SSSFF", 0, ""},
        OpeningCase{"MinimumOfOne", 10, 1, 0.5, "F", 1,
                    "failure rate 100% >= 50% over the last call"},
        OpeningCase{"MinimumAboveWindowIsCapped", 3, 50, 0.5, "FFF", 3, "over the last 3 calls"},
        OpeningCase{"AllSuccessesNeverOpen", 10, 5, 0.5, "SSSSSSSSSSSSSSSSSSSS", 0, ""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CircuitBreaker, SlidingWindowDropsTheOldestCalls) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);  // window 10, minimum 5, 50%
  calls(breaker, "SSSSSSSSSS");
  // Failures push successes out of the last 10: 4 of 10 stays CLOSED, 5 of 10 opens.
  calls(breaker, "FFFF");
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  EXPECT_EQ(breaker.snapshot().window.size(), 10u);
  EXPECT_DOUBLE_EQ(breaker.snapshot().failure_rate, 0.4);
  call(breaker, true);
  EXPECT_EQ(breaker.state(), BreakerState::open);
  const BreakerSnapshot snap = breaker.snapshot();
  ASSERT_FALSE(snap.transitions.empty());
  const Transition& t = snap.transitions.back();
  EXPECT_EQ(t.reason, "failure rate 50% >= 50% over the last 10 calls");
  ASSERT_EQ(t.window.size(), 10u);
  // Oldest first: the 5 surviving successes, then the 5 failures.
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(t.window[i].failed, i >= 5) << i;
}

TEST(CircuitBreaker, OpensWhenEveryCallIsSlow) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);  // slow ≥ 2 s, threshold 100%
  calls(breaker, "SSSS", kSlow);
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  EXPECT_DOUBLE_EQ(breaker.snapshot().slow_call_rate, 1.0);
  call(breaker, false, kSlow);
  ASSERT_EQ(breaker.state(), BreakerState::open);
  const BreakerSnapshot snap = breaker.snapshot();
  ASSERT_FALSE(snap.transitions.empty());
  const Transition& t = snap.transitions.back();
  EXPECT_EQ(t.reason, "slow-call rate 100% >= 100% over the last 5 calls (calls >= 2000 ms)");
  ASSERT_EQ(t.window.size(), 5u);
  EXPECT_TRUE(t.window.front().slow);
  EXPECT_FALSE(t.window.front().failed);
  EXPECT_EQ(t.window.front().duration, kSlow);
}

TEST(CircuitBreaker, OneFastCallAmongSlowOnesKeepsItClosed) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  calls(breaker, "SSSS", kSlow);
  call(breaker, false, 1999ms);
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  EXPECT_DOUBLE_EQ(breaker.snapshot().slow_call_rate, 0.8);
}

TEST(CircuitBreaker, ACallOfExactlyTheSlowDurationIsSlow) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  call(breaker, false, 2s);
  call(breaker, false, 2s - 1us);
  const BreakerSnapshot snap = breaker.snapshot();
  ASSERT_EQ(snap.window.size(), 2u);
  EXPECT_TRUE(snap.window[0].slow);
  EXPECT_FALSE(snap.window[1].slow);
}

TEST(CircuitBreaker, SlowFailuresCountInBothRatesAndFailureIsReported) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  calls(breaker, "FFFFF", kSlow);
  ASSERT_EQ(breaker.state(), BreakerState::open);
  EXPECT_TRUE(contains(last_reason(breaker), "failure rate 100%"));
}

// --- OPEN and HALF_OPEN -----------------------------------------------------------------------

// A breaker that has just opened on five failures.
struct OpenBreaker {
  explicit OpenBreaker(BreakerSettings settings = {}) : breaker(settings, clock) {
    calls(breaker, "FFFFF");
  }
  ManualClock clock;
  CircuitBreaker breaker;
};

TEST(CircuitBreaker, RejectsAndCountsWhileOpen) {
  OpenBreaker open;
  ASSERT_EQ(open.breaker.state(), BreakerState::open);
  for (int i = 0; i < 7; ++i) EXPECT_FALSE(open.breaker.try_acquire());
  open.clock.advance(10s - 1ns);
  EXPECT_FALSE(open.breaker.try_acquire());
  EXPECT_EQ(open.breaker.state(), BreakerState::open);
  EXPECT_EQ(open.breaker.snapshot().rejected_calls, 8u);
}

TEST(CircuitBreaker, OutcomesRecordedWhileOpenAreIgnored) {
  OpenBreaker open;
  open.breaker.record_success(kFast);  // a call let through before it opened
  EXPECT_TRUE(open.breaker.snapshot().window.empty());
  EXPECT_EQ(open.breaker.state(), BreakerState::open);
}

TEST(CircuitBreaker, HalfOpenAfterTheWaitHandsOutThreePermits) {
  OpenBreaker open;
  open.clock.advance(10s);
  EXPECT_TRUE(open.breaker.try_acquire());
  EXPECT_EQ(open.breaker.state(), BreakerState::half_open);
  EXPECT_TRUE(open.breaker.try_acquire());
  EXPECT_TRUE(open.breaker.try_acquire());
  EXPECT_FALSE(open.breaker.try_acquire());
  EXPECT_FALSE(open.breaker.try_acquire());
  const BreakerSnapshot snap = open.breaker.snapshot();
  EXPECT_EQ(snap.half_open_in_flight, 3u);
  EXPECT_EQ(snap.rejected_calls, 2u);
  ASSERT_FALSE(snap.transitions.empty());
  const Transition& t = snap.transitions.back();
  EXPECT_EQ(t.from, BreakerState::open);
  EXPECT_EQ(t.to, BreakerState::half_open);
  EXPECT_EQ(t.reason, "open wait of 10 s elapsed");
  EXPECT_EQ(t.at, open.clock.now());
}

TEST(CircuitBreaker, HalfOpenTrialsAllSucceedingClose) {
  OpenBreaker open;
  open.clock.advance(10s);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(open.breaker.try_acquire());
  open.breaker.record_success(kFast);
  open.breaker.record_success(kFast);
  EXPECT_EQ(open.breaker.state(), BreakerState::half_open);
  EXPECT_EQ(open.breaker.snapshot().half_open_in_flight, 1u);
  open.breaker.record_success(kFast);
  const BreakerSnapshot snap = open.breaker.snapshot();
  EXPECT_EQ(snap.state, BreakerState::closed);
  EXPECT_TRUE(snap.window.empty());
  ASSERT_FALSE(snap.transitions.empty());
  const Transition& t = snap.transitions.back();
  EXPECT_EQ(t.from, BreakerState::half_open);
  EXPECT_EQ(t.to, BreakerState::closed);
  EXPECT_EQ(t.reason, "3 trial calls succeeded");
  EXPECT_EQ(t.window.size(), 3u);
  // A fresh CLOSED judges a fresh window: 4 failures are below minimum_calls.
  calls(open.breaker, "FFFF");
  EXPECT_EQ(open.breaker.state(), BreakerState::closed);
}

TEST(CircuitBreaker, SuccessesInterleavedWithPermitsClose) {
  OpenBreaker open;
  open.clock.advance(10s);
  call(open.breaker, false);
  call(open.breaker, false);
  call(open.breaker, false);
  EXPECT_EQ(open.breaker.state(), BreakerState::closed);
}

TEST(CircuitBreaker, AFailedTrialReopensForAnotherWait) {
  OpenBreaker open;
  open.clock.advance(10s);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(open.breaker.try_acquire());
  open.breaker.record_success(kFast);
  open.breaker.record_failure(kFast);
  BreakerSnapshot snap = open.breaker.snapshot();
  EXPECT_EQ(snap.state, BreakerState::open);
  EXPECT_EQ(snap.open_until, open.clock.now() + 10s);
  ASSERT_FALSE(snap.transitions.empty());
  const Transition& t = snap.transitions.back();
  EXPECT_EQ(t.from, BreakerState::half_open);
  EXPECT_EQ(t.reason, "trial call failed in HALF_OPEN");
  ASSERT_EQ(t.window.size(), 2u);
  EXPECT_TRUE(t.window.back().failed);
  // The third trial's outcome arrives after the reopening: ignored.
  open.breaker.record_success(kFast);
  EXPECT_EQ(open.breaker.state(), BreakerState::open);
  EXPECT_FALSE(open.breaker.try_acquire());
  open.clock.advance(10s);
  EXPECT_TRUE(open.breaker.try_acquire());
  EXPECT_EQ(open.breaker.state(), BreakerState::half_open);
}

TEST(CircuitBreaker, ASlowTrialReopens) {
  OpenBreaker open;
  open.clock.advance(10s);
  call(open.breaker, false, kSlow);
  EXPECT_EQ(open.breaker.state(), BreakerState::open);
  EXPECT_EQ(last_reason(open.breaker), "trial call slow in HALF_OPEN (2500 ms >= 2000 ms)");
}

TEST(CircuitBreaker, ReleaseFreesATrialSlot) {
  OpenBreaker open;
  open.clock.advance(10s);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(open.breaker.try_acquire());
  EXPECT_FALSE(open.breaker.try_acquire());
  open.breaker.release();
  EXPECT_EQ(open.breaker.snapshot().half_open_in_flight, 2u);
  EXPECT_TRUE(open.breaker.try_acquire());
  EXPECT_FALSE(open.breaker.try_acquire());
  // A released call is not a success: three recorded successes are still needed.
  open.breaker.record_success(kFast);
  open.breaker.record_success(kFast);
  EXPECT_EQ(open.breaker.state(), BreakerState::half_open);
  open.breaker.record_success(kFast);
  EXPECT_EQ(open.breaker.state(), BreakerState::closed);
}

TEST(CircuitBreaker, ReleaseInClosedChangesNothing) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  ASSERT_TRUE(breaker.try_acquire());
  breaker.release();
  const BreakerSnapshot snap = breaker.snapshot();
  EXPECT_EQ(snap.state, BreakerState::closed);
  EXPECT_TRUE(snap.window.empty());
}

TEST(CircuitBreaker, AStragglerInHalfOpenWithoutTrialsIsIgnored) {
  OpenBreaker open;
  open.clock.advance(10s);
  ASSERT_TRUE(open.breaker.try_acquire());
  open.breaker.record_success(kFast);  // the trial
  open.breaker.record_failure(kFast);  // no trial outstanding: a call from before the opening
  EXPECT_EQ(open.breaker.state(), BreakerState::half_open);
}

// --- Forced modes and reset -------------------------------------------------------------------

TEST(CircuitBreaker, ForcedOpenRejectsEverythingForever) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  breaker.force_open();
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(breaker.try_acquire());
  clock.advance(std::chrono::hours(24));
  EXPECT_FALSE(breaker.try_acquire());
  const BreakerSnapshot snap = breaker.snapshot();
  EXPECT_EQ(snap.state, BreakerState::forced_open);
  EXPECT_EQ(snap.rejected_calls, 6u);
  ASSERT_EQ(snap.transitions.size(), 1u);
  EXPECT_EQ(snap.transitions[0].reason, "forced open by configuration");
  EXPECT_EQ(snap.transitions[0].from, BreakerState::closed);
}

TEST(CircuitBreaker, ClearLeavesItAsNewButTheMetricsTotal) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  calls(breaker, "FFFFF");  // opens: 5 failures of 5
  ASSERT_EQ(breaker.state(), BreakerState::open);
  EXPECT_FALSE(breaker.try_acquire());
  EXPECT_FALSE(breaker.try_acquire());
  breaker.clear();
  const BreakerSnapshot snap = breaker.snapshot();
  EXPECT_EQ(snap.state, BreakerState::closed);
  EXPECT_TRUE(snap.window.empty());
  EXPECT_TRUE(snap.transitions.empty()) << "the flight recorder starts over";
  EXPECT_EQ(snap.rejected_calls, 0u);
  EXPECT_EQ(snap.rejected_calls_total, 2u) << "a counter metric never goes down";
  calls(breaker, "FFFF");  // judged afresh: 4 calls are under minimum_calls
  EXPECT_EQ(breaker.state(), BreakerState::closed);
}

TEST(CircuitBreaker, ClearLeavesTheForcedStatesAndForgetsTrialCalls) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  breaker.force_open();
  breaker.clear();
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  EXPECT_TRUE(breaker.snapshot().transitions.empty());

  calls(breaker, "FFFFF");
  clock.advance(std::chrono::seconds(11));
  ASSERT_TRUE(breaker.try_acquire());  // a trial call in HALF_OPEN, outstanding
  ASSERT_EQ(breaker.snapshot().half_open_in_flight, 1u);
  breaker.clear();
  EXPECT_EQ(breaker.snapshot().half_open_in_flight, 0u);
  breaker.record_success(kFast);  // the trial's outcome arrives in CLOSED: an ordinary call
  EXPECT_EQ(breaker.snapshot().window.size(), 1u);
}

TEST(CircuitBreaker, DisabledPermitsEverythingAndRecordsNothing) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  breaker.disable();
  for (int i = 0; i < 50; ++i) call(breaker, true, kSlow);
  const BreakerSnapshot snap = breaker.snapshot();
  EXPECT_EQ(snap.state, BreakerState::disabled);
  EXPECT_TRUE(snap.window.empty());
  EXPECT_EQ(snap.rejected_calls, 0u);
  ASSERT_EQ(snap.transitions.size(), 1u);
  EXPECT_EQ(snap.transitions[0].reason, "disabled by configuration");
}

TEST(CircuitBreaker, ResetLeavesForcedStatesAndEmptiesTheWindow) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  breaker.force_open();
  breaker.reset();
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  EXPECT_TRUE(breaker.try_acquire());
  breaker.record_failure(kFast);
  breaker.disable();
  breaker.reset();
  calls(breaker, "FFFF");
  breaker.reset();  // already CLOSED: empties the window without a transition
  const BreakerSnapshot snap = breaker.snapshot();
  EXPECT_TRUE(snap.window.empty());
  ASSERT_EQ(snap.transitions.size(), 4u);
  EXPECT_EQ(snap.transitions[1].reason, "reset by configuration");
  EXPECT_EQ(snap.transitions[1].from, BreakerState::forced_open);
  EXPECT_EQ(snap.transitions[3].from, BreakerState::disabled);
  EXPECT_EQ(snap.transitions[3].to, BreakerState::closed);
  call(breaker, true);  // a fifth failure would have opened it without the reset
  EXPECT_EQ(breaker.state(), BreakerState::closed);
}

TEST(CircuitBreaker, ForcingTheSameStateTwiceIsOneTransition) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  breaker.force_open();
  breaker.force_open();
  breaker.disable();
  breaker.disable();
  EXPECT_EQ(breaker.snapshot().transitions.size(), 2u);
}

TEST(CircuitBreaker, ResetFromOpenClosesAtOnce) {
  OpenBreaker open;
  open.breaker.reset();
  EXPECT_EQ(open.breaker.state(), BreakerState::closed);
  EXPECT_TRUE(open.breaker.try_acquire());
}

// --- configure --------------------------------------------------------------------------------

TEST(CircuitBreaker, ConfigureTrimsTheWindowOldestFirst) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  calls(breaker, "FFSSSSSS");  // 2 of 8 failed
  BreakerSettings smaller;
  smaller.window_size = 4;
  smaller.minimum_calls = 4;
  breaker.configure(smaller);
  BreakerSnapshot snap = breaker.snapshot();
  EXPECT_EQ(snap.state, BreakerState::closed);
  EXPECT_EQ(snap.settings.window_size, 4u);
  ASSERT_EQ(snap.window.size(), 4u);
  for (const CallRecord& r : snap.window) EXPECT_FALSE(r.failed);  // the two failures went
  calls(breaker, "FF");                                            // 2 of the last 4
  EXPECT_EQ(breaker.state(), BreakerState::open);
  EXPECT_EQ(last_reason(breaker), "failure rate 50% >= 50% over the last 4 calls");
}

TEST(CircuitBreaker, ConfigureKeepsTheStateAndAppliesNewSettingsNextTime) {
  OpenBreaker open;
  const Clock::time_point open_until = open.breaker.snapshot().open_until;
  BreakerSettings longer;
  longer.open_wait = 60s;
  longer.half_open_calls = 1;
  open.breaker.configure(longer);
  EXPECT_EQ(open.breaker.state(), BreakerState::open);
  EXPECT_EQ(open.breaker.snapshot().open_until, open_until);  // this wait keeps its end
  open.clock.advance(10s);
  ASSERT_TRUE(open.breaker.try_acquire());
  EXPECT_FALSE(open.breaker.try_acquire());  // one trial now
  open.breaker.record_failure(kFast);
  EXPECT_EQ(open.breaker.snapshot().open_until, open.clock.now() + 60s);
}

TEST(CircuitBreaker, ConfigureSlowDurationJudgesLaterCalls) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  BreakerSettings settings;
  settings.slow_call_duration = 100ms;
  settings.slow_call_rate_threshold = 0.5;
  breaker.configure(settings);
  calls(breaker, "SSSS", 150ms);
  call(breaker, false, 150ms);
  ASSERT_EQ(breaker.state(), BreakerState::open);
  EXPECT_EQ(last_reason(breaker),
            "slow-call rate 100% >= 50% over the last 5 calls (calls >= 100 ms)");
}

// --- Flight recorder --------------------------------------------------------------------------

TEST(CircuitBreaker, KeepsTheLastTwentyTransitionsWithReasonsAndWindows) {
  OpenBreaker open;  // transition 1: CLOSED → OPEN
  // Each cycle: wait (→ HALF_OPEN), one failing trial (→ OPEN): two transitions.
  for (int cycle = 0; cycle < 15; ++cycle) {
    open.clock.advance(10s);
    call(open.breaker, true, std::chrono::milliseconds(cycle + 1));
  }
  const BreakerSnapshot snap = open.breaker.snapshot();
  ASSERT_EQ(snap.transitions.size(), kMaxTransitions);  // 31 made
  ASSERT_EQ(kMaxTransitions, 20u);
  // Oldest first; 11 were dropped, so the oldest kept is the 12th: the 5th cycle's wait.
  for (std::size_t i = 0; i + 1 < snap.transitions.size(); ++i) {
    EXPECT_LE(snap.transitions[i].at, snap.transitions[i + 1].at);
    EXPECT_EQ(snap.transitions[i].to, snap.transitions[i + 1].from) << i;
  }
  const Transition& first = snap.transitions[0];
  EXPECT_EQ(first.from, BreakerState::open);
  EXPECT_EQ(first.to, BreakerState::half_open);
  EXPECT_EQ(first.reason, "open wait of 10 s elapsed");
  EXPECT_TRUE(first.window.empty());
  const Transition& second = snap.transitions[1];
  EXPECT_EQ(second.from, BreakerState::half_open);
  EXPECT_EQ(second.to, BreakerState::open);
  EXPECT_EQ(second.reason, "trial call failed in HALF_OPEN");
  ASSERT_EQ(second.window.size(), 1u);
  EXPECT_EQ(second.window[0].duration, 6ms);
  EXPECT_TRUE(second.window[0].failed);
  const Transition& last = snap.transitions.back();
  EXPECT_EQ(last.reason, "trial call failed in HALF_OPEN");
  ASSERT_EQ(last.window.size(), 1u);
  EXPECT_EQ(last.window[0].duration, 15ms);
  const Transition& wait = snap.transitions[snap.transitions.size() - 2];
  EXPECT_EQ(wait.reason, "open wait of 10 s elapsed");
  EXPECT_TRUE(wait.window.empty());
}

TEST(CircuitBreaker, OpenWaitReasonShowsFractionalSeconds) {
  BreakerSettings settings;
  settings.open_wait = 1500ms;
  OpenBreaker open(settings);
  open.clock.advance(1500ms);
  ASSERT_TRUE(open.breaker.try_acquire());
  EXPECT_EQ(last_reason(open.breaker), "open wait of 1.5 s elapsed");
}

TEST(CircuitBreaker, OneTrialCallReasonIsSingular) {
  BreakerSettings settings;
  settings.half_open_calls = 1;
  OpenBreaker open(settings);
  open.clock.advance(10s);
  call(open.breaker, false);
  EXPECT_EQ(last_reason(open.breaker), "1 trial call succeeded");
}

// --- Threads ----------------------------------------------------------------------------------

TEST(CircuitBreakerThreads, TwoThreadsKeepTheCountsConsistent) {
  ManualClock clock;  // never advances: once OPEN it stays OPEN
  BreakerSettings settings;
  settings.window_size = 1000;
  settings.minimum_calls = 1000;
  CircuitBreaker breaker(settings, clock);
  constexpr int kPairs = 10000;
  std::atomic<int> permitted{0};
  std::atomic<int> rejected{0};
  auto worker = [&](bool fail_every_third) {
    for (int i = 0; i < kPairs; ++i) {
      if (breaker.try_acquire()) {
        ++permitted;
        record(breaker, fail_every_third && i % 3 == 0, kFast);
      } else {
        ++rejected;
      }
    }
  };
  std::thread a(worker, false);
  std::thread b(worker, true);
  a.join();
  b.join();
  const BreakerSnapshot snap = breaker.snapshot();
  EXPECT_EQ(permitted + rejected, 2 * kPairs);
  EXPECT_EQ(snap.rejected_calls, static_cast<std::size_t>(rejected.load()));
  // Roughly 1 call in 6 fails: under 50% the breaker never opens and sees every call.
  EXPECT_EQ(snap.state, BreakerState::closed);
  EXPECT_EQ(rejected, 0);
  EXPECT_EQ(snap.window.size(), 1000u);
}

TEST(CircuitBreakerThreads, FailuresFromTwoThreadsOpenItOnceAndRejectionsAddUp) {
  ManualClock clock;
  CircuitBreaker breaker({}, clock);
  constexpr int kPairs = 10000;
  std::atomic<int> permitted{0};
  std::atomic<int> rejected{0};
  auto worker = [&] {
    for (int i = 0; i < kPairs; ++i) {
      if (breaker.try_acquire()) {
        ++permitted;
        breaker.record_failure(kFast);
      } else {
        ++rejected;
      }
    }
  };
  std::thread a(worker);
  std::thread b(worker);
  a.join();
  b.join();
  const BreakerSnapshot snap = breaker.snapshot();
  EXPECT_EQ(snap.state, BreakerState::open);
  ASSERT_EQ(snap.transitions.size(), 1u);
  EXPECT_EQ(permitted + rejected, 2 * kPairs);
  EXPECT_EQ(snap.rejected_calls, static_cast<std::size_t>(rejected.load()));
  // 5 failures open it; at most one more permitted call per thread was in flight.
  EXPECT_GE(permitted, 5);
  EXPECT_LE(permitted, 6);
}

TEST(CircuitBreakerThreads, HalfOpenNeverHandsOutMoreThanItsTrialSlots) {
  OpenBreaker open;
  open.clock.advance(10s);
  constexpr int kRounds = 10000;
  std::atomic<int> held{0};
  std::atomic<int> most_held{0};
  // Each thread grabs as many slots as it can (up to 3), then gives them all back.
  auto worker = [&] {
    for (int i = 0; i < kRounds; ++i) {
      int mine = 0;
      while (mine < 3 && open.breaker.try_acquire()) {
        ++mine;
        const int now_held = ++held;
        int seen = most_held.load();
        while (now_held > seen && !most_held.compare_exchange_weak(seen, now_held)) {
        }
      }
      held -= mine;
      for (; mine > 0; --mine) open.breaker.release();
    }
  };
  std::thread a(worker);
  std::thread b(worker);
  a.join();
  b.join();
  const BreakerSnapshot snap = open.breaker.snapshot();
  EXPECT_EQ(snap.state, BreakerState::half_open);
  EXPECT_EQ(snap.half_open_in_flight, 0u);
  EXPECT_GE(most_held, 1);
  EXPECT_LE(most_held, 3);  // two threads asking for up to 3 each could reach 6 if unguarded
}

}  // namespace
}  // namespace srelab::resilience
