#include "chaos/chaos_settings.hpp"

#include "core/json_fields.hpp"
#include "core/random.hpp"

namespace srelab::chaos {

std::optional<ChaosSettings> merge_chaos_settings(const ChaosSettings& current,
                                                  std::string_view body, FieldError& error) {
  const std::optional<boost::json::object> object = parse_json_object(body, error);
  if (!object) return std::nullopt;

  // The JSON keys name the unit in the text of the API (seconds), not in the key: "db_latency".
  JsonFields fields(*object,
                    {"db_latency", "db_failure_rate", "cache_latency", "cache_failure_rate",
                     "saturation_ms_per_query", "duration_s", "seed"});
  ChaosSettings merged = current;
  fields.number("db_latency", 0, 60, merged.db_latency_s);
  fields.number("db_failure_rate", 0, 1, merged.db_failure_rate);
  fields.number("cache_latency", 0, 10, merged.cache_latency_s);
  fields.number("cache_failure_rate", 0, 1, merged.cache_failure_rate);
  fields.number("saturation_ms_per_query", 0, 10000, merged.saturation_ms_per_query);
  fields.number("duration_s", 0, 86400, merged.duration_s, LowerBound::exclusive);
  fields.integer("seed", std::uint64_t{0}, kMaxSeed, merged.seed);
  if (!fields.ok()) {
    error = *fields.error();
    return std::nullopt;
  }
  return merged;
}

boost::json::object to_json(const ChaosSettings& settings) {
  boost::json::object out;
  out["db_latency"] = settings.db_latency_s;
  out["db_failure_rate"] = settings.db_failure_rate;
  out["cache_latency"] = settings.cache_latency_s;
  out["cache_failure_rate"] = settings.cache_failure_rate;
  out["saturation_ms_per_query"] = settings.saturation_ms_per_query;
  out["duration_s"] = settings.duration_s ? boost::json::value(*settings.duration_s) : nullptr;
  out["seed"] = settings.seed ? boost::json::value(*settings.seed) : nullptr;
  return out;
}

}  // namespace srelab::chaos
