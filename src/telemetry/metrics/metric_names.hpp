// What a metric is called and how its values are written, in the two dialects the lab speaks:
// a dotted Datadog name ("catalog.cache.hit") for DogStatsD, and a Prometheus name derived from
// it ("catalog_cache_hit_total") for /metrics. The registry validates and derives names here at
// registration; the Prometheus renderer and the DogStatsD formatter sanitize and format with it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace srelab::telemetry {

enum class MetricType { counter, gauge, histogram };

// "counter", "gauge", "histogram": the words of a Prometheus # TYPE line.
std::string_view to_string(MetricType type);

// Base units only (Prometheus practice): durations are recorded in seconds, sizes in bytes.
enum class Unit { none, seconds, bytes, ratio };

// "", "seconds", "bytes", "ratio".
std::string_view to_string(Unit unit);

// What a metric family is; fixed at registration.
struct MetricInfo {
  std::string name;        // dotted Datadog name, e.g. "catalog.db.query.duration"
  std::string help;        // one line for # HELP; may contain anything (it is escaped)
  Unit unit = Unit::none;  // unit of the recorded values
  std::vector<std::string>
      labels;                   // label names, e.g. {"route", "status"}; also DogStatsD tag keys
  std::string prometheus_name;  // empty: derive_prometheus_name(name, unit, type)
};

// A MetricInfo from its parts, for registration code (the Prometheus name is derived).
MetricInfo metric_info(std::string name, std::string help, Unit unit = Unit::none,
                       std::vector<std::string> labels = {});

// The Prometheus name for a dotted name: every character outside [A-Za-z0-9_:] becomes '_'
// (a leading digit gets a '_' in front), then the unit suffix ("_seconds", "_bytes", "_ratio")
// and, for counters, "_total" are appended unless the name already ends with them:
//   ("catalog.cache.hit", none, counter)              → "catalog_cache_hit_total"
//   ("catalog.db.query.duration", seconds, histogram) → "catalog_db_query_duration_seconds"
std::string derive_prometheus_name(std::string_view dotted, Unit unit, MetricType type);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_prometheus_name(std::string_view name);

// [a-zA-Z_][a-zA-Z0-9_]* and not starting with "__" (reserved for Prometheus itself); "le" is
// also refused, as histograms add it.
bool is_valid_label_name(std::string_view name);

// DogStatsD metric names: every character outside [A-Za-z0-9_.] becomes '_'.
std::string sanitize_dogstatsd_name(std::string_view name);

// DogStatsD tag text: '|', ',', '#', '\r' and '\n' (which would end the tag, the tag list or
// the message) become '_'; everything else, including ':' in a value, is kept.
std::string sanitize_dogstatsd_tag(std::string_view text);

// A sample value as both formats parse it (Go's strconv.ParseFloat): the shortest text that
// reads back as the same double ("0.005", "3", "1e-07"), "+Inf", "-Inf" or "NaN".
std::string format_number(double value);
void append_number(std::string& out, double value);

}  // namespace srelab::telemetry
