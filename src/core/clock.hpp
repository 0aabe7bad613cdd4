// Time, injected: logic asks a Clock instead of calling now() itself, so unit tests drive it
// with ManualClock and later the simulator runs the same logic on virtual time. now() measures
// durations; wall() stamps what outlives the process (e.g. a stale copy kept in Redis).
#pragma once

#include <atomic>
#include <chrono>

namespace srelab {

class Clock {
 public:
  using duration = std::chrono::steady_clock::duration;
  using time_point = std::chrono::steady_clock::time_point;
  using wall_time = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;
  virtual time_point now() const = 0;
  virtual wall_time wall() const = 0;
};

class SteadyClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  wall_time wall() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to; thread-safe so tests can share it. Its wall time starts
// at 2026-01-01T00:00:00Z and moves with it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point{} + std::chrono::hours(1))
      : start_(start), now_(start) {}
  time_point now() const override { return now_.load(); }
  wall_time wall() const override {
    return wall_time{} + std::chrono::seconds(1767225600) +
           std::chrono::duration_cast<wall_time::duration>(now_.load() - start_);
  }
  void advance(duration by) { now_.store(now_.load() + by); }

 private:
  time_point start_;
  std::atomic<time_point> now_;
};

}  // namespace srelab
