// `sre-lab load`'s options, finalized into a load::LoadPlan: every value parsed and checked once,
// a bad one recorded in OptionValues as one line naming the flag and the accepted form.
#pragma once

#include <optional>
#include <string>

#include "app/option_values.hpp"
#include "load/load_plan.hpp"

namespace srelab::app {

struct LoadConfig {
  load::LoadPlan plan;
  bool target_given = false;  // false: try the gateway's port, then the service's
  std::string json_file;      // empty: none
  std::string csv_file;
  bool progress = false;  // status lines even when stderr is not a terminal
  bool quiet = false;     // no status lines at all
};

std::optional<LoadConfig> finalize_load_config(OptionValues& values);

}  // namespace srelab::app
