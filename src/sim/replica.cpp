#include "sim/replica.hpp"

namespace srelab::sim {
namespace {

// The real pool's reconnect backoff, from the same defaults the service runs with.
Backoff pool_backoff() {
  const postgres::PoolSettings defaults;
  return Backoff(defaults.backoff_initial, defaults.backoff_max);
}

}  // namespace

Replica::Replica(const Scenario& scenario, const SimClock& clock, std::uint64_t chaos_seed)
    : controls(scenario.resilience, clock,
               [this](std::chrono::milliseconds timeout) { pool_timeout = timeout; }),
      chaos(clock, chaos_seed),
      pool(scenario.replica.pool_size, pool_backoff()),
      stale_copies(scenario.replica.stale_copies) {}

}  // namespace srelab::sim
