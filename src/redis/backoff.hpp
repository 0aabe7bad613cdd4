// Exponential reconnect backoff: the first delay is `initial`, each failure doubles it up to
// `max`, and a successful connect starts over. Client's connect loop uses it; plain logic so the
// sequence is unit-tested without waiting.
#pragma once

#include <algorithm>
#include <chrono>

namespace srelab::redis {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
      : initial_(std::max(initial, std::chrono::milliseconds{1})),
        max_(std::max(max, initial_)),
        next_(initial_) {}

  // The delay before the next attempt; the one after it is twice as long, capped.
  std::chrono::milliseconds next() {
    const auto delay = next_;
    next_ = next_ >= max_ / 2 ? max_ : next_ * 2;
    return delay;
  }

  void reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

}  // namespace srelab::redis
