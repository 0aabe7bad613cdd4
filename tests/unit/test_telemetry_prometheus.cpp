// The Prometheus text format: a small registry rendered to the exact expected text, escaping of
// help and label values, special values, and the shape of histograms with the default bounds
// (cumulative, increasing `le`, +Inf equal to _count, one contiguous group per family).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "telemetry/prometheus/prometheus_text.hpp"

namespace srelab::telemetry {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(PrometheusText, RendersASmallRegistryExactly) {
  Registry registry;
  CounterFamily& hits =
      registry.counter(MetricInfo{"catalog.cache.hit", "Cache hits.", Unit::none, {"route"}, ""});
  hits.with({"GET /products/{id}"}).inc(3);
  hits.with({"GET /products/bulk/test"});
  registry
      .gauge(MetricInfo{"catalog.app.memory_leak_size",
                        "Bytes held by the memory leak fault.",
                        Unit::bytes,
                        {},
                        ""})
      .with_callback({}, [] { return 1048576.0; });
  registry.gauge(MetricInfo{"http.server.in_flight", "Requests being served.", {}, {}, ""})
      .get()
      .set(2);
  HistogramFamily& queries = registry.histogram(
      MetricInfo{
          "catalog.db.query.duration", "Database query duration.", Unit::seconds, {"query"}, ""},
      HistogramLayout{{0.25, 0.5, 1}, 1e-6, 3600});
  Histogram& by_id = queries.with({"product.by_id"});
  for (double v : {0.125, 0.25, 0.75, 4.0}) by_id.observe(v);
  registry.counter(MetricInfo{"catalog.cache.error", "Cache errors.", {}, {"kind"}, ""});

  EXPECT_EQ(render_prometheus(registry),
            "# HELP catalog_app_memory_leak_size_bytes Bytes held by the memory leak fault.\n"
            "# TYPE catalog_app_memory_leak_size_bytes gauge\n"
            "catalog_app_memory_leak_size_bytes 1048576\n"
            "# HELP catalog_cache_error_total Cache errors.\n"
            "# TYPE catalog_cache_error_total counter\n"
            "# HELP catalog_cache_hit_total Cache hits.\n"
            "# TYPE catalog_cache_hit_total counter\n"
            "catalog_cache_hit_total{route=\"GET /products/bulk/test\"} 0\n"
            "catalog_cache_hit_total{route=\"GET /products/{id}\"} 3\n"
            "# HELP catalog_db_query_duration_seconds Database query duration.\n"
            "# TYPE catalog_db_query_duration_seconds histogram\n"
            "catalog_db_query_duration_seconds_bucket{query=\"product.by_id\",le=\"0.25\"} 2\n"
            "catalog_db_query_duration_seconds_bucket{query=\"product.by_id\",le=\"0.5\"} 2\n"
            "catalog_db_query_duration_seconds_bucket{query=\"product.by_id\",le=\"1\"} 3\n"
            "catalog_db_query_duration_seconds_bucket{query=\"product.by_id\",le=\"+Inf\"} 4\n"
            "catalog_db_query_duration_seconds_sum{query=\"product.by_id\"} 5.125\n"
            "catalog_db_query_duration_seconds_count{query=\"product.by_id\"} 4\n"
            "# HELP http_server_in_flight Requests being served.\n"
            "# TYPE http_server_in_flight gauge\n"
            "http_server_in_flight 2\n");
}

TEST(PrometheusText, EscapesHelpAndLabelValues) {
  EXPECT_EQ(escape_help("C:\\dir\nnext \"quoted\""), "C:\\\\dir\\nnext \"quoted\"");
  EXPECT_EQ(escape_label_value("C:\\dir\nnext \"quoted\""), "C:\\\\dir\\nnext \\\"quoted\\\"");

  Registry registry;
  registry
      .counter(
          MetricInfo{"errors", "Errors by \"kind\".\nSee C:\\docs.", {}, {"kind", "detail"}, ""})
      .with({"a\"b", "back\\slash\nnewline"})
      .inc();
  EXPECT_EQ(render_prometheus(registry),
            "# HELP errors_total Errors by \"kind\".\\nSee C:\\\\docs.\n"
            "# TYPE errors_total counter\n"
            "errors_total{kind=\"a\\\"b\",detail=\"back\\\\slash\\nnewline\"} 1\n");
}

TEST(PrometheusText, WritesSpecialValuesTheWayPrometheusParsesThem) {
  Registry registry;
  GaugeFamily& family = registry.gauge(MetricInfo{"g", "h", {}, {"v"}, ""});
  family.with({"nan"}).set(std::numeric_limits<double>::quiet_NaN());
  family.with({"pos"}).set(std::numeric_limits<double>::infinity());
  family.with({"neg"}).set(-std::numeric_limits<double>::infinity());
  family.with({"small"}).set(1e-9);
  family.with({"frac"}).set(0.1);
  EXPECT_EQ(render_prometheus(registry),
            "# HELP g h\n"
            "# TYPE g gauge\n"
            "g{v=\"frac\"} 0.1\n"
            "g{v=\"nan\"} NaN\n"
            "g{v=\"neg\"} -Inf\n"
            "g{v=\"pos\"} +Inf\n"
            "g{v=\"small\"} 1e-09\n");
}

TEST(PrometheusText, EmptyRegistryIsEmptyText) {
  Registry registry;
  EXPECT_EQ(render_prometheus(registry), "");
}

TEST(PrometheusText, DefaultHistogramBucketsAreCumulativeAndIncreasing) {
  Registry registry;
  HistogramFamily& family = registry.histogram(
      MetricInfo{"http.server.duration", "Request duration.", Unit::seconds, {"route"}, ""});
  Histogram& histogram = family.with({"GET /products/{id}"});
  int at_most_10ms = 0;
  for (int i = 0; i < 2000; ++i) {
    const double value = 1e-6 * i * i;  // 0 .. 4 s
    histogram.observe(value);
    at_most_10ms += value <= 0.01 ? 1 : 0;
  }

  const std::string text = render_prometheus(registry);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const std::vector<std::string> lines = lines_of(text);
  const std::string prefix =
      "http_server_duration_seconds_bucket{route=\"GET /products/{id}\",le=\"";
  const std::vector<std::string> expected_le = {"0.0005", "0.001", "0.0025", "0.005", "0.01",
                                                "0.025",  "0.05",  "0.1",    "0.25",  "0.5",
                                                "1",      "2.5",   "5",      "10",    "+Inf"};
  ASSERT_EQ(lines.size(), 2 + expected_le.size() + 2);
  double previous_bound = -1;
  double previous_count = -1;
  for (std::size_t i = 0; i < expected_le.size(); ++i) {
    const std::string& line = lines[2 + i];
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
    const std::string le =
        line.substr(prefix.size(), line.find('"', prefix.size()) - prefix.size());
    EXPECT_EQ(le, expected_le[i]);
    const double bound = le == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(le);
    const double count = std::stod(line.substr(line.rfind(' ') + 1));
    EXPECT_GT(bound, previous_bound);
    EXPECT_GE(count, previous_count) << line;
    previous_bound = bound;
    previous_count = count;
  }
  EXPECT_EQ(previous_count, 2000);  // +Inf holds everything
  EXPECT_EQ(lines[2 + expected_le.size()].rfind("http_server_duration_seconds_sum{", 0), 0u);
  EXPECT_EQ(lines.back(), "http_server_duration_seconds_count{route=\"GET /products/{id}\"} 2000");
  EXPECT_EQ(lines[2 + 4], prefix + "0.01\"} " + std::to_string(at_most_10ms));
}

TEST(PrometheusText, EachFamilyIsOneContiguousGroup) {
  Registry registry;
  for (const char* name : {"b.requests", "a.requests", "c.requests"}) {
    CounterFamily& family = registry.counter(MetricInfo{name, "h", {}, {"status"}, ""});
    for (const char* status : {"500", "200", "404"}) family.with({status}).inc();
    registry
        .histogram(MetricInfo{std::string(name) + ".duration", "h", Unit::seconds, {"status"}, ""})
        .with({"200"})
        .observe(0.01);
  }
  std::vector<std::string> groups;  // the family each line belongs to, collapsed
  for (const std::string& line : lines_of(render_prometheus(registry))) {
    std::string family;
    if (line.starts_with("# ")) {
      family = line.substr(7, line.find(' ', 7) - 7);  // "# HELP " and "# TYPE " are 7 chars
    } else {
      family = line.substr(0, line.find_first_of("{ "));
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (family.ends_with("_seconds" + std::string(suffix))) {
          family.resize(family.size() - std::string(suffix).size());
        }
      }
    }
    if (groups.empty() || groups.back() != family) groups.push_back(family);
  }
  EXPECT_EQ(groups, (std::vector<std::string>{"a_requests_duration_seconds", "a_requests_total",
                                              "b_requests_duration_seconds", "b_requests_total",
                                              "c_requests_duration_seconds", "c_requests_total"}));
}

}  // namespace
}  // namespace srelab::telemetry
