// A value that goes up and down: in-flight requests, a configured limit. Set and add are relaxed
// atomics, safe from any thread without a lock. Values owned elsewhere (pool counts, breaker
// state, process RSS) are better registered as callback series (Family::with_callback), sampled
// at scrape time, than copied into a Gauge.
#pragma once

#include <atomic>

namespace srelab::telemetry {

class Gauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void add(double delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  void sub(double delta) noexcept { value_.fetch_sub(delta, std::memory_order_relaxed); }

  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  static_assert(std::atomic<double>::is_always_lock_free);

  std::atomic<double> value_{0};
};

}  // namespace srelab::telemetry
