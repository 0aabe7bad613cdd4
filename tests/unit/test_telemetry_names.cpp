// Metric names in both dialects: the Prometheus name derived from a dotted name, the name and
// label validators, DogStatsD sanitizing, and how numbers are written.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "telemetry/metrics/metric_names.hpp"

namespace srelab::telemetry {
namespace {

struct DerivationCase {
  const char* dotted;
  Unit unit;
  MetricType type;
  const char* expected;
};

TEST(DerivePrometheusName, FollowsTheNamingPractice) {
  const DerivationCase cases[] = {
      {"catalog.cache.hit", Unit::none, MetricType::counter, "catalog_cache_hit_total"},
      {"catalog.cache.miss", Unit::none, MetricType::counter, "catalog_cache_miss_total"},
      {"catalog.db.query.duration", Unit::seconds, MetricType::histogram,
       "catalog_db_query_duration_seconds"},
      {"catalog.app.memory_leak_size", Unit::bytes, MetricType::gauge,
       "catalog_app_memory_leak_size_bytes"},
      {"process.cpu", Unit::seconds, MetricType::counter, "process_cpu_seconds_total"},
      {"http.server.sent", Unit::bytes, MetricType::counter, "http_server_sent_bytes_total"},
      {"db.pool.utilization", Unit::ratio, MetricType::gauge, "db_pool_utilization_ratio"},
      {"db.pool.active", Unit::none, MetricType::gauge, "db_pool_active"},
      // suffixes already there are not doubled
      {"http.requests.total", Unit::none, MetricType::counter, "http_requests_total"},
      {"load.wait.seconds", Unit::seconds, MetricType::histogram, "load_wait_seconds"},
      {"process.cpu.seconds.total", Unit::seconds, MetricType::counter,
       "process_cpu_seconds_total"},
      // anything outside [A-Za-z0-9_:] becomes '_'; a leading digit gets a '_' in front
      {"http.server-errors", Unit::none, MetricType::counter, "http_server_errors_total"},
      {"a b/c", Unit::none, MetricType::gauge, "a_b_c"},
      {"ns:metric.x", Unit::none, MetricType::gauge, "ns:metric_x"},
      {"5xx.responses", Unit::none, MetricType::counter, "_5xx_responses_total"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(derive_prometheus_name(c.dotted, c.unit, c.type), c.expected) << c.dotted;
    EXPECT_TRUE(is_valid_prometheus_name(derive_prometheus_name(c.dotted, c.unit, c.type)));
  }
}

TEST(PrometheusNameValidity, AcceptsOnlyTheFormatsAlphabet) {
  const std::pair<const char*, bool> cases[] = {
      {"up", true},  {"a_b:c_total", true}, {"_x", true},   {":x", true},   {"", false},
      {"1x", false}, {"a.b", false},        {"a-b", false}, {"a b", false}, {"é", false},
  };
  for (const auto& [name, valid] : cases) EXPECT_EQ(is_valid_prometheus_name(name), valid) << name;
}

TEST(LabelNameValidity, RefusesReservedAndMalformedNames) {
  const std::pair<const char*, bool> cases[] = {
      {"route", true}, {"status_code", true}, {"_x", true},   {"X9", true},
      {"", false},     {"9x", false},         {"__x", false}, {"le", false},
      {"a:b", false},  {"a.b", false},        {"a-b", false},
  };
  for (const auto& [name, valid] : cases) EXPECT_EQ(is_valid_label_name(name), valid) << name;
}

TEST(DogStatsdSanitizing, NamesKeepLettersDigitsUnderscoreAndDot) {
  EXPECT_EQ(sanitize_dogstatsd_name("catalog.cache.hit"), "catalog.cache.hit");
  EXPECT_EQ(sanitize_dogstatsd_name("cache hit|c:1#x\n"), "cache_hit_c_1_x_");
  EXPECT_EQ(sanitize_dogstatsd_name("a-b/c"), "a_b_c");
}

TEST(DogStatsdSanitizing, TagsLoseOnlyTheProtocolsSeparators) {
  EXPECT_EQ(sanitize_dogstatsd_tag("GET /products/{id}"), "GET /products/{id}");
  EXPECT_EQ(sanitize_dogstatsd_tag("host:8080"), "host:8080");
  EXPECT_EQ(sanitize_dogstatsd_tag("a|b,c#d\ne\rf"), "a_b_c_d_e_f");
}

TEST(FormatNumber, WritesTheShortestRoundTrip) {
  const std::pair<double, const char*> cases[] = {
      {0, "0"},
      {3, "3"},
      {0.005, "0.005"},
      {0.0005, "0.0005"},
      {2.5, "2.5"},
      {-1.5, "-1.5"},
      {1048576, "1048576"},
      {0.1 + 0.2, "0.30000000000000004"},
      {0.000001, "0.000001"},
      {1.5e-6, "0.0000015"},
      {1e-7, "1e-07"},
      {-2.5e-9, "-2.5e-09"},
      {1e20, "100000000000000000000"},
      {1e21, "1e+21"},
      {1.5e300, "1.5e+300"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
  };
  for (const auto& [value, text] : cases) EXPECT_EQ(format_number(value), text);
}

TEST(FormatNumber, ReadsBackAsTheSameDouble) {
  for (double value : {0.1, 1.0 / 3, 123456.789, 5e-324, 1.7976931348623157e308, 2.0 / 7e-9,
                       -1.0 / 3e5, 1.0 / 3e-19, 7.0 / 3e-21}) {
    EXPECT_EQ(std::strtod(format_number(value).c_str(), nullptr), value) << format_number(value);
  }
}

TEST(TypeAndUnitText, AreTheFormatsWords) {
  EXPECT_EQ(to_string(MetricType::counter), "counter");
  EXPECT_EQ(to_string(MetricType::gauge), "gauge");
  EXPECT_EQ(to_string(MetricType::histogram), "histogram");
  EXPECT_EQ(to_string(Unit::none), "");
  EXPECT_EQ(to_string(Unit::seconds), "seconds");
  EXPECT_EQ(to_string(Unit::bytes), "bytes");
  EXPECT_EQ(to_string(Unit::ratio), "ratio");
}

}  // namespace
}  // namespace srelab::telemetry
