// What an experiment run has left down among the lab's dependencies. The runner records the body
// of every POST /chaos/dependency that succeeded (a `func: dependency` action or an http action
// on that path); after the rollbacks, undo() gives the actions that bring back what the last
// order for each dependency paused (resume) or stopped (start), so a run never leaves Redis or
// Postgres down behind it. A kill is not undone: up's restart policy brings a killed dependency
// back, as it would after a real crash.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/experiment_spec.hpp"

namespace srelab::experiment {

inline constexpr std::string_view kDependencyPath = "/chaos/dependency";

// Whether a POST /chaos/dependency body pauses or stops a dependency: the runner gives such an
// order a duration_s guardrail when it has none.
bool takes_dependency_down(const boost::json::value& body);

class DependencyLedger {
 public:
  void record(const boost::json::value& body);
  // The undo actions, one dependency each, in name order; the ledger is empty afterwards.
  std::vector<DependencyCall> undo();

 private:
  std::map<std::string, std::string> last_;  // dependency → the last action ordered
};

}  // namespace srelab::experiment
