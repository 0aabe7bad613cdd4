// What `up --prometheus` writes for its Prometheus: the recording rules made of a Grafana
// dashboard's queries (names, windows, one rule per query, quoting) and prometheus.yml.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "lab/prometheus_config.hpp"

namespace srelab::lab {
namespace {

using namespace std::chrono_literals;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr const char* kDashboard = R"json({"title": "t", "panels": [
  {"title": "Cache hit rate = hit / (hit + miss)", "targets": [
    {"refId": "A", "expr": "sum(rate(hit_total[$__rate_interval]))"}]},
  {"title": "DB query duration, db.query", "targets": [
    {"refId": "A", "legendFormat": "p50", "expr": "histogram_quantile(0.5, rate(q_bucket[$__rate_interval]))"},
    {"refId": "B", "legendFormat": "{{route}}", "expr": "q_count{route=~'/p/.*'}"},
    {"refId": "C", "expr": "q_sum"}]},
  {"title": "Cache hit rate, again", "targets": [
    {"refId": "A", "expr": "sum(rate(hit_total[$__rate_interval]))"}]},
  {"title": "Cache hit rate", "targets": [{"refId": "A", "expr": "miss_total"}]},
  {"title": "A row without queries"}]})json";

TEST(DashboardRecordingRules, NamedAfterTheirPanelAndLegend) {
  std::string error;
  const auto rules = dashboard_recording_rules(kDashboard, "30s", error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(rules.size(), 5u);
  EXPECT_EQ(rules[0].record, "sre_lab:cache_hit_rate");
  EXPECT_EQ(rules[0].expr, "sum(rate(hit_total[30s]))");
  EXPECT_EQ(rules[0].panel, "Cache hit rate = hit / (hit + miss)");
  EXPECT_EQ(rules[1].record, "sre_lab:db_query_duration:p50");
  EXPECT_EQ(rules[1].expr, "histogram_quantile(0.5, rate(q_bucket[30s]))");
  EXPECT_EQ(rules[2].record, "sre_lab:db_query_duration:route") << "the legend's letters";
  EXPECT_EQ(rules[3].record, "sre_lab:db_query_duration:c") << "no legend: the refId";
  // The query a second panel repeats is recorded once; another query under a taken name gets
  // a suffix, as Prometheus refuses two rules of one name that differ.
  EXPECT_EQ(rules[4].record, "sre_lab:cache_hit_rate_2");
  EXPECT_EQ(rules[4].expr, "miss_total");
}

TEST(DashboardRecordingRules, AnythingButADashboardIsAnError) {
  for (const char* text : {"", "not json", "[]", R"({"panels": {}})", R"({"panels": []})"}) {
    std::string error;
    EXPECT_TRUE(dashboard_recording_rules(text, "1m", error).empty()) << text;
    EXPECT_NE(error, "") << text;
  }
}

TEST(DashboardRecordingRules, RenderedAsOneGroupQuotedForYaml) {
  const std::string text = render_recording_rules(
      {{"sre_lab:x", "q_count{route=~'/p/.*'}", "Panel X"}, {"sre_lab:y", "y", "Panel Y"}}, 2s);
  EXPECT_TRUE(has(text, "groups:\n  - name: sre-lab-dashboard\n    interval: 2s\n    rules:\n"))
      << text;
  EXPECT_TRUE(has(text,
                  "      # Panel X\n      - record: sre_lab:x\n"
                  "        expr: 'q_count{route=~''/p/.*''}'\n"))
      << text;
  EXPECT_TRUE(has(text, "      - record: sre_lab:y\n        expr: 'y'\n")) << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// %XX escapes decoded, as a browser does with the guide's graph links.
std::string percent_decoded(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The names the guide quotes come from the shipped dashboard's titles: renaming a panel fails here.
TEST(DashboardRecordingRules, TheShippedDashboardGivesTheGuidesNames) {
  std::string error;
  const auto rules = dashboard_recording_rules(
      read_file(std::string(SRE_LAB_DASHBOARDS_DIR) + "/grafana/sre-lab.json"), "30s", error);
  EXPECT_EQ(error, "");
  std::map<std::string, std::string> by_name;
  for (const auto& rule : rules) {
    EXPECT_FALSE(has(rule.expr, "$__")) << rule.expr;
    EXPECT_TRUE(by_name.emplace(rule.record, rule.expr).second) << "twice: " << rule.record;
  }
  EXPECT_TRUE(has(by_name["sre_lab:cache_hit_rate"], "catalog_cache_hit_total[30s]"));

  const std::string guide = read_file(std::string(SRE_LAB_DOCS_DIR) + "/lab-guide.md");
  const std::regex name("sre_lab:[a-z0-9_:]*[a-z0-9]");
  int named = 0;
  for (std::sregex_iterator it(guide.begin(), guide.end(), name), end; it != end; ++it, ++named)
    EXPECT_TRUE(by_name.contains(it->str())) << "the guide names " << it->str();
  EXPECT_GE(named, 5);

  // Each graph link opens the query its text shows.
  const std::regex link(
      R"(\[`([^`]+)`\]\(http://127\.0\.0\.1:9090/graph\?g0\.expr=([^&)]+)&g0\.tab=0\))");
  int links = 0;
  for (std::sregex_iterator it(guide.begin(), guide.end(), link), end; it != end; ++it, ++links)
    EXPECT_EQ(percent_decoded((*it)[2].str()), (*it)[1].str());
  EXPECT_GE(links, 5);
}

TEST(PrometheusConfig, ScrapesEveryReplicaOftenWithTheRules) {
  PrometheusConfigSettings settings;
  settings.service_targets = {"127.0.0.1:8000", "127.0.0.1:8001"};
  settings.rules_file = "/lab/prometheus/rules.yml";
  const std::string text = render_prometheus_config(settings);
  EXPECT_TRUE(has(text, "  scrape_interval: 2s\n")) << text;
  EXPECT_TRUE(has(text, "  evaluation_interval: 2s\n")) << text;
  EXPECT_TRUE(has(text, "rule_files:\n  - '/lab/prometheus/rules.yml'\n")) << text;
  EXPECT_TRUE(has(text, "  - job_name: sre-lab\n    metrics_path: /metrics\n")) << text;
  EXPECT_TRUE(has(text, "          - '127.0.0.1:8000'\n          - '127.0.0.1:8001'\n")) << text;
  EXPECT_EQ(text.find("job_name:"), text.rfind("job_name:")) << "one job: " << text;

  settings.scrape_interval = 500ms;
  EXPECT_TRUE(has(render_prometheus_config(settings), "  scrape_interval: 500ms\n"));
}

}  // namespace
}  // namespace srelab::lab
