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
  // The wall time at `at`, a reading of now(): one clock read fewer where both are wanted (a
  // span's start). The default reads wall() again.
  virtual wall_time wall_at(time_point at) const {
    (void)at;
    return wall();
  }
};

class SteadyClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  wall_time wall() const override { return std::chrono::system_clock::now(); }
  // From the two clocks' offset, which each thread measures again every 100 ms: a step of the
  // system clock shows within that, and slewing (at most 0.05 %) moves it by 50 us at most.
  wall_time wall_at(time_point at) const override {
    thread_local time_point measured_at{};
    thread_local wall_time::duration offset{};
    if (measured_at == time_point{} || at < measured_at ||
        at - measured_at > std::chrono::milliseconds(100)) {
      // Between two steady reads close together (a preemption in between would skew it).
      for (int attempt = 0; attempt < 3; ++attempt) {
        const time_point before = std::chrono::steady_clock::now();
        const wall_time wall = std::chrono::system_clock::now();
        measured_at = std::chrono::steady_clock::now();
        const time_point middle = before + (measured_at - before) / 2;
        offset = wall.time_since_epoch() -
                 std::chrono::duration_cast<wall_time::duration>(middle.time_since_epoch());
        if (measured_at - before < std::chrono::microseconds(20)) break;
      }
    }
    return wall_time{} + std::chrono::duration_cast<wall_time::duration>(at.time_since_epoch()) +
           offset;
  }
};

// A clock that moves only when told to; thread-safe so tests can share it. Its wall time starts
// at 2026-01-01T00:00:00Z and moves with it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point{} + std::chrono::hours(1))
      : start_(start), now_(start) {}
  time_point now() const override { return now_.load(); }
  wall_time wall() const override { return wall_at(now_.load()); }
  wall_time wall_at(time_point at) const override {
    return wall_time{} + std::chrono::seconds(1767225600) +
           std::chrono::duration_cast<wall_time::duration>(at - start_);
  }
  void advance(duration by) { now_.store(now_.load() + by); }

 private:
  time_point start_;
  std::atomic<time_point> now_;
};

}  // namespace srelab
