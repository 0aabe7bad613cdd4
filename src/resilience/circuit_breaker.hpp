// The circuit breaker around the database, shaped like Resilience4j's: a count-based sliding
// window of the last N call outcomes; OPEN when, with at least `minimum_calls` recorded, the
// failure rate or the slow-call rate reaches its threshold; after `open_wait`, HALF_OPEN lets
// `half_open_calls` trial calls through (all succeed → CLOSED, any fails → OPEN again). Forced
// states: FORCED_OPEN rejects everything, DISABLED lets everything through and records nothing.
// Pure logic on an injected Clock, thread-safe (one breaker is shared by all worker threads);
// it keeps a flight recorder of its last transitions, each with the window that caused it.
// Used by the product service around every database read (never on cache hits), by the
// resilience settings endpoint (configure / force_open / disable / reset) and by the console.
//
// Where it departs from Resilience4j, on purpose:
//  - a call is slow when duration >= slow_call_duration (Resilience4j: strictly greater), so a
//    chaos fault injecting exactly the threshold counts as slow;
//  - HALF_OPEN does not compute rates: any failed or slow trial call reopens at once, and
//    `half_open_calls` successes close;
//  - minimum_calls above window_size is capped at window_size (else the breaker could never open).
// Like Resilience4j, every transition starts a fresh window.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace srelab::resilience {

enum class BreakerState { closed, open, half_open, forced_open, disabled };

// "CLOSED", "OPEN", "HALF_OPEN", "DISABLED": the values of the resilience.circuit_breaker.state
// tag. FORCED_OPEN reads "OPEN": it rejects exactly as OPEN does, and the guide finds an open
// breaker with `resilience.circuit_breaker.state:OPEN`; whoever shows the state says that it is
// forced beside it (state == BreakerState::forced_open).
std::string_view to_string(BreakerState state);

struct BreakerSettings {
  std::size_t window_size = 10;           // calls in the sliding window, 1..1000
  std::size_t minimum_calls = 5;          // before judging, 1..window_size
  double failure_rate_threshold = 0.5;    // 0 < x ≤ 1
  double slow_call_rate_threshold = 1.0;  // 0 < x ≤ 1
  Clock::duration slow_call_duration = std::chrono::seconds(2);
  Clock::duration open_wait = std::chrono::seconds(10);
  std::size_t half_open_calls = 3;  // trial calls, 1..100
};

inline constexpr std::size_t kMaxTransitions = 20;  // the flight recorder's length

struct CallRecord {
  bool failed = false;
  bool slow = false;
  Clock::duration duration{};
};

struct Transition {
  Clock::time_point at;
  BreakerState from;
  BreakerState to;
  std::string reason;              // e.g. "failure rate 60% >= 50% over the last 10 calls"
  std::vector<CallRecord> window;  // the window as it stood, oldest first
};

struct BreakerSnapshot {
  BreakerState state;
  BreakerSettings settings;
  std::vector<CallRecord> window;  // oldest first
  double failure_rate = 0;         // over the window; 0 when empty
  double slow_call_rate = 0;
  std::size_t half_open_in_flight = 0;
  Clock::time_point open_until{};       // meaningful when OPEN
  std::vector<Transition> transitions;  // the last 20, oldest first
  std::size_t rejected_calls = 0;       // since start or the last clear()
  // Since start, never cleared: the rejected-calls counter metric must not go down.
  std::size_t rejected_calls_total = 0;
};

class CircuitBreaker {
 public:
  CircuitBreaker(BreakerSettings settings, const Clock& clock);

  // May this call go to the database now? OPEN past its wait turns HALF_OPEN here. Every
  // permitted call must be followed by exactly one record_success(), record_failure() or
  // release().
  bool try_acquire();
  // The outcome of a permitted call; `duration` is judged against slow_call_duration (a success
  // can still be a slow call). An outcome arriving in OPEN, FORCED_OPEN or DISABLED (a call let
  // through before the change) is ignored, as is one in HALF_OPEN when no trial call is
  // outstanding.
  void record_success(Clock::duration duration);
  void record_failure(Clock::duration duration);
  // A permitted call that never reached the database (e.g. no pooled connection): frees a
  // HALF_OPEN trial slot and records nothing.
  void release();

  BreakerState state() const;
  BreakerSnapshot snapshot() const;

  // Keeps the state and open_until; trims the window (oldest first) if it shrank. Thresholds
  // are judged again at the next recorded outcome.
  void configure(const BreakerSettings& settings);
  // Operator transitions; each is recorded unless the breaker is already in that state.
  void force_open();  // → FORCED_OPEN
  void disable();     // → DISABLED
  void reset();       // → CLOSED with an empty window (also leaves the forced states)
  // As new: CLOSED, empty window, no transitions, rejected_calls 0, no trial calls outstanding
  // (POST /resilience/reset). An outcome of a call let through before arrives in CLOSED and is
  // recorded like any other.
  void clear();

 private:
  enum class Outcome { success, failure };
  void record(Outcome outcome, Clock::duration duration);
  void record_closed(const CallRecord& call);            // mutex held
  void record_half_open(const CallRecord& call);         // mutex held
  void transition(BreakerState to, std::string reason);  // mutex held
  void trim_window();                                    // mutex held

  mutable std::mutex mutex_;
  const Clock& clock_;
  BreakerSettings settings_;
  BreakerState state_ = BreakerState::closed;
  std::deque<CallRecord> window_;
  std::deque<Transition> transitions_;
  Clock::time_point open_until_{};
  // Trial calls handed out in this HALF_OPEN minus those given back by release(); the ones
  // still outstanding are half_open_permits_ - half_open_successes_.
  std::size_t half_open_permits_ = 0;
  std::size_t half_open_successes_ = 0;
  std::size_t rejected_ = 0;
  std::size_t rejected_total_ = 0;
};

}  // namespace srelab::resilience
