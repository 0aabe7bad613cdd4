#include "experiment/load_arguments.hpp"

#include <array>
#include <map>

#include "experiment/fields.hpp"

namespace srelab::experiment {

namespace {

constexpr std::array<std::string_view, 10> kFlags{
    "rate", "duration", "connections", "max-connections", "threads", "timeout",
    "ids",  "paths",    "seed",        "target"};

std::optional<std::map<std::string, std::string>> read_flags(const LoadSource& source,
                                                             SpecErrors& errors) {
  std::map<std::string, std::string> flags;
  if (!source.arguments || source.arguments->kind == Node::Kind::null) return flags;
  Fields fields(*source.arguments, source.what, kFlags, errors);
  for (auto flag : kFlags) {
    const Node* value = fields.get(flag);
    if (!value) continue;
    if (value->kind == Node::Kind::null || !value->is_scalar()) {
      fields.fail(flag, *value, "a number or a string, as for sre-lab load --" + std::string(flag));
      break;
    }
    flags[std::string(flag)] = scalar_text(value->scalar);
  }
  if (!errors.ok()) return std::nullopt;
  return flags;
}

}  // namespace

std::optional<load::LoadPlan> read_load(const LoadSource& source,
                                        const boost::json::object& configuration,
                                        const LoadPlanBuilder& build_plan, SpecErrors& errors) {
  auto flags = read_flags(source, errors);
  if (!flags) return std::nullopt;
  if (!flags->contains("target"))
    flags->emplace("target", scalar_text(configuration.at("load_url")));
  const int line = source.arguments ? source.arguments->line : source.line;
  std::string error;
  auto plan = build_plan ? build_plan(*flags, error) : std::nullopt;
  if (!plan) {
    errors.fail(line, source.label + ": " + (build_plan ? error : "no load plan builder given"));
    return std::nullopt;
  }
  return plan;
}

}  // namespace srelab::experiment
