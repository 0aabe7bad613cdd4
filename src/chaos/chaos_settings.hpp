// The chaos settings a learner sets with POST /chaos/configure, validated and merged: the body is
// a JSON object whose keys are merged into the current settings; an unknown key, a wrong type or a
// value out of range rejects the whole request (nothing changes) with an error naming the key and
// the accepted range.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/field_error.hpp"

namespace srelab::chaos {

struct ChaosSettings {
  double db_latency_s = 0;              // 0..60: added to every database query, inside Postgres
  double db_failure_rate = 0;           // 0..1: share of database queries that fail
  double cache_latency_s = 0;           // 0..10: added to every Redis command
  double cache_failure_rate = 0;        // 0..1: share of Redis commands that fail
  double saturation_ms_per_query = 50;  // ≥ 0 (≤ 10000): see resilience/saturation.hpp
  std::optional<double> duration_s;   // 0 < x ≤ 86400: the faults revert by themselves after this
  std::optional<std::uint64_t> seed;  // makes the failure draws repeatable

  bool operator==(const ChaosSettings&) const = default;
};

// `current` with the keys of `body` (raw request text) merged in, or the error. A key given as
// null clears an optional (duration_s, seed); an empty body is {} and changes nothing. The JSON
// keys are the field names without "_s" for the latencies: "db_latency", "cache_latency". When
// several keys are bad, the error names an unknown key first, else the first bad one in the
// order of the fields above. Reading rules (integers are numbers, booleans are not, a seed may be
// written 7.0): core/json_fields.hpp.
std::optional<ChaosSettings> merge_chaos_settings(const ChaosSettings& current,
                                                  std::string_view body, FieldError& error);

boost::json::object to_json(const ChaosSettings& settings);

}  // namespace srelab::chaos
