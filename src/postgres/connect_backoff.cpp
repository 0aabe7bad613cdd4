#include "postgres/connect_backoff.hpp"

#include <algorithm>

namespace srelab::postgres {

ConnectBackoff::ConnectBackoff(duration initial, duration max)
    : initial_(std::max(initial, duration::zero())),
      max_(std::max(max, initial_)),
      delay_(initial_) {}

void ConnectBackoff::record_failure(time_point now) {
  if (!allows(now)) return;
  not_before_ = now + delay_;
  delay_ = std::min(delay_ * 2, max_);
}

void ConnectBackoff::record_success() {
  delay_ = initial_;
  not_before_ = time_point{};
}

}  // namespace srelab::postgres
