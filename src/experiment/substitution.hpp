// ${name} in the experiment file's strings, replaced by the configuration's value (CTK's
// substitution, with braces only). A string that is exactly "${name}" becomes the value itself,
// with its type, so `rate: ${rate}` is a number and `phases: {baseline: ${baseline_s}}` passes
// the checks that follow; inside a longer string the value's text is spliced in. parse_experiment()
// runs it on every part of the file but the configuration, before any field is checked.
#pragma once

#include <boost/json/object.hpp>

#include "experiment/document.hpp"
#include "experiment/spec_errors.hpp"

namespace srelab::experiment {

// Replaces in every string under `node` (map keys stay as written). An unknown name, or a "${"
// without its "}", is an error at the string's line.
void substitute(Node& node, const boost::json::object& configuration, SpecErrors& errors);

}  // namespace srelab::experiment
