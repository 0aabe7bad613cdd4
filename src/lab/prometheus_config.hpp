// The texts `up --prometheus` gives its Prometheus: prometheus.yml (what to scrape, how often,
// which rules) and the recording rules, one per query of the shipped Grafana dashboard
// (dashboards/grafana/sre-lab.json, embedded in the binary), so the guide's panels have one home
// and Prometheus evaluates them as the dashboard draws them. No I/O here: lab/prometheus_server
// writes the files, a unit test reads the texts, and the dashboards' test checks the rules with
// promtool.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace srelab::lab {

struct RecordingRule {
  std::string record;  // e.g. sre_lab:cache_hit_rate
  std::string expr;
  std::string panel;  // the dashboard panel's title, written beside it
};

// Grafana's $__rate_interval becomes `rate_window` (Prometheus' own syntax: "30s", "1m"). Names
// are `sre_lab:` and the panel's title up to its first ',', ':', '(' or '=', then, when the panel
// has several queries, ':' and the query's legend: sre_lab:db_query_duration:p95. A query that
// two panels share is recorded once. Empty, with `error` set, for a text that is no dashboard.
std::vector<RecordingRule> dashboard_recording_rules(std::string_view grafana_json,
                                                     std::string_view rate_window,
                                                     std::string& error);

std::string render_recording_rules(const std::vector<RecordingRule>& rules,
                                   std::chrono::milliseconds evaluation_interval);

// The gateway is scraped through the service: its gateway_* metrics are read from HAProxy's
// access log (docs/gateway.md says why not from HAProxy's own exporter).
struct PrometheusConfigSettings {
  std::vector<std::string> service_targets;  // host:port of each replica's /metrics
  std::chrono::milliseconds scrape_interval{2000};
  std::filesystem::path rules_file;
};

std::string render_prometheus_config(const PrometheusConfigSettings& settings);

}  // namespace srelab::lab
