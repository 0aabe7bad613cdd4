#include "console/experiment_launches.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <utility>

#include "console/web_assets.hpp"
#include "core/json_fields.hpp"
#include "core/json_string.hpp"

namespace srelab::console {
namespace {

constexpr std::string_view kShippedPrefix = "/assets/experiments/";
constexpr std::string_view kShippedSuffix = ".yaml";
constexpr std::size_t kMaxVars = 50;
constexpr std::size_t kMaxVarName = 64;
constexpr std::size_t kMaxVarValue = 1000;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// A quoted YAML scalar's content: "..." with backslash escapes of quotes and backslashes, '...'
// with '' for a quote; the text up to a " #" comment when unquoted.
std::string unquote(std::string_view value) {
  std::string out;
  if (value.empty()) return out;
  const char quote = value.front();
  if (quote != '"' && quote != '\'') {
    const auto comment = value.find(" #");
    return std::string(trim(value.substr(0, comment)));
  }
  for (std::size_t i = 1; i < value.size(); ++i) {
    const char c = value[i];
    if (quote == '"' && c == '\\' && i + 1 < value.size()) {
      out += value[++i];
    } else if (quote == '\'' && c == '\'' && i + 1 < value.size() && value[i + 1] == '\'') {
      out += '\'';
      ++i;
    } else if (c == quote) {
      break;
    } else {
      out += c;
    }
  }
  return out;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

bool fail(FieldError& error, std::string key, std::string detail) {
  error = {std::move(key), std::move(detail)};
  return false;
}

// One var: a name of letters, digits, '_', '-' or '.', and a value as one line of text.
bool read_var(std::string_view name, const boost::json::value& value,
              std::map<std::string, std::string>& vars, FieldError& error) {
  const std::string key = "vars." + std::string(name.substr(0, kMaxVarName));
  if (name.empty() || name.size() > kMaxVarName ||
      !std::all_of(name.begin(), name.end(), is_name_char))
    return fail(error, key,
                "a var's name is 1 to 64 letters, digits, '_', '-' or '.', got '" +
                    std::string(name.substr(0, kMaxVarName)) + "'");
  if (name == "service_url" || name == "load_url")
    return fail(error, key,
                key +
                    " is the console's to set: an experiment started here runs against this "
                    "service");
  std::string text;
  if (value.is_string())
    text = std::string(value.as_string());
  else if (value.is_number())
    text = format_number(value.to_number<double>());
  else if (value.is_bool())
    text = value.as_bool() ? "true" : "false";
  else
    return fail(
        error, key,
        key + " must be a string, a number or a boolean, got " + describe_json_value(value));
  if (text.size() > kMaxVarValue || has_control(text))
    return fail(error, key,
                key + " must be one line of text (no control characters), up to 1000 bytes");
  vars[std::string(name)] = std::move(text);
  return true;
}

}  // namespace

std::vector<ShippedExperiment> shipped_experiments() {
  std::vector<ShippedExperiment> found;
  for (const WebAsset& asset : web_assets()) {
    if (!asset.path.starts_with(kShippedPrefix) || !asset.path.ends_with(kShippedSuffix)) continue;
    std::string_view name = asset.path.substr(kShippedPrefix.size());
    name.remove_suffix(kShippedSuffix.size());
    found.push_back({std::string(name), yaml_title(asset.body)});
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return found;
}

std::string yaml_title(std::string_view yaml) {
  constexpr std::string_view kKey = "title:";
  while (!yaml.empty()) {
    const auto end = yaml.find('\n');
    const std::string_view line = yaml.substr(0, end);
    if (line.starts_with(kKey)) return unquote(trim(line.substr(kKey.size())));
    if (end == std::string_view::npos) break;
    yaml.remove_prefix(end + 1);
  }
  return {};
}

std::optional<LaunchRequest> parse_launch_request(std::string_view body,
                                                  const std::vector<ShippedExperiment>& shipped,
                                                  FieldError& error) {
  const auto object = parse_json_object(body, error);
  if (!object) return std::nullopt;
  JsonFields fields(*object, {"name", "vars"});
  if (!fields.ok()) {
    error = *fields.error();
    return std::nullopt;
  }
  LaunchRequest request;
  const auto* name = object->if_contains("name");
  if (name != nullptr && name->is_string()) request.name = std::string(name->as_string());
  const bool known = std::any_of(shipped.begin(), shipped.end(),
                                 [&](const auto& item) { return item.name == request.name; });
  if (!known) {
    std::string names;
    for (const auto& item : shipped) names += (names.empty() ? "" : ", ") + item.name;
    fail(error, "name",
         "name must be a shipped experiment (" + names + "), got " +
             (name == nullptr ? std::string("nothing") : describe_json_value(*name)));
    return std::nullopt;
  }
  const auto* vars = object->if_contains("vars");
  if (vars == nullptr || vars->is_null()) return request;
  if (!vars->is_object()) {
    fail(error, "vars",
         "vars must be an object of names and values, e.g. {\"injection_s\": \"10\"}, got " +
             describe_json_value(*vars));
    return std::nullopt;
  }
  if (vars->as_object().size() > kMaxVars) {
    fail(error, "vars", "vars may set up to 50 names");
    return std::nullopt;
  }
  for (const auto& [key, value] : vars->as_object())
    if (!read_var(key, value, request.vars, error)) return std::nullopt;
  return request;
}

std::vector<std::string> launch_arguments(const LaunchRequest& request,
                                          const LaunchTargets& targets) {
  std::vector<std::string> args{"experiment", "run", request.name};
  for (const auto& [name, value] : request.vars) {
    args.emplace_back("--var");
    args.push_back(name + "=" + value);
  }
  args.insert(args.end(), {"--var", "service_url=" + targets.service_url, "--var",
                           "load_url=" + targets.load_url, "--quiet"});
  return args;
}

void ExperimentLaunches::enable(ExperimentSpawner spawner, LaunchTargets targets) {
  std::lock_guard lock(mutex_);
  spawner_ = std::move(spawner);
  targets_ = std::move(targets);
}

bool ExperimentLaunches::available() const {
  std::lock_guard lock(mutex_);
  return static_cast<bool>(spawner_.start);
}

ExperimentLaunches::Answer ExperimentLaunches::launch(const LaunchRequest& request, double now_ms) {
  std::lock_guard lock(mutex_);
  if (!spawner_.start || !spawner_.poll)
    return {Outcome::unavailable, 0,
            "this service cannot start experiments (it runs inside another program); run "
            "'sre-lab experiment run' instead"};
  if (last_) {
    last_->status = spawner_.poll();
    if (last_->status.running)
      return {Outcome::busy, 0,
              "the experiment '" + last_->name + "' (pid " + std::to_string(last_->pid) +
                  ") is still running: one runs at a time"};
  }
  std::string error;
  const auto pid = spawner_.start(launch_arguments(request, targets_), error);
  if (!pid) return {Outcome::failed, 0, "cannot start the experiment: " + error};
  last_ = Launch{request.name, request.vars, *pid, now_ms, ChildStatus{true, std::nullopt, {}}};
  return {Outcome::started, *pid, {}};
}

void ExperimentLaunches::poll() {
  std::lock_guard lock(mutex_);
  if (last_ && spawner_.poll && last_->status.running) last_->status = spawner_.poll();
}

std::optional<Launch> ExperimentLaunches::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

}  // namespace srelab::console
