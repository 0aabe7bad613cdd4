// The subcommands' bodies, called by cli/ with their options already split from argv.
// Each returns the process exit code: 0 done, 1 failed at run time, 2 bad usage or configuration.
#pragma once

#include <string>
#include <vector>

#include "app/option_values.hpp"

namespace srelab::app {

// `self` is the path of this executable: experiments started from the console run it.
int run_serve(OptionValues& values, const std::string& self);

// `forwarded` are the serve flags given on the command line, as "--flag=value", passed on to
// the service that `up` starts; `self` is the path of this executable.
int run_up(OptionValues& values, const std::vector<std::string>& forwarded,
           const std::string& self);

// The load generator; exits 0 whatever the target answered (errors are in the report).
int run_load(OptionValues& values);

// `experiment`: `words` are the arguments that are not options (the subcommand, then names or
// files), `vars` every --var NAME=VALUE in order. Exit 0 held, 1 deviated or failed, 2 bad usage
// or experiment file, 3 inconclusive, 130 stopped.
int run_experiment(const std::vector<std::string>& words, const std::vector<std::string>& vars,
                   OptionValues& values);

// `simulate FILE` (the twin, on a scenario file) and `simulate calibrate JOURNAL`: `words` are
// the arguments that are not options. Exit 0 done, 2 bad usage, scenario or journal.
int run_simulate(const std::vector<std::string>& words, OptionValues& values);

}  // namespace srelab::app
