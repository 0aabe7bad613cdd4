// The chaos in force, shared by all worker threads: the settings, when they expire (duration_s),
// and the seeded random source of the failure draws. Each database or Redis call asks for its
// verdict once, before it runs (a FaultHook in DESIGN terms): how much latency to add and
// whether to fail. Thread-safe; time and randomness are injected.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include "chaos/chaos_settings.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"

namespace srelab::chaos {

struct FaultVerdict {
  std::chrono::microseconds
      latency{};  // for the db: the configured latency only (saturation is added by the caller)
  bool fail = false;
  double saturation_ms_per_query = 0;  // for the db verdict
};

class ChaosState {
 public:
  // `entropy_seed` seeds the draws while no `seed` is configured.
  ChaosState(const Clock& clock, std::uint64_t entropy_seed);

  // Replaces the settings (already validated and merged by merge_chaos_settings); restarts the
  // draws from `seed` when one is set (else the draws go on where they were); starts the
  // duration_s countdown when one is set (else none runs, even if one was running).
  void apply(const ChaosSettings& settings);
  void reset();  // defaults, no expiry

  // The settings in force (reverting to defaults first if duration_s has passed).
  ChaosSettings current();
  std::optional<Clock::time_point> expires_at();  // nullopt when no duration_s is running

  // A failure is drawn as random.unit() < rate, from one sequence shared by db and cache; a rate
  // of 0 or 1 decides without drawing, so a seeded run repeats as long as the calls with a
  // fractional rate come in the same order.
  FaultVerdict db_verdict();
  FaultVerdict cache_verdict();  // saturation_ms_per_query is 0: saturation is the database's

 private:
  void expire_if_due();         // mutex held
  void publish_cache_faults();  // mutex held
  std::atomic<bool> cache_faults_{false};
  std::mutex mutex_;
  const Clock& clock_;
  ChaosSettings settings_;
  std::optional<Clock::time_point> expires_at_;
  Random random_;
};

}  // namespace srelab::chaos
