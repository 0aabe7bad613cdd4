// When the pool may try a new Postgres connection again after a failed one: exponential backoff
// from `initial` to `max`, reset by a success. PoolBookkeeping owns one; pure logic on time
// points from the injected Clock, so tests step it with a ManualClock.
#pragma once

#include "core/clock.hpp"

namespace srelab::postgres {

class ConnectBackoff {
 public:
  using duration = Clock::duration;
  using time_point = Clock::time_point;

  ConnectBackoff(duration initial, duration max);

  bool allows(time_point now) const { return now >= not_before_; }
  // Failures of connects that were already in flight when the first one failed land inside the
  // current window and do not grow the delay again: a pool of 5 hitting a dead server at once
  // is one failure, not five doublings.
  void record_failure(time_point now);
  void record_success();

  duration next_delay() const { return delay_; }
  time_point not_before() const { return not_before_; }

 private:
  duration initial_;
  duration max_;
  duration delay_;
  time_point not_before_{};
};

}  // namespace srelab::postgres
