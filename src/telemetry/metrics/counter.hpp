// A monotonic counter: requests served, cache hits, bytes sent. Recording is one relaxed atomic
// add (no lock, no allocation), so worker threads keep a reference from the registry and bump it
// on the hot path. Whole increments stay exact at any size; fractional ones (e.g. CPU seconds)
// are summed apart so they never blur the integer count.
#pragma once

#include <atomic>
#include <cstdint>

namespace srelab::telemetry {

class Counter {
 public:
  void inc() noexcept { whole_.fetch_add(1, std::memory_order_relaxed); }
  void inc(std::uint64_t n) noexcept { whole_.fetch_add(n, std::memory_order_relaxed); }

  // A fractional increment; a negative or NaN amount is ignored, as a counter only goes up.
  void add(double amount) noexcept {
    if (amount > 0) fraction_.fetch_add(amount, std::memory_order_relaxed);
  }

  double value() const noexcept {
    return static_cast<double>(whole_.load(std::memory_order_relaxed)) +
           fraction_.load(std::memory_order_relaxed);
  }

 private:
  static_assert(std::atomic<double>::is_always_lock_free);

  std::atomic<std::uint64_t> whole_{0};
  std::atomic<double> fraction_{0};
};

}  // namespace srelab::telemetry
