// Reading a probe's `tolerance`: CTK's forms (a scalar, a list of scalars, {type: range} and
// {type: regex}; jsonpath and probe tolerances are not supported) and sre-lab's statistical ones
// ({type: at-least|at-most, value}, {type: rose|fell}). Which forms a probe takes depends on what
// it gives: an http or state probe gives one output to compare, a latency, answers or metric
// probe gives samples that are judged by a statistic. The activity reader calls it.
#pragma once

#include <optional>
#include <string>

#include "experiment/document.hpp"
#include "experiment/experiment_spec.hpp"
#include "experiment/spec_errors.hpp"

namespace srelab::experiment {

enum class ProbeOutput {
  http,       // an http probe: equals, one_of, range, regex; range and regex may take a target
  state,      // a resilience or chaos probe: equals, one_of, range, regex
  statistic,  // a latency, answers or metric probe: range, at_least, at_most, rose, fell
};

ProbeOutput output_of(const Provider& provider);

// `probe` names the probe in messages ("probe 'p95 below 50 ms'").
std::optional<Tolerance> read_tolerance(const Node& node, ProbeOutput output,
                                        const std::string& probe, SpecErrors& errors);

}  // namespace srelab::experiment
