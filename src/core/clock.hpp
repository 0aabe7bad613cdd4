// Time, injected: logic asks a Clock instead of calling now() itself, so unit tests drive it
// with ManualClock and later the simulator runs the same logic on virtual time.
#pragma once

#include <atomic>
#include <chrono>

namespace srelab {

class Clock {
 public:
  using duration = std::chrono::steady_clock::duration;
  using time_point = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  virtual time_point now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told to; thread-safe so tests can share it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point{} + std::chrono::hours(1)) : now_(start) {}
  time_point now() const override { return now_.load(); }
  void advance(duration by) { now_.store(now_.load() + by); }

 private:
  std::atomic<time_point> now_;
};

}  // namespace srelab
