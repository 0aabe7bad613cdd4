#include <algorithm>
#include <cmath>

#include "sim/simulation.hpp"

// simulate(): a scenario run from start to end through the stepping API, as the experiment
// runner will drive it, with the faults and traffic changes applied at their times.

namespace srelab::sim {
namespace {

// What happens next: a traffic segment or a fault (by list order when at the same time).
struct Change {
  double at_s;
  const TrafficSegment* traffic;
  const FaultEvent* fault;
};

std::vector<Change> changes_of(const Scenario& scenario) {
  std::vector<Change> changes;
  for (const TrafficSegment& segment : scenario.traffic)
    if (segment.at_s > 0) changes.push_back({segment.at_s, &segment, nullptr});
  for (const FaultEvent& fault : scenario.faults) changes.push_back({fault.at_s, nullptr, &fault});
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& a, const Change& b) { return a.at_s < b.at_s; });
  return changes;
}

}  // namespace

SimulationResult simulate(const Scenario& scenario,
                          const std::function<void(const SecondRecord&)>& on_second) {
  Simulation simulation(scenario);
  SimulationResult result;
  const std::vector<Change> changes = changes_of(scenario);
  std::size_t next = 0;
  // Second by second, so the cumulative histograms of the records never pile up.
  for (double second = 1; second - 1 < scenario.duration_s; ++second) {
    const double until = std::min(second, scenario.duration_s);
    while (next < changes.size() && changes[next].at_s <= until) {
      const Change& change = changes[next++];
      simulation.run_until(change.at_s);
      if (change.traffic) simulation.set_traffic(*change.traffic);
      std::string error;
      if (change.fault && !simulation.apply(*change.fault, &error)) result.errors.push_back(error);
    }
    simulation.run_until(until);
    if (until < second) simulation.flush();
    for (SecondRecord& record : simulation.take_seconds()) {
      if (on_second) on_second(record);
      if (record.replaces_last && !result.seconds.empty()) result.seconds.pop_back();
      result.seconds.push_back(std::move(record.second));
    }
  }
  result.report = simulation.report();
  result.transitions = simulation.transitions();
  result.requests = simulation.requests();
  return result;
}

}  // namespace srelab::sim
