#include "core/backoff.hpp"

#include <algorithm>

namespace srelab {

Backoff::Backoff(duration initial, duration max)
    : initial_(std::max<duration>(initial, std::chrono::milliseconds(1))),
      max_(std::max(max, initial_)),
      delay_(initial_) {}

void Backoff::record_failure(time_point now) {
  if (!allows(now)) return;
  not_before_ = now + delay_;
  delay_ = std::min(delay_ * 2, max_);
}

void Backoff::record_success() {
  delay_ = initial_;
  not_before_ = time_point{};
}

}  // namespace srelab
