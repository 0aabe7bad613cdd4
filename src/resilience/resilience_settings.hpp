// The settings POST /resilience/configure changes at runtime, validated and merged exactly like
// the chaos settings: unknown key, wrong type or out of range → an error naming the key and range,
// malformed JSON → an error about the body, and nothing changes on a rejected request.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/field_error.hpp"
#include "resilience/circuit_breaker.hpp"

namespace srelab::resilience {

enum class BreakerMode { normal, forced_open, disabled };

// What the fallback answers when it has no stale copy of the product: the guide's Part 4.2 says
// "200 with emergency data" (an emergency record naming the fields it cannot give), and `error`
// keeps the failure (503 Circuit Open, or the database's error) for those who want to see it.
enum class FallbackWithoutCopy { emergency, error };

struct ResilienceSettings {
  BreakerSettings breaker;
  BreakerMode mode = BreakerMode::normal;
  std::chrono::milliseconds db_pool_timeout{1000};  // 0..60 s
  bool fallback_enabled = true;
  FallbackWithoutCopy fallback_without_copy = FallbackWithoutCopy::emergency;
};

// Keys (JSON): "failure_rate_threshold" (0<x≤1), "slow_call_rate_threshold" (0<x≤1),
// "slow_call_duration_s" (0.001..600), "open_wait_s" (0.001..3600), "window_size" (1..1000),
// "minimum_calls" (1..window_size), "half_open_calls" (1..100), "mode" ("normal",
// "forced_open", "disabled"), "db_pool_timeout_s" (0..60), "fallback_enabled" (bool),
// "fallback_without_copy" ("emergency", "error").
std::optional<ResilienceSettings> merge_resilience_settings(const ResilienceSettings& current,
                                                            std::string_view body,
                                                            FieldError& error);

boost::json::object to_json(const ResilienceSettings& settings);

}  // namespace srelab::resilience
