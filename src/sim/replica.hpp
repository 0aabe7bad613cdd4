// One service replica of the twin: the pieces of the real service that decide what a request
// gets, each the service's own class on the simulated clock — the resilience controls (circuit
// breaker, fallback switches, pool timeout), the chaos state (fault verdicts, seeded), the
// pool's bookkeeping (slots, FIFO waiters, connect backoff) and the in-process stale copies —
// plus the counts the real process keeps (database queries in flight for the saturation
// model, its connections from the gateway). The Simulation drives the request flow over them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "catalog/resilience_controls.hpp"
#include "catalog/stale_copies.hpp"
#include "chaos/chaos_state.hpp"
#include "postgres/pool_bookkeeping.hpp"
#include "sim/scenario.hpp"
#include "sim/sim_clock.hpp"

namespace srelab::sim {

struct Replica {
  // A waiter is the index of the simulated request queued in the pool.
  using Pool = postgres::PoolBookkeeping<std::uint32_t>;

  Replica(const Scenario& scenario, const SimClock& clock, std::uint64_t chaos_seed);
  Replica(const Replica&) = delete;  // the controls' pool-timeout callback points here
  Replica& operator=(const Replica&) = delete;

  std::chrono::milliseconds pool_timeout{};  // set by `controls` like the real pool's
  catalog::ResilienceControls controls;
  chaos::ChaosState chaos;
  Pool pool;
  catalog::StaleCopies stale_copies;
  std::size_t queries_in_flight = 0;    // what resilience::Saturation counts in the service
  std::size_t gateway_connections = 0;  // open from the gateway (its `maxconn` per server)
  bool in_rotation = true;              // the gateway's health checks say it is up
  std::size_t check_streak = 0;         // check results in a row against its current state
};

}  // namespace srelab::sim
