#include "experiment/configuration.hpp"

#include <vector>

#include "experiment/fields.hpp"
#include "load/flag_values.hpp"

namespace srelab::experiment {

namespace {

constexpr std::string_view kWhat = "the configuration";

bool is_builtin(std::string_view name) {
  return name == "service_url" || name == "load_url";
}

// service_url and load_url are where the lab listens: what `sre-lab load --target` accepts.
bool valid_url_entry(std::string_view name, const boost::json::value& value) {
  if (!is_builtin(name)) return true;
  const auto* text = value.if_string();
  return text && load::parse_target(*text).has_value();
}

std::string url_form() {
  return "a URL " + std::string(load::kTargetForm);
}

void read_entry(const Member& entry, boost::json::object& configuration, SpecErrors& errors) {
  const Node& value = entry.value;
  if (value.kind == Node::Kind::object && value.find("type")) {
    errors.fail(entry.line, "configuration entry '" + entry.key +
                                "' is a CTK typed entry (type: ...), not supported by sre-lab: "
                                "write its value, and override it with --var");
    return;
  }
  if (value.kind == Node::Kind::null || !value.is_scalar()) {
    errors.fail(value.line, "configuration entry '" + entry.key +
                                "' must be a string, a number or true/false, got " +
                                describe(value));
    return;
  }
  if (!valid_url_entry(entry.key, value.scalar)) {
    errors.fail(value.line, "configuration entry '" + entry.key + "' must be " + url_form() +
                                ", got " + describe(value));
    return;
  }
  configuration[entry.key] = value.scalar;
}

std::string entry_names(const boost::json::object& configuration) {
  std::vector<std::string_view> names;
  for (const auto& entry : configuration) names.push_back(entry.key());
  return join(names);
}

// The var's text as a value of the entry's type, or nullopt with `form` saying what it takes.
std::optional<boost::json::value> convert(const boost::json::value& entry, const std::string& text,
                                          std::string& form) {
  if (entry.is_bool()) {
    form = "true or false";
    if (text == "true" || text == "false") return boost::json::value(text == "true");
    return std::nullopt;
  }
  if (entry.is_number()) {
    form = "a number";
    return parse_number(text);
  }
  return boost::json::value(text);
}

void apply_var(const std::string& name, const std::string& text, boost::json::object& configuration,
               SpecErrors& errors) {
  const std::string prefix = "--var " + name + ": ";
  auto* entry = configuration.if_contains(name);
  if (!entry) {
    errors.fail_outside(prefix + "no configuration entry " + name +
                        " (entries: " + entry_names(configuration) + ")");
    return;
  }
  std::string form;
  auto value = convert(*entry, text, form);
  if (!value) {
    errors.fail_outside(prefix + name + " is " + form + ", got '" + text + "'");
    return;
  }
  if (!valid_url_entry(name, *value)) {
    errors.fail_outside(prefix + name + " must be " + url_form() + ", got '" + text + "'");
    return;
  }
  *entry = std::move(*value);
}

}  // namespace

std::optional<boost::json::object> read_configuration(
    const Node* node, const std::map<std::string, std::string>& vars, SpecErrors& errors) {
  boost::json::object configuration;
  if (node && node->kind != Node::Kind::null) {
    if (node->kind != Node::Kind::object) {
      errors.fail(node->line, std::string(kWhat) + " must be an object, got " + describe(*node));
      return std::nullopt;
    }
    for (const auto& entry : node->members) read_entry(entry, configuration, errors);
  }
  if (!configuration.contains("service_url")) configuration["service_url"] = kDefaultServiceUrl;
  if (!configuration.contains("load_url")) configuration["load_url"] = kDefaultLoadUrl;
  for (const auto& [name, text] : vars) apply_var(name, text, configuration, errors);
  if (!errors.ok()) return std::nullopt;
  return configuration;
}

}  // namespace srelab::experiment
