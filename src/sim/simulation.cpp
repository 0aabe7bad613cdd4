#include "sim/simulation.hpp"

#include "sim/engine.hpp"

// The public face of the engine (engine.hpp): simulated seconds in, its state and records out.

namespace srelab::sim {

Simulation::Simulation(const Scenario& scenario) : engine_(std::make_unique<Engine>(scenario)) {}
Simulation::~Simulation() = default;

void Simulation::run_until(double t_s) {
  engine_->run_until(to_ns(t_s));
}
bool Simulation::apply(const FaultEvent& fault, std::string* error) {
  return engine_->apply(fault, error);
}
void Simulation::set_traffic(const TrafficSegment& segment) {
  engine_->set_traffic(segment);
}
void Simulation::flush() {
  engine_->close_second();
}
double Simulation::now_s() const {
  return static_cast<double>(engine_->now()) * 1e-9;
}
std::size_t Simulation::replicas() const {
  return engine_->replica_count();
}
resilience::BreakerSnapshot Simulation::breaker(std::size_t replica) const {
  return engine_->replica(replica).controls.breaker().snapshot();
}
chaos::ChaosSettings Simulation::chaos(std::size_t replica) const {
  return engine_->replica(replica).chaos.current();
}
resilience::ResilienceSettings Simulation::resilience(std::size_t replica) const {
  return engine_->replica(replica).controls.settings();
}
postgres::PoolCounts Simulation::pool(std::size_t replica) const {
  return engine_->replica(replica).pool.counts();
}
std::size_t Simulation::cache_size() const {
  return engine_->cache_size();
}
std::uint64_t Simulation::requests() const {
  return engine_->arrivals();
}
chaos::ChaosState& Simulation::chaos_state(std::size_t replica) {
  return engine_->replica(replica).chaos;
}

std::size_t Simulation::db_in_flight(std::size_t replica) const {
  return engine_->replica(replica).queries_in_flight;
}

std::size_t Simulation::stale_copies(std::size_t replica) const {
  return engine_->replica(replica).stale_copies.size();
}

const Clock& Simulation::clock() const {
  return engine_->clock();
}

std::vector<BulkLookup> Simulation::bulk_lookups(std::size_t replica,
                                                 const std::vector<std::int32_t>& ids,
                                                 std::size_t concurrency) {
  return engine_->bulk_lookups(replica, ids, concurrency);
}

std::vector<SecondRecord> Simulation::take_seconds() {
  return engine_->take_seconds();
}
const std::vector<BreakerTransition>& Simulation::transitions() const {
  return engine_->transitions();
}
const load::LoadReport& Simulation::report() const {
  return engine_->report();
}

}  // namespace srelab::sim
