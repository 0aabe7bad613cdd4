// A validated scenario in a few lines of text, for `sre-lab simulate --check` and the head of a
// simulation's output: the topology, the traffic and fault timelines, and the calibration.
#pragma once

#include <string>

#include "sim/scenario.hpp"

namespace srelab::sim {

std::string scenario_summary(const Scenario& scenario);

// "chaos {\"db_latency\":2}", "clear_cache", ...: what a fault does, in one line.
std::string fault_text(const FaultEvent& fault);

}  // namespace srelab::sim
