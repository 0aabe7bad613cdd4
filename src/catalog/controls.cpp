#include "catalog/controls.hpp"

namespace srelab::catalog {

Controls::Controls(const ControlsSettings& settings, postgres::Pool& pool, const Clock& clock)
    : clock_(clock),
      pool_(pool),
      chaos_(clock, settings.chaos_seed),
      ballast_(settings.leak_cap_bytes),
      breaker_(settings.resilience.breaker, clock),
      stale_copies_(settings.stale_copies),
      fallback_enabled_(settings.resilience.fallback_enabled),
      settings_(settings.resilience) {
  settings_.db_pool_timeout = pool.settings().acquire_timeout;
  apply(settings_);
}

resilience::ResilienceSettings Controls::resilience_settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void Controls::apply(const resilience::ResilienceSettings& settings) {
  std::lock_guard lock(mutex_);
  const bool mode_changed = settings.mode != settings_.mode;
  settings_ = settings;
  breaker_.configure(settings.breaker);
  if (mode_changed) {
    switch (settings.mode) {
      case resilience::BreakerMode::normal:
        breaker_.reset();
        break;
      case resilience::BreakerMode::forced_open:
        breaker_.force_open();
        break;
      case resilience::BreakerMode::disabled:
        breaker_.disable();
        break;
    }
  } else if (settings.mode == resilience::BreakerMode::forced_open &&
             breaker_.state() != resilience::BreakerState::forced_open) {
    breaker_.force_open();
  } else if (settings.mode == resilience::BreakerMode::disabled &&
             breaker_.state() != resilience::BreakerState::disabled) {
    breaker_.disable();
  }
  pool_.set_acquire_timeout(settings.db_pool_timeout);
  fallback_enabled_.store(settings.fallback_enabled, std::memory_order_relaxed);
}

}  // namespace srelab::catalog
