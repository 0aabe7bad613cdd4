// The simulator's pending events: a 4-ary min-heap of plain values ordered by time, then by the
// order they were scheduled in, so two events at the same nanosecond always run in the same
// order and a seed gives the same run. No allocation once the heap has grown to its working size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace srelab::sim {

struct Event {
  std::int64_t at_ns = 0;
  std::uint64_t order = 0;    // set by push
  std::uint32_t subject = 0;  // a request slot, or nothing
  std::uint32_t check = 0;    // what `subject` must still match for the event to count
  std::uint8_t kind = 0;
};

class EventQueue {
 public:
  // `first`: ahead of every event scheduled for the same nanosecond (at most one such a time).
  void push(Event event, bool first = false) {
    event.order = first ? 0 : next_order_++;
    heap_.push_back(event);
    sift_up(heap_.size() - 1);
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.front(); }

  Event pop() {
    Event first = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
    return first;
  }

 private:
  static bool before(const Event& a, const Event& b) {
    return a.at_ns < b.at_ns || (a.at_ns == b.at_ns && a.order < b.order);
  }

  void sift_up(std::size_t index) {
    const Event moving = heap_[index];
    while (index > 0) {
      const std::size_t parent = (index - 1) / 4;
      if (!before(moving, heap_[parent])) break;
      heap_[index] = heap_[parent];
      index = parent;
    }
    heap_[index] = moving;
  }

  void sift_down(std::size_t index) {
    const Event moving = heap_[index];
    const std::size_t size = heap_.size();
    while (true) {
      const std::size_t first_child = index * 4 + 1;
      if (first_child >= size) break;
      std::size_t best = first_child;
      const std::size_t last_child = first_child + 4 < size ? first_child + 4 : size;
      for (std::size_t child = first_child + 1; child < last_child; ++child)
        if (before(heap_[child], heap_[best])) best = child;
      if (!before(heap_[best], moving)) break;
      heap_[index] = heap_[best];
      index = best;
    }
    heap_[index] = moving;
  }

  std::vector<Event> heap_;
  std::uint64_t next_order_ = 1;
};

}  // namespace srelab::sim
