// Reading an activity's `provider`: CTK's http provider (providers.cpp) and sre-lab's own
// (`type: sre-lab`, sre_lab_provider.cpp: load, latency, answers, metric, resilience, chaos).
// CTK's python and process providers run code in-process or on the shell; this lab does not, and
// says so. The activity reader calls read_provider() once per activity.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "experiment/document.hpp"
#include "experiment/experiment_spec.hpp"
#include "experiment/fields.hpp"
#include "experiment/spec_errors.hpp"

namespace srelab::experiment {

struct ProviderContext {
  Activity::Type type = Activity::Type::action;
  std::string activity;  // the activity in messages: "probe 'p95 below 50 ms'"
  std::string name;      // the activity's name
  std::string list;      // where it is: "the method", "the rollbacks", ...
  const std::vector<std::string>& earlier_loads;  // load actions before it in the same list
  const boost::json::object& configuration;
  const LoadPlanBuilder& build_plan;
};

std::optional<Provider> read_provider(const Node& node, const ProviderContext& context,
                                      SpecErrors& errors);

// The `type: sre-lab` provider, its keys already checked by `provider`.
std::optional<Provider> read_sre_lab_provider(const Fields& provider,
                                              const ProviderContext& context);

}  // namespace srelab::experiment
