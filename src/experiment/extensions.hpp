// CTK's `extensions` list: objects with a `name`, each for the tool that knows it. The one named
// sre-lab says which background load runs under every phase (`load`: `sre-lab load`'s flags) and
// how long the phases last (`phases`); any other extension is kept in the experiment's written
// form and otherwise ignored. parse_experiment() calls it last.
#pragma once

#include <boost/json/object.hpp>

#include "experiment/activities.hpp"
#include "experiment/document.hpp"
#include "experiment/experiment_spec.hpp"
#include "experiment/spec_errors.hpp"

namespace srelab::experiment {

// Fills experiment.load, .phases, .variants and .before from the sre-lab extension, if `list`
// holds one; `reader` reads `before`'s actions (refs may copy the method's).
void read_extensions(const Node& list, const boost::json::object& configuration,
                     const LoadPlanBuilder& build_plan, ActivityReader& reader, SpecErrors& errors,
                     Experiment& experiment);

}  // namespace srelab::experiment
