// Reading option values once, at start-up: a flag beats its environment variable, which beats
// the default. Every parse failure becomes one line naming the option, where the value came
// from and the accepted range; the first failure wins.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "app/option_spec.hpp"

namespace srelab::app {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

EnvLookup process_env();  // the real environment: the only getenv of the program

class OptionValues {
 public:
  OptionValues(std::span<const OptionSpec> specs,
               std::map<std::string, std::string, std::less<>> flags, EnvLookup env);

  // The raw value and where it came from ("--port", "SRE_LAB_PORT"); nullopt when unset.
  std::optional<std::string> raw(std::string_view flag, std::string* origin = nullptr) const;
  bool is_set(std::string_view flag) const { return raw(flag).has_value(); }

  std::string text(std::string_view flag, std::string_view fallback);
  std::int64_t integer(std::string_view flag, std::int64_t fallback, std::int64_t min,
                       std::int64_t max);
  // A switch: given without a value (cli/ makes that "true"), or with on/off; false when unset.
  bool switch_on(std::string_view flag);
  // Decimal seconds (e.g. "0.25"), to millisecond precision.
  std::chrono::milliseconds seconds(std::string_view flag, double fallback, double min, double max);

  // Records a failure for `flag` (used by finalizers that validate further, e.g. URLs).
  void fail(std::string_view flag, std::string_view value, std::string_view expected);
  // Records a failure already worded by the validator that found it (one line).
  void fail_with(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }
  const std::string& error() const { return error_; }

  // The value for an environment variable name, read through its option (a flag still wins):
  // for validators written against variable names (OTEL_*, DD_*).
  std::optional<std::string> by_env_name(std::string_view env) const;

 private:
  std::span<const OptionSpec> specs_;
  std::map<std::string, std::string, std::less<>> flags_;
  EnvLookup env_;
  std::string error_;
};

}  // namespace srelab::app
