// A LoadPlanBuilder for the experiment tests: builds plans from the load flags an experiment
// file uses (rate, duration, ids, target) with the load module's own parsers, as the app's
// builder does from all of `sre-lab load`'s flags; any other flag is an error.
#pragma once

#include <charconv>
#include <map>
#include <optional>
#include <string>

#include "load/flag_values.hpp"
#include "load/id_distribution.hpp"
#include "load/load_plan.hpp"

namespace srelab::testing {

inline std::optional<load::LoadPlan> fake_load_plan(const std::map<std::string, std::string>& flags,
                                                    std::string& error) {
  load::LoadPlan plan;
  for (const auto& [flag, text] : flags) {
    if (flag == "rate") {
      double rate = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), rate);
      if (ec != std::errc() || end != text.data() + text.size() || rate <= 0) {
        error = "--rate must be a number > 0, got " + text;
        return std::nullopt;
      }
      plan.rate = rate;
    } else if (flag == "duration") {
      auto duration = load::parse_duration(text);
      if (!duration) {
        error = "--duration must be " + std::string(load::kDurationForm) + ", got " + text;
        return std::nullopt;
      }
      plan.duration = *duration;
    } else if (flag == "ids") {
      auto ids = load::IdDistribution::parse(text);
      if (!ids) {
        error = "--ids: bad distribution " + text;
        return std::nullopt;
      }
      plan.ids = *ids;
    } else if (flag == "target") {
      auto target = load::parse_target(text);
      if (!target) {
        error = "--target must be " + std::string(load::kTargetForm) + ", got " + text;
        return std::nullopt;
      }
      plan.target = *target;
    } else {
      error = "--" + flag + ": this fake does not know it";
      return std::nullopt;
    }
  }
  return plan;
}

}  // namespace srelab::testing
