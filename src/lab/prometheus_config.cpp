#include "lab/prometheus_config.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <set>

namespace srelab::lab {
namespace {

namespace json = boost::json;

std::string text_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

// Lower-case letters and digits, every other run of characters one '_': a name's part.
std::string slug(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string rule_name(const std::string& title, const json::object& target, bool several) {
  std::string name = "sre_lab:" + slug(title.substr(0, title.find_first_of(",:(=")));
  if (!several) return name;
  std::string legend = slug(text_of(target, "legendFormat"));
  if (legend.empty()) legend = slug(text_of(target, "refId"));
  return name + ":" + legend;
}

std::string with_window(std::string expr, std::string_view window) {
  constexpr std::string_view variable = "$__rate_interval";
  for (std::size_t at; (at = expr.find(variable)) != std::string::npos;)
    expr.replace(at, variable.size(), window);
  return expr;
}

// YAML's single-quoted scalar: a quote is written twice, nothing else is special.
std::string yaml_quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string duration(std::chrono::milliseconds interval) {
  const auto ms = interval.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

}  // namespace

std::vector<RecordingRule> dashboard_recording_rules(std::string_view grafana_json,
                                                     std::string_view rate_window,
                                                     std::string& error) {
  boost::system::error_code ec;
  const json::value dashboard = json::parse(grafana_json, ec);
  const json::value* panels =
      ec || !dashboard.is_object() ? nullptr : dashboard.as_object().if_contains("panels");
  if (!panels || !panels->is_array()) {
    error = "the Grafana dashboard is not JSON with panels";
    return {};
  }
  std::vector<RecordingRule> rules;
  std::set<std::string> exprs;
  std::set<std::string> names;
  for (const json::value& panel : panels->as_array()) {
    if (!panel.is_object()) continue;
    const std::string title = text_of(panel.as_object(), "title");
    const json::value* targets = panel.as_object().if_contains("targets");
    if (!targets || !targets->is_array()) continue;
    const bool several = targets->as_array().size() > 1;
    for (const json::value& target : targets->as_array()) {
      if (!target.is_object()) continue;
      std::string expr = with_window(text_of(target.as_object(), "expr"), rate_window);
      if (expr.empty() || !exprs.insert(expr).second) continue;
      std::string name = rule_name(title, target.as_object(), several);
      // Two different queries under one name would make Prometheus refuse both.
      for (int k = 2; names.contains(name); ++k)
        name = rule_name(title, target.as_object(), several) + "_" + std::to_string(k);
      names.insert(name);
      rules.push_back({name, std::move(expr), title});
    }
  }
  if (rules.empty()) error = "the Grafana dashboard has no queries";
  return rules;
}

std::string render_recording_rules(const std::vector<RecordingRule>& rules,
                                   std::chrono::milliseconds evaluation_interval) {
  std::string text;
  text +=
      "# The guide's panels as recording rules, written by `sre-lab up --prometheus` from the\n";
  text += "# queries of dashboards/grafana/sre-lab.json. Query them by name in the graph UI.\n";
  text += "groups:\n";
  text += "  - name: sre-lab-dashboard\n";
  text += "    interval: " + duration(evaluation_interval) + "\n";
  text += "    rules:\n";
  for (const RecordingRule& rule : rules) {
    text += "      # " + rule.panel + "\n";
    text += "      - record: " + rule.record + "\n";
    text += "        expr: " + yaml_quoted(rule.expr) + "\n";
  }
  return text;
}

std::string render_prometheus_config(const PrometheusConfigSettings& settings) {
  const std::string interval = duration(settings.scrape_interval);
  std::string text;
  text +=
      "# The lab's Prometheus, written by `sre-lab up --prometheus`. A short scrape interval,\n";
  text += "# so a fault injected in the guide shows within seconds.\n";
  text += "global:\n";
  text += "  scrape_interval: " + interval + "\n";
  text += "  scrape_timeout: " + interval + "\n";
  text += "  evaluation_interval: " + interval + "\n";
  text += "rule_files:\n";
  text += "  - " + yaml_quoted(settings.rules_file.string()) + "\n";
  text += "scrape_configs:\n";
  text += "  - job_name: sre-lab\n";
  text += "    metrics_path: /metrics\n";
  text += "    static_configs:\n";
  text += "      - targets:\n";
  for (const std::string& target : settings.service_targets)
    text += "          - " + yaml_quoted(target) + "\n";
  return text;
}

}  // namespace srelab::lab
