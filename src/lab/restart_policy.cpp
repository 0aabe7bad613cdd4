#include "lab/restart_policy.hpp"

namespace srelab::lab {

RestartPolicy::RestartPolicy(const RestartSettings& settings)
    : settings_(settings), backoff_(settings.initial, settings.max) {}

void RestartPolicy::started(Clock::time_point now) {
  up_since_ = now;
}

std::optional<Clock::time_point> RestartPolicy::failed(Clock::time_point now) {
  if (up_since_ && now - *up_since_ >= settings_.stable_after) {
    backoff_.record_success();
    in_a_row_ = 0;
  }
  up_since_.reset();
  if (++in_a_row_ > settings_.limit) return std::nullopt;
  backoff_.record_failure(now);
  ++restarts_;
  return backoff_.not_before();
}

}  // namespace srelab::lab
