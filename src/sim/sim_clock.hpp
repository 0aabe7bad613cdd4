// The twin's clock: simulated time that moves only when the simulation sets it, handed to the
// service's own logic (CircuitBreaker, ChaosState, the pool's backoff) in place of the steady
// clock. One per simulation, shared by every replica: they all live on the same timeline.
// Not thread-safe, unlike ManualClock: the simulator is single-threaded, and an atomic load on
// every breaker call would cost the twin its speed for nothing.
#pragma once

#include <chrono>
#include <cstdint>

#include "core/clock.hpp"

namespace srelab::sim {

class SimClock final : public Clock {
 public:
  // Simulated time 0 is an hour past the steady epoch, so no breaker or backoff deadline sits at
  // the default time_point{}, which they read as "none".
  static constexpr time_point kStart = time_point{} + std::chrono::hours(1);

  time_point now() const override { return kStart + std::chrono::nanoseconds(elapsed_ns_); }
  // 2026-01-01T00:00:00Z plus the simulated time, like ManualClock's.
  wall_time wall() const override {
    return wall_time{} + std::chrono::seconds(1767225600) +
           std::chrono::duration_cast<wall_time::duration>(std::chrono::nanoseconds(elapsed_ns_));
  }

  void set(std::int64_t elapsed_ns) { elapsed_ns_ = elapsed_ns; }
  std::int64_t elapsed_ns() const { return elapsed_ns_; }

 private:
  std::int64_t elapsed_ns_ = 0;
};

}  // namespace srelab::sim
