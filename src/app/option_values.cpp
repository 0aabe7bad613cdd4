#include "app/option_values.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace srelab::app {

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

OptionValues::OptionValues(std::span<const OptionSpec> specs,
                           std::map<std::string, std::string, std::less<>> flags, EnvLookup env)
    : specs_(specs), flags_(std::move(flags)), env_(std::move(env)) {}

std::optional<std::string> OptionValues::raw(std::string_view flag, std::string* origin) const {
  if (auto it = flags_.find(flag); it != flags_.end()) {
    if (origin) *origin = "--" + std::string(flag);
    return it->second;
  }
  const OptionSpec* spec = find_option(specs_, flag);
  if (spec && !spec->env.empty()) {
    if (auto value = env_(spec->env)) {
      if (origin) *origin = std::string(spec->env);
      return value;
    }
  }
  return std::nullopt;
}

void OptionValues::fail(std::string_view flag, std::string_view value, std::string_view expected) {
  if (!error_.empty()) return;
  std::string origin;
  raw(flag, &origin);
  if (origin.empty()) origin = "--" + std::string(flag);
  error_ = "invalid " + origin + " '" + std::string(value) + "': expected " + std::string(expected);
}

std::optional<std::string> OptionValues::by_env_name(std::string_view env) const {
  for (const OptionSpec& spec : specs_)
    if (spec.env == env) return raw(spec.flag);
  return std::nullopt;
}

std::string OptionValues::text(std::string_view flag, std::string_view fallback) {
  return raw(flag).value_or(std::string(fallback));
}

std::int64_t OptionValues::integer(std::string_view flag, std::int64_t fallback, std::int64_t min,
                                   std::int64_t max) {
  const auto value = raw(flag);
  if (!value) return fallback;
  std::int64_t parsed = 0;
  const char* end = value->data() + value->size();
  auto [stop, ec] = std::from_chars(value->data(), end, parsed);
  if (value->empty() || ec != std::errc{} || stop != end || parsed < min || parsed > max) {
    fail(flag, *value, "an integer in " + std::to_string(min) + ".." + std::to_string(max));
    return fallback;
  }
  return parsed;
}

std::chrono::milliseconds OptionValues::seconds(std::string_view flag, double fallback, double min,
                                                double max) {
  auto as_ms = [](double s) { return std::chrono::milliseconds(std::llround(s * 1000.0)); };
  const auto value = raw(flag);
  if (!value) return as_ms(fallback);
  double parsed = 0;
  const char* end = value->data() + value->size();
  auto [stop, ec] = std::from_chars(value->data(), end, parsed);
  if (value->empty() || ec != std::errc{} || stop != end || !std::isfinite(parsed) ||
      parsed < min || parsed > max) {
    auto shown = [](double d) {
      std::string s = std::to_string(d);
      s.erase(s.find_last_not_of('0') + 1);
      if (s.back() == '.') s.pop_back();
      return s;
    };
    fail(flag, *value, "seconds in " + shown(min) + ".." + shown(max));
    return as_ms(fallback);
  }
  return as_ms(parsed);
}

bool OptionValues::switch_on(std::string_view flag) {
  const auto value = raw(flag);
  if (!value) return false;
  if (*value == "true" || *value == "on" || *value == "1") return true;
  if (*value == "false" || *value == "off" || *value == "0") return false;
  fail(flag, *value, "no value, or on/off");
  return false;
}

}  // namespace srelab::app
