// What the twin reports: one record per simulated second in the load generator's shape (a
// load::SecondPoint, so experiment::PhaseBook and the load report writers read it unchanged)
// with the twin's own series beside it, and every circuit-breaker transition of every replica.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "load/load_report.hpp"
#include "resilience/circuit_breaker.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::sim {

inline constexpr std::size_t kBreakerStates = 5;  // resilience::BreakerState's values

struct SimSecond {
  load::SecondPoint point;  // answers, statuses, sources, timeouts and latency of the second
  std::uint64_t cache_lookups = 0;  // Redis GETs of product:{id} that completed
  double cache_hit_rate = 0;        // hits / lookups; 0 without lookups
  // At the end of the second: replicas' breakers by state (indexed by BreakerState), the pools'
  // leased and waiting counts summed over replicas, database queries in flight, connections
  // open in Postgres, requests in the gateway's queue.
  std::array<std::size_t, kBreakerStates> breakers{};
  std::size_t pool_active = 0;
  std::size_t pool_waiting = 0;
  std::size_t db_in_flight = 0;
  std::size_t postgres_connections = 0;
  std::size_t gateway_queue = 0;
  std::size_t replicas_down = 0;  // taken out of rotation by the gateway's health checks
  // Pool acquires in the second (breaker permits that asked a pool), those that had to queue,
  // and the time the queued ones waited until handed a slot or given up.
  std::uint64_t pool_acquires = 0;
  std::uint64_t pool_waited = 0;
  double pool_wait_s = 0;
};

// A second as PhaseBook::add wants it: the point and the run's cumulative latency histogram.
struct SecondRecord {
  SimSecond second;
  telemetry::HistogramSnapshot cumulative;
  // A sliver at the end of a run (under 0.2 s) is folded into the second before it, as the load
  // generator's report does: this record then replaces the last one taken.
  bool replaces_last = false;
};

struct BreakerTransition {
  std::size_t replica = 0;
  double at_s = 0;  // simulated seconds from the start
  resilience::BreakerState from = resilience::BreakerState::closed;
  resilience::BreakerState to = resilience::BreakerState::closed;
  std::string reason;  // the breaker's own words
};

struct SimulationResult {
  load::LoadReport report;  // the run as the load generator reports one (totals, latency)
  std::vector<SimSecond> seconds;
  std::vector<BreakerTransition> transitions;
  std::vector<std::string> errors;  // faults whose body was rejected (they changed nothing)
  std::uint64_t requests = 0;       // arrivals simulated
};

}  // namespace srelab::sim
