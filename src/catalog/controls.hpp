// What a learner turns at runtime, shared by every worker thread: the chaos in force, the memory
// ballast, the circuit breaker and its mode, the saturation model, the in-process stale copies,
// the fallback switch and the pool's acquire timeout. The product path reads it; the chaos and
// resilience endpoints change it.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>

#include "catalog/stale_copies.hpp"
#include "chaos/chaos_state.hpp"
#include "chaos/memory_ballast.hpp"
#include "core/clock.hpp"
#include "postgres/pool.hpp"
#include "resilience/circuit_breaker.hpp"
#include "resilience/resilience_settings.hpp"
#include "resilience/saturation.hpp"

namespace srelab::catalog {

struct ControlsSettings {
  resilience::ResilienceSettings resilience;  // db_pool_timeout is taken from the pool's settings
  std::size_t leak_cap_bytes = std::size_t{1} << 30;
  std::size_t stale_copies = 10'000;
  std::uint64_t chaos_seed = 0;  // seeds the failure draws while no `seed` is configured
};

class Controls {
 public:
  Controls(const ControlsSettings& settings, postgres::Pool& pool, const Clock& clock);

  chaos::ChaosState& chaos() { return chaos_; }
  chaos::MemoryBallast& ballast() { return ballast_; }
  resilience::CircuitBreaker& breaker() { return breaker_; }
  resilience::Saturation& saturation() { return saturation_; }
  StaleCopies& stale_copies() { return stale_copies_; }
  postgres::Pool& pool() { return pool_; }
  const Clock& clock() const { return clock_; }
  bool fallback_enabled() const { return fallback_enabled_.load(std::memory_order_relaxed); }

  // Told the chaos settings after every configure/reset (the console draws its chaos bands from
  // it). Set at setup, before traffic; called on the request's thread, outside any lock.
  using ChaosObserver = std::function<void(const chaos::ChaosSettings& settings)>;
  void set_chaos_observer(ChaosObserver observer) { chaos_observer_ = std::move(observer); }
  // chaos().apply / chaos().reset, then the observer: what the chaos endpoints call.
  void configure_chaos(const chaos::ChaosSettings& settings);
  void reset_chaos();

  resilience::ResilienceSettings resilience_settings() const;
  // Applies validated settings: breaker settings and mode, pool timeout, fallback switch.
  void apply(const resilience::ResilienceSettings& settings);
  // Closes the breaker with an empty window, unless a forced mode is configured.
  void reset_breaker();

 private:
  const Clock& clock_;
  postgres::Pool& pool_;
  chaos::ChaosState chaos_;
  chaos::MemoryBallast ballast_;
  resilience::CircuitBreaker breaker_;
  resilience::Saturation saturation_;
  StaleCopies stale_copies_;
  std::atomic<bool> fallback_enabled_;
  ChaosObserver chaos_observer_;
  mutable std::mutex mutex_;
  resilience::ResilienceSettings settings_;
};

}  // namespace srelab::catalog
