#include "sim/engine.hpp"

// What the engine keeps of a run: one record per simulated second (the second's counts, the
// cumulative latency histogram and the replicas' state at its end) and every breaker transition.

namespace srelab::sim {

void Simulation::Engine::close_second() {
  if (now_ == last_close_) return;
  last_close_ = now_;
  const telemetry::HistogramSnapshot cumulative = latency_.snapshot();
  const load::Tally tally = counts_.tally();
  const load::SecondPoint* point = book_.add(static_cast<double>(now_) * 1e-9, tally, cumulative);
  SimSecond second;
  second.point = point ? *point : book_.report().seconds.back();
  second.cache_lookups = counts_.lookups();
  second.cache_hit_rate = counts_.hit_rate();
  for (const auto& replica : replicas_) {
    ++second.breakers[static_cast<std::size_t>(replica->controls.breaker().state())];
    const postgres::PoolCounts pool = replica->pool.counts();
    second.pool_active += pool.active;
    second.pool_waiting += pool.waiting;
  }
  second.db_in_flight = postgres_.queries_in_flight();
  second.postgres_connections = postgres_.connections();
  second.gateway_queue = gateway_queued_;
  for (const auto& replica : replicas_) second.replicas_down += replica->in_rotation ? 0 : 1;
  second.pool_acquires = counts_.acquires();
  second.pool_waited = counts_.waited();
  second.pool_wait_s = counts_.wait_s();
  counts_.clear();
  if (point == nullptr && !records_.empty()) {
    records_.back() = SecondRecord{std::move(second), cumulative, false};
  } else {
    records_.push_back(SecondRecord{std::move(second), cumulative, point == nullptr});
  }
}

void Simulation::Engine::note_transition(std::size_t replica, resilience::BreakerState before) {
  const resilience::BreakerSnapshot snapshot = replicas_[replica]->controls.breaker().snapshot();
  const double at_s = static_cast<double>(now_) * 1e-9;
  // A reset empties the breaker's own history: the change is the reset's.
  if (snapshot.transitions.empty()) {
    transitions_.push_back(
        BreakerTransition{replica, at_s, before, snapshot.state, "reset to the default settings"});
    return;
  }
  const resilience::Transition& last = snapshot.transitions.back();
  transitions_.push_back(BreakerTransition{replica, at_s, last.from, last.to, last.reason});
}

}  // namespace srelab::sim
