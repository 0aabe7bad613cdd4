#include "resilience/resilience_settings.hpp"

#include "core/json_fields.hpp"

namespace srelab::resilience {
namespace {

struct ModeName {
  BreakerMode mode;
  std::string_view name;
};
constexpr ModeName kModes[] = {{BreakerMode::normal, "normal"},
                               {BreakerMode::forced_open, "forced_open"},
                               {BreakerMode::disabled, "disabled"}};

std::string_view mode_name(BreakerMode mode) {
  for (const auto& entry : kModes)
    if (entry.mode == mode) return entry.name;
  return "normal";
}

std::string_view without_copy_name(FallbackWithoutCopy choice) {
  return choice == FallbackWithoutCopy::error ? "error" : "emergency";
}

double seconds_of(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

// A duration in seconds (a JSON number) read into `out`, rounded to its resolution.
template <class Duration>
void read_seconds(JsonFields& fields, std::string_view key, double min, double max, Duration& out) {
  double seconds = seconds_of(out);
  fields.number(key, min, max, seconds);
  if (fields.ok() && fields.contains(key))
    out = std::chrono::round<Duration>(std::chrono::duration<double>(seconds));
}

// minimum_calls ≤ window_size, judged on the merged values: a body may lower window_size
// below the current minimum_calls, or raise minimum_calls above the current window_size.
void check_minimum_calls(JsonFields& fields, const BreakerSettings& merged) {
  if (!fields.ok() || merged.minimum_calls <= merged.window_size) return;
  const std::string minimum = std::to_string(merged.minimum_calls);
  const std::string window = std::to_string(merged.window_size);
  if (fields.contains("minimum_calls"))
    fields.fail("minimum_calls", "minimum_calls must be an integer in 1..window_size (" + window +
                                     "), got " + minimum);
  else
    fields.fail("window_size", "window_size must be at least minimum_calls (" + minimum +
                                   "), got " + window + "; lower minimum_calls too");
}

}  // namespace

std::optional<ResilienceSettings> merge_resilience_settings(const ResilienceSettings& current,
                                                            std::string_view body,
                                                            FieldError& error) {
  const std::optional<boost::json::object> object = parse_json_object(body, error);
  if (!object) return std::nullopt;

  JsonFields fields(*object,
                    {"failure_rate_threshold", "slow_call_rate_threshold", "slow_call_duration_s",
                     "open_wait_s", "window_size", "minimum_calls", "half_open_calls", "mode",
                     "db_pool_timeout_s", "fallback_enabled", "fallback_without_copy"});
  ResilienceSettings merged = current;
  BreakerSettings& breaker = merged.breaker;
  fields.number("failure_rate_threshold", 0, 1, breaker.failure_rate_threshold,
                LowerBound::exclusive);
  fields.number("slow_call_rate_threshold", 0, 1, breaker.slow_call_rate_threshold,
                LowerBound::exclusive);
  read_seconds(fields, "slow_call_duration_s", 0.001, 600, breaker.slow_call_duration);
  read_seconds(fields, "open_wait_s", 0.001, 3600, breaker.open_wait);
  fields.integer("window_size", std::size_t{1}, std::size_t{1000}, breaker.window_size);
  // Its upper bound is window_size, checked below on the merged values.
  fields.integer("minimum_calls", std::size_t{1}, std::size_t{1000}, breaker.minimum_calls);
  fields.integer("half_open_calls", std::size_t{1}, std::size_t{100}, breaker.half_open_calls);
  std::string mode(mode_name(merged.mode));
  if (fields.one_of("mode", {"normal", "forced_open", "disabled"}, mode))
    for (const auto& entry : kModes)
      if (entry.name == mode) merged.mode = entry.mode;
  read_seconds(fields, "db_pool_timeout_s", 0, 60, merged.db_pool_timeout);
  fields.boolean("fallback_enabled", merged.fallback_enabled);
  std::string without_copy(without_copy_name(merged.fallback_without_copy));
  if (fields.one_of("fallback_without_copy", {"emergency", "error"}, without_copy))
    merged.fallback_without_copy =
        without_copy == "error" ? FallbackWithoutCopy::error : FallbackWithoutCopy::emergency;
  check_minimum_calls(fields, breaker);
  if (!fields.ok()) {
    error = *fields.error();
    return std::nullopt;
  }
  return merged;
}

boost::json::object to_json(const ResilienceSettings& settings) {
  const BreakerSettings& breaker = settings.breaker;
  boost::json::object out;
  out["failure_rate_threshold"] = breaker.failure_rate_threshold;
  out["slow_call_rate_threshold"] = breaker.slow_call_rate_threshold;
  out["slow_call_duration_s"] = seconds_of(breaker.slow_call_duration);
  out["open_wait_s"] = seconds_of(breaker.open_wait);
  out["window_size"] = breaker.window_size;
  out["minimum_calls"] = breaker.minimum_calls;
  out["half_open_calls"] = breaker.half_open_calls;
  out["mode"] = mode_name(settings.mode);
  out["db_pool_timeout_s"] = seconds_of(settings.db_pool_timeout);
  out["fallback_enabled"] = settings.fallback_enabled;
  out["fallback_without_copy"] = without_copy_name(settings.fallback_without_copy);
  return out;
}

}  // namespace srelab::resilience
