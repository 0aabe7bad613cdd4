// A scenario's run written as an experiment journal (experiment/journal.hpp's shape), so the one
// report writer renders simulations too: one phase per stretch between the scenario's changes
// (named after the fault or traffic change that starts it), the seconds as load points, the
// twin's series as the timeline, and every breaker transition. `sre-lab simulate FILE` writes
// it beside its reports.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "sim/scenario.hpp"
#include "sim/simulation.hpp"

namespace srelab::sim {

struct ScenarioRun {
  boost::json::object journal;
  SimulationResult result;
  double wall_s = 0;  // what the simulation took
};

// `epoch_ms`: the wall time simulated time 0 stands for.
ScenarioRun run_scenario(const Scenario& scenario, const std::string& version, double epoch_ms);

}  // namespace srelab::sim
