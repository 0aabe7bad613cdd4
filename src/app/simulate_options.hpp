// What `sre-lab simulate FILE` was asked beyond the scenario file, finalized by run_simulate()
// and handed to run_simulation(), the one place that starts the twin.
#pragma once

#include <filesystem>

#include "sim/scenario.hpp"

namespace srelab::app {

struct SimulateOptions {
  std::filesystem::path scenario_file;
  std::filesystem::path out;  // --out; empty: simulation-runs/<time>-<name>
};

// Runs the validated scenario (its --seed, --duration and --calibration already applied) and
// writes what it found under options.out. Exit 0 done, 1 failed at run time.
int run_simulation(const sim::Scenario& scenario, const SimulateOptions& options);

}  // namespace srelab::app
