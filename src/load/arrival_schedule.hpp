// When each request of an open-loop run is due: request k of the whole run at k / rate seconds
// after the start (k = 0, 1, ...), for every k / rate < duration, whatever the answers do. The
// run's threads split the requests round-robin (thread t takes k = t, t + T, t + 2T, ...), so
// together they keep the exact rate and each can compute its own times without talking to the
// others. Latency is measured from these due times, not from when a request was sent.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace srelab::load {

class ArrivalSchedule {
 public:
  using duration = std::chrono::nanoseconds;

  // rate > 0 per second; lane < lanes.
  ArrivalSchedule(double rate, duration total, std::size_t lane = 0, std::size_t lanes = 1);

  // The offset from the run's start of this lane's next request; nullopt when the lane is done.
  std::optional<duration> next();

  // Requests of the whole run (all lanes), and of those due before `elapsed`.
  std::uint64_t total() const { return total_; }
  std::uint64_t due_before(duration elapsed) const;

 private:
  duration offset_of(std::uint64_t k) const;

  double rate_;
  std::uint64_t total_;
  std::uint64_t next_k_;
  std::uint64_t step_;
};

}  // namespace srelab::load
