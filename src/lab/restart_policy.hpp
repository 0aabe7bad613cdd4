// When `up` starts a crashed child again: the first restart after `initial` (1 s), each
// failure in a row doubling it up to `max` (30 s), and a child that stayed up `stable_after`
// (60 s) counts as healthy again, so its next crash waits only `initial`. After `limit`
// failures in a row (exits, or starts that failed) the policy gives up and `up` exits non-zero:
// a dependency that cannot stay up for a minute after ten tries needs a person. Pure logic on
// time points from the caller's clock (lab/supervisor drives it; tests step a ManualClock).
#pragma once

#include <chrono>
#include <optional>

#include "core/backoff.hpp"
#include "core/clock.hpp"

namespace srelab::lab {

struct RestartSettings {
  Clock::duration initial = std::chrono::seconds(1);
  Clock::duration max = std::chrono::seconds(30);
  Clock::duration stable_after = std::chrono::seconds(60);
  int limit = 10;  // failures in a row; 0: never restart (`up --restart never`)
};

class RestartPolicy {
 public:
  explicit RestartPolicy(const RestartSettings& settings = {});

  // The child is up (started, or started again) at `now`.
  void started(Clock::time_point now);
  // It exited unexpectedly, or a start failed, at `now`: when to start it again, or nullopt
  // when the limit is reached.
  std::optional<Clock::time_point> failed(Clock::time_point now);

  int restarts() const { return restarts_; }  // restarts scheduled since the lab started
  int failures_in_a_row() const { return in_a_row_; }

 private:
  RestartSettings settings_;
  Backoff backoff_;
  std::optional<Clock::time_point> up_since_;
  int in_a_row_ = 0;
  int restarts_ = 0;
};

}  // namespace srelab::lab
