#include "chaos/chaos_state.hpp"

#include <cmath>

namespace srelab::chaos {
namespace {

std::chrono::microseconds to_microseconds(double seconds) {
  return std::chrono::microseconds(std::llround(seconds * 1e6));
}

// One draw from `random` unless the rate settles the outcome: 0 never fails, 1 always does, and
// neither consumes a number. So with a seed set, the sequence of verdicts depends only on the
// calls whose rate is strictly between 0 and 1 (db and cache draw from the same sequence): a
// cache configured to fail always does not shift the database's draws.
bool draw_failure(Random& random, double rate) {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return random.unit() < rate;
}

}  // namespace

ChaosState::ChaosState(const Clock& clock, std::uint64_t entropy_seed)
    : clock_(clock), random_(entropy_seed) {}

void ChaosState::apply(const ChaosSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
  expires_at_.reset();
  if (settings.duration_s)
    expires_at_ = clock_.now() + std::chrono::round<Clock::duration>(
                                     std::chrono::duration<double>(*settings.duration_s));
  if (settings.seed) random_ = Random(*settings.seed);
  publish_cache_faults();
}

void ChaosState::publish_cache_faults() {
  cache_faults_.store(settings_.cache_latency_s > 0 || settings_.cache_failure_rate > 0,
                      std::memory_order_release);
}

void ChaosState::reset() {
  std::lock_guard lock(mutex_);
  settings_ = ChaosSettings{};
  expires_at_.reset();
  publish_cache_faults();
}

ChaosSettings ChaosState::current() {
  std::lock_guard lock(mutex_);
  expire_if_due();
  return settings_;
}

std::optional<Clock::time_point> ChaosState::expires_at() {
  std::lock_guard lock(mutex_);
  expire_if_due();
  return expires_at_;
}

FaultVerdict ChaosState::db_verdict() {
  std::lock_guard lock(mutex_);
  expire_if_due();
  return {to_microseconds(settings_.db_latency_s), draw_failure(random_, settings_.db_failure_rate),
          settings_.saturation_ms_per_query};
}

FaultVerdict ChaosState::cache_verdict() {
  // Every cache hit asks: without cache faults (the usual case) it must not take the lock that
  // all worker threads share. Defaults have no cache faults, so a pending expiry changes nothing.
  if (!cache_faults_.load(std::memory_order_acquire)) return {};
  std::lock_guard lock(mutex_);
  expire_if_due();
  return {to_microseconds(settings_.cache_latency_s),
          draw_failure(random_, settings_.cache_failure_rate), 0};
}

// Lazily, on the next call after the deadline: no timer thread, and with a ManualClock the
// expiry happens exactly when a test has advanced the clock past it.
void ChaosState::expire_if_due() {
  if (!expires_at_ || clock_.now() < *expires_at_) return;
  settings_ = ChaosSettings{};
  expires_at_.reset();
  publish_cache_faults();
}

}  // namespace srelab::chaos
