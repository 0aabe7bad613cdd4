#include "catalog/resilience_controls.hpp"

namespace srelab::catalog {

ResilienceControls::ResilienceControls(const resilience::ResilienceSettings& settings,
                                       const Clock& clock, PoolTimeoutSetter set_pool_timeout)
    : breaker_(settings.breaker, clock),
      fallback_enabled_(settings.fallback_enabled),
      fallback_without_copy_(settings.fallback_without_copy),
      set_pool_timeout_(std::move(set_pool_timeout)),
      defaults_(settings),
      settings_(settings) {
  apply(settings_);
}

resilience::ResilienceSettings ResilienceControls::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void ResilienceControls::apply(const resilience::ResilienceSettings& settings) {
  std::lock_guard lock(mutex_);
  apply_locked(settings);
}

void ResilienceControls::apply_locked(const resilience::ResilienceSettings& settings) {
  settings_ = settings;
  breaker_.configure(settings.breaker);
  // The breaker follows the mode: forced states are entered (once), and leaving one closes it.
  using resilience::BreakerMode;
  using resilience::BreakerState;
  const BreakerState state = breaker_.state();
  if (settings.mode == BreakerMode::forced_open && state != BreakerState::forced_open)
    breaker_.force_open();
  if (settings.mode == BreakerMode::disabled && state != BreakerState::disabled) breaker_.disable();
  if (settings.mode == BreakerMode::normal &&
      (state == BreakerState::forced_open || state == BreakerState::disabled))
    breaker_.reset();
  if (set_pool_timeout_) set_pool_timeout_(settings.db_pool_timeout);
  fallback_enabled_.store(settings.fallback_enabled, std::memory_order_relaxed);
  fallback_without_copy_.store(settings.fallback_without_copy, std::memory_order_relaxed);
}

void ResilienceControls::reset() {
  std::lock_guard lock(mutex_);
  // Cleared first, so a forced default mode is entered again as the constructor entered it.
  breaker_.clear();
  apply_locked(defaults_);
}

}  // namespace srelab::catalog
