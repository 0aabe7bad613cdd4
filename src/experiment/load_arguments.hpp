// A load run written in an experiment: `sre-lab load`'s flags as an object's fields (rate,
// duration, connections, max-connections, threads, timeout, ids, paths, seed, target), each a
// scalar passed on as text ("150", "30s"). The target defaults to the configuration's load_url.
// The flags are checked by the LoadPlanBuilder the app supplies — the same checks as on the
// command line — so this file only names the flags and frames the builder's error. Used by the
// `load` provider and by the sre-lab extension's background load.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "experiment/document.hpp"
#include "experiment/experiment_spec.hpp"
#include "experiment/spec_errors.hpp"

namespace srelab::experiment {

struct LoadSource {
  const Node* arguments = nullptr;  // nullptr or null: no flags, the builder's defaults
  int line = 0;                     // where a builder error points when there are no arguments
  std::string what;                 // the object in messages: "the arguments of action 'warm up'"
  std::string label;                // a builder error's prefix: "load 'warm up'"
};

std::optional<load::LoadPlan> read_load(const LoadSource& source,
                                        const boost::json::object& configuration,
                                        const LoadPlanBuilder& build_plan, SpecErrors& errors);

}  // namespace srelab::experiment
