// The call site of the simulation engine. The engine lives on its own branch: until it is
// merged, this prints what would run and stops, and the merge replaces the body below with the
// engine's run and its report.
#include <cstdio>

#include "app/simulate_options.hpp"
#include "sim/scenario_summary.hpp"

namespace srelab::app {

// ENGINE CALL SITE: the merge of the simulation engine replaces this body.
int run_simulation(const sim::Scenario& scenario, const SimulateOptions& options) {
  (void)options;
  std::fputs(sim::scenario_summary(scenario).c_str(), stdout);
  std::fputs("(the simulation engine is not built into this binary yet: nothing ran)\n", stdout);
  return 0;
}

}  // namespace srelab::app
