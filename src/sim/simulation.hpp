// The twin: a discrete-event simulation of the lab — open-loop clients, the gateway, N service
// replicas (each its own breaker, chaos state, pool and stale copies: replica.hpp), the shared
// Redis (shared_cache.hpp) and the shared Postgres — single-threaded on a simulated clock and
// deterministic for a seed. The request flow is ProductService::get's, step by step, over the
// service's own classes; the models around it (service times, the gateway, Postgres) and
// where they simplify are described in the engine's files (engine.hpp lists them).
//
// A stepping API for the experiment runner (run_until, apply, set_traffic, the replicas' state
// between steps, one record per simulated second) and simulate() for a whole scenario.
// Memory follows the requests in flight (and the deadlines still pending), not the run's
// length: one histogram, and a small record per simulated second.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chaos/chaos_settings.hpp"
#include "chaos/chaos_state.hpp"
#include "core/clock.hpp"
#include "postgres/pool.hpp"
#include "resilience/circuit_breaker.hpp"
#include "resilience/resilience_settings.hpp"
#include "sim/scenario.hpp"
#include "sim/sim_record.hpp"

namespace srelab::sim {

// One lookup of a bulk test (GET /products/bulk/test) as the twin ran it.
struct BulkLookup {
  int status = 0;
  std::string source;  // empty on failure
  double latency_s = 0;
  std::string error;            // the short error of a failed lookup ("Pool Exhausted")
  std::size_t pool_active = 0;  // the pool's leased connections when it asked for one
};

class Simulation {
 public:
  // Starts at simulated time 0 with scenario.traffic's segment at 0 (if any); the scenario's
  // faults and later segments are simulate()'s business, or the caller's through apply() and
  // set_traffic().
  explicit Simulation(const Scenario& scenario);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Runs every event due before `t_s` (simulated seconds since the start); each whole second
  // reached on the way, `t_s` included, closes that second's record.
  void run_until(double t_s);
  // Applies a fault now to its share of the replicas; false (and `error`) when its body is
  // rejected by the service's own parser, and then nothing changes.
  bool apply(const FaultEvent& fault, std::string* error = nullptr);
  // From now on the clients send at this rate with these ids (segment.at_s is ignored).
  void set_traffic(const TrafficSegment& segment);
  // Closes the record of the (partial) second under way, as the end of a run does.
  void flush();

  double now_s() const;
  std::size_t replicas() const;
  resilience::BreakerSnapshot breaker(std::size_t replica) const;
  chaos::ChaosSettings chaos(std::size_t replica) const;
  resilience::ResilienceSettings resilience(std::size_t replica) const;
  postgres::PoolCounts pool(std::size_t replica) const;
  std::size_t cache_size() const;  // fresh copies in the shared Redis
  // What GET /chaos and GET /resilience show of a replica (catalog/admin_documents.hpp).
  chaos::ChaosState& chaos_state(std::size_t replica);
  std::size_t db_in_flight(std::size_t replica) const;
  std::size_t stale_copies(std::size_t replica) const;
  const Clock& clock() const;

  // The bulk test on `replica`: the ids looked up through the service's path (no gateway),
  // `concurrency` at a time, each worker taking the next id when its lookup ends, as
  // catalog::run_bulk_test does; runs the simulation until the last one is answered (the
  // clients' traffic goes on meanwhile). One entry per id, in order.
  std::vector<BulkLookup> bulk_lookups(std::size_t replica, const std::vector<std::int32_t>& ids,
                                       std::size_t concurrency);
  std::uint64_t requests() const;  // arrivals so far

  // The seconds closed since the last call, each with the cumulative latency histogram.
  std::vector<SecondRecord> take_seconds();
  const std::vector<BreakerTransition>& transitions() const;
  const load::LoadReport& report() const;  // the run so far, as the load generator's

 private:
  class Engine;
  std::unique_ptr<Engine> engine_;
};

// The whole scenario: its traffic segments and faults at their times, to duration_s.
// `on_second`, when given, sees every record as it is taken (with its cumulative histogram).
SimulationResult simulate(const Scenario& scenario,
                          const std::function<void(const SecondRecord&)>& on_second = {});

}  // namespace srelab::sim
