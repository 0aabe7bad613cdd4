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

void Controls::configure_chaos(const chaos::ChaosSettings& settings) {
  chaos_.apply(settings);
  if (chaos_observer_) chaos_observer_(settings);
}

void Controls::reset_chaos() {
  chaos_.reset();
  if (chaos_observer_) chaos_observer_(chaos::ChaosSettings{});
}

resilience::ResilienceSettings Controls::resilience_settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void Controls::apply(const resilience::ResilienceSettings& settings) {
  std::lock_guard lock(mutex_);
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
  pool_.set_acquire_timeout(settings.db_pool_timeout);
  fallback_enabled_.store(settings.fallback_enabled, std::memory_order_relaxed);
}

void Controls::reset_breaker() {
  std::lock_guard lock(mutex_);
  if (settings_.mode == resilience::BreakerMode::normal) breaker_.reset();
}

}  // namespace srelab::catalog
