// Exponential backoff after failed attempts to reach a server: after a failure, no new attempt
// before `not_before()`; the delay starts at `initial`, doubles with each failure up to `max`,
// and a success starts it over. The Redis client waits it out between connects; the Postgres
// pool (PoolBookkeeping) refuses new connects until it has passed. Pure logic on time points
// the caller reads from its clock, so tests step it with a ManualClock.
#pragma once

#include "core/clock.hpp"

namespace srelab {

class Backoff {
 public:
  using duration = Clock::duration;
  using time_point = Clock::time_point;

  // A delay is never below 1 ms: a zero delay would retry a dead server in a tight loop. A
  // `max` below `initial` keeps every delay at `initial`.
  Backoff(duration initial, duration max);

  bool allows(time_point now) const { return now >= not_before_; }
  // Failures of attempts that were already in flight when the first one failed land inside the
  // current window and do not grow the delay again: a pool of 5 hitting a dead server at once
  // is one failure, not five doublings.
  void record_failure(time_point now);
  void record_success();

  // The delay the next failure starts.
  duration next_delay() const { return delay_; }
  time_point not_before() const { return not_before_; }

 private:
  duration initial_;
  duration max_;
  duration delay_;
  time_point not_before_{};
};

}  // namespace srelab
