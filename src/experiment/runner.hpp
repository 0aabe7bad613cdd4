// Runs an experiment against a target, phase by phase, and writes the journal:
//   baseline   the background load runs; the steady-state hypothesis is judged on it
//   injection  the method's actions and probes in order (with their pauses); probes on the load
//              or the timeline are judged on the whole phase when it ends
//   recovery   the rollbacks, then the steady-state hypothesis again on what follows (after
//              `settle` seconds)
// A failed action aborts the injection; the rollbacks run after an abort and after a stop
// (Ctrl-C) too. Faults set through /chaos/configure without duration_s get one, so they expire
// even if this process is killed; so does a dependency paused or stopped through
// /chaos/dependency, and after the rollbacks the runner resumes or starts any dependency the
// run left paused or stopped (a rollback of its own in the journal).
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <stop_token>
#include <string>

#include "experiment/experiment_spec.hpp"
#include "experiment/target.hpp"

namespace srelab::experiment {

enum class Verdict { held, deviated, inconclusive, failed, aborted, interrupted };
std::string to_string(Verdict verdict);
// 0 held, 1 deviated, failed (the steady state did not hold before anything was injected) or
// aborted (an action failed), 3 inconclusive, 130 interrupted.
int exit_code(Verdict verdict);

struct Progress {
  std::string phase;
  double phase_left_s = 0;
  double rate = 0;          // answers per second in the last second
  double p95_s = 0;         // NaN without answers
  double failed_share = 0;  // bad statuses and unanswered, last second
};

struct RunOptions {
  std::function<void(const Progress&)> on_progress;  // about once a second; may be empty
  std::string version;                               // sre-lab's, for the journal
};

struct RunResult {
  Verdict verdict = Verdict::aborted;
  std::string reason;
  boost::json::object journal;
};

// Every URL the experiment would reach that is not on loopback, as one message naming them;
// empty when all are (the runner refuses the others unless --allow-remote).
std::string remote_targets(const Experiment& experiment);

// The first action that orders a dependency about (func: dependency, or an http POST to
// /chaos/dependency) as "action 'NAME' (line N)"; empty when there is none. The twin does not
// model dependency faults, so `--target sim` refuses such an experiment up front.
std::string first_dependency_action(const Experiment& experiment);

RunResult run_experiment(const Experiment& experiment, Target& target, std::stop_token stop,
                         const RunOptions& options);

}  // namespace srelab::experiment
