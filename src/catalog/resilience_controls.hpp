// The resilience a learner turns at runtime, shared by every worker thread: the circuit breaker
// and its mode, the fallback switch and its answer without a stale copy, and the pool's acquire
// timeout, as POST /resilience/configure
// sets them. The product path asks the breaker and the switch; the resilience endpoints, the
// metrics and the console read it. The pool is reached through a callback, so the product path's
// unit tests build this without one.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>

#include "core/clock.hpp"
#include "resilience/circuit_breaker.hpp"
#include "resilience/resilience_settings.hpp"

namespace srelab::catalog {

class ResilienceControls {
 public:
  // Called with db_pool_timeout whenever settings are applied (at construction too).
  using PoolTimeoutSetter = std::function<void(std::chrono::milliseconds timeout)>;

  ResilienceControls(const resilience::ResilienceSettings& settings, const Clock& clock,
                     PoolTimeoutSetter set_pool_timeout = {});

  resilience::CircuitBreaker& breaker() { return breaker_; }
  const resilience::CircuitBreaker& breaker() const { return breaker_; }
  bool fallback_enabled() const { return fallback_enabled_.load(std::memory_order_relaxed); }
  resilience::FallbackWithoutCopy fallback_without_copy() const {
    return fallback_without_copy_.load(std::memory_order_relaxed);
  }

  resilience::ResilienceSettings settings() const;
  // The settings it was built with: what reset() restores.
  const resilience::ResilienceSettings& defaults() const { return defaults_; }
  // Applies validated settings: breaker settings and mode, pool timeout, fallback switches.
  void apply(const resilience::ResilienceSettings& settings);
  // As built: the default settings, and a breaker as new (CircuitBreaker::clear), then in the
  // default mode. So every experiment can start from the same place, whatever ran before.
  void reset();

 private:
  resilience::CircuitBreaker breaker_;
  std::atomic<bool> fallback_enabled_;
  std::atomic<resilience::FallbackWithoutCopy> fallback_without_copy_;
  void apply_locked(const resilience::ResilienceSettings& settings);  // mutex_ held

  PoolTimeoutSetter set_pool_timeout_;
  const resilience::ResilienceSettings defaults_;
  mutable std::mutex mutex_;
  resilience::ResilienceSettings settings_;
};

}  // namespace srelab::catalog
