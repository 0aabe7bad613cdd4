// Deadlines of one fixed duration, started in time order, so they expire in the order they were
// started: a ring buffer keeps them sorted with no heap work and, once grown to the run's
// working size, no allocation. The Simulation keeps one per timer kind (client timeout, the
// gateway's server and queue timeouts); a request that finished first is skipped when its
// deadline comes up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace srelab::sim {

struct Timer {
  std::int64_t at_ns = 0;
  std::uint32_t request = 0;
  std::uint32_t serial = 0;  // the request's when started: a reused slot no longer matches
};

class TimerFifo {
 public:
  bool empty() const { return size_ == 0; }
  const Timer& front() const { return ring_[head_]; }
  void pop() {
    head_ = (head_ + 1) & (ring_.size() - 1);
    --size_;
  }
  void push(const Timer& timer) {
    if (size_ == ring_.size()) grow();
    ring_[(head_ + size_) & (ring_.size() - 1)] = timer;
    ++size_;
  }

 private:
  void grow() {
    std::vector<Timer> bigger(ring_.empty() ? 1024 : ring_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_.swap(bigger);
    head_ = 0;
  }

  std::vector<Timer> ring_;  // a power of two long
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace srelab::sim
