// The shipped dashboards and monitors (dashboards/) against the service that feeds them: every
// metric a query names is one the running service exposes — under its DogStatsD name for Datadog
// (a histogram as a distribution under its own name), under its /metrics name for Prometheus —
// with tags and labels it really carries, so renaming a metric or a label fails here. Also the
// structure an import needs: titles, a definition and queries per widget, formulas that use
// their own queries, monitor thresholds that match their queries; and the Agent's log
// configuration pointing at the file `up` writes.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "lab/prometheus_config.hpp"
#include "support/dashboard_queries.hpp"
#include "support/service_fixture.hpp"
#include "telemetry/metrics/metric_names.hpp"

namespace srelab::app {
namespace {

namespace json = boost::json;
using namespace srelab::testing;
using telemetry::MetricType;

const std::filesystem::path kDashboards = SRE_LAB_DASHBOARDS_DIR;

json::value read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value value = json::parse(text.str(), ec);
  EXPECT_FALSE(ec) << path << ": " << ec.message();
  return value;
}

std::string text_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

// What the service exposes, read from the running service: its registry (names, types, label
// names and values) and a scrape of its /metrics.
struct Exposed {
  struct Family {
    MetricType type;
    std::vector<std::string> labels;
    std::map<std::string, std::set<std::string>> values;  // label → values of its series
  };
  std::map<std::string, Family> by_dogstatsd_name;
  std::map<std::string, Family> by_sample_name;  // Prometheus: x, or x_bucket/_sum/_count
  std::set<std::string> scraped;                 // sample names in the /metrics text
};

Exposed exposed_by(const telemetry::RegistrySnapshot& snapshot, const std::string& scrape) {
  Exposed exposed;
  for (const auto& family : snapshot) {
    Exposed::Family entry{family.type, family.info.labels, {}};
    for (const auto& series : family.series)
      for (std::size_t i = 0; i < series.label_values.size(); ++i)
        entry.values[family.info.labels[i]].insert(series.label_values[i]);
    exposed.by_dogstatsd_name[telemetry::sanitize_dogstatsd_name(family.info.name)] = entry;
    const std::string& name = family.info.prometheus_name;
    if (family.type != MetricType::histogram) {
      exposed.by_sample_name[name] = entry;
      continue;
    }
    exposed.by_sample_name[name + "_sum"] = entry;
    exposed.by_sample_name[name + "_count"] = entry;
    entry.labels.push_back("le");
    exposed.by_sample_name[name + "_bucket"] = entry;
  }
  std::istringstream lines(scrape);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.front() == '#') continue;
    exposed.scraped.insert(line.substr(0, line.find_first_of("{ ")));
  }
  return exposed;
}

// The constant tags DogStatsD adds to every metric (dd-service defaults to sre-lab).
const std::map<std::string, std::string> kConstantTags{
    {"service", "sre-lab"}, {"env", "*"}, {"version", "*"}, {"host", "*"}};

// Problems with one Datadog query string; `where` names it in the messages.
void check_datadog_query(const std::string& query, const Exposed& exposed, const std::string& where,
                         std::vector<std::string>& problems) {
  const auto refs = datadog_metric_refs(query);
  if (refs.empty()) problems.push_back(where + ": no metric in '" + query + "'");
  for (const DatadogMetricRef& ref : refs) {
    const std::string at = where + " (" + ref.name + ")";
    const auto found = exposed.by_dogstatsd_name.find(ref.name);
    if (found == exposed.by_dogstatsd_name.end()) {
      problems.push_back(at + ": the service sends no metric named " + ref.name);
      continue;
    }
    const Exposed::Family& family = found->second;
    if (ref.aggregator.front() == 'p' && family.type != MetricType::histogram)
      problems.push_back(at + ": percentiles need a distribution (a histogram)");
    if (!ref.function.empty() && family.type != MetricType::counter)
      problems.push_back(at + ": ." + ref.function + "() needs a count");
    auto check_key = [&](const std::string& key) {
      const bool known =
          kConstantTags.contains(key) ||
          std::find(family.labels.begin(), family.labels.end(), key) != family.labels.end();
      if (!known) problems.push_back(at + ": no tag " + key);
      return known;
    };
    for (std::string item : ref.scope) {
      if (item == "*" || item.front() == '$') continue;  // everything, a template variable
      if (item.front() == '!') item.erase(0, 1);
      const auto colon = item.find(':');
      if (colon == std::string::npos) {
        problems.push_back(at + ": scope item without a key: " + item);
        continue;
      }
      const std::string key = item.substr(0, colon);
      const std::string pattern = item.substr(colon + 1);
      if (!check_key(key)) continue;
      std::vector<std::string> values;
      if (const auto constant = kConstantTags.find(key); constant != kConstantTags.end()) {
        if (constant->second == "*") continue;
        values.push_back(constant->second);
      } else if (const auto label = family.values.find(key); label != family.values.end()) {
        values.assign(label->second.begin(), label->second.end());
      }
      const bool matched = std::any_of(values.begin(), values.end(), [&](const std::string& v) {
        return glob_matches(pattern, datadog_tag_value(v));
      });
      if (!matched) problems.push_back(at + ": no series has " + item);
    }
    for (const std::string& key : ref.group_by) check_key(key);
  }
}

std::vector<std::string> check_datadog_dashboard(const json::value& dashboard,
                                                 const Exposed& exposed) {
  std::vector<std::string> problems;
  const json::object& root = dashboard.as_object();
  if (text_of(root, "title").empty()) problems.push_back("the dashboard has no title");
  const std::string layout = text_of(root, "layout_type");
  if (layout != "ordered" && layout != "free") problems.push_back("layout_type: " + layout);
  const auto* widgets = root.if_contains("widgets");
  if (!widgets || !widgets->is_array() || widgets->as_array().empty()) {
    problems.push_back("no widgets");
    return problems;
  }
  int index = 0;
  for (const json::value& widget : widgets->as_array()) {
    const std::string where = "widget " + std::to_string(index++);
    const auto* definition = widget.as_object().if_contains("definition");
    if (!definition || !definition->is_object()) {
      problems.push_back(where + ": no definition");
      continue;
    }
    const json::object& d = definition->as_object();
    const std::string title = text_of(d, "title");
    const std::string at = where + " '" + title + "'";
    if (title.empty()) problems.push_back(where + ": no title");
    const std::string type = text_of(d, "type");
    if (type != "timeseries" && type != "query_value") problems.push_back(at + ": type " + type);
    const auto* requests = d.if_contains("requests");
    if (!requests || !requests->is_array() || requests->as_array().empty()) {
      problems.push_back(at + ": no requests");
      continue;
    }
    for (const json::value& request : requests->as_array()) {
      const json::object& r = request.as_object();
      if (const std::string q = text_of(r, "q"); !q.empty()) {
        check_datadog_query(q, exposed, at, problems);
        continue;
      }
      const auto* queries = r.if_contains("queries");
      if (!queries || !queries->is_array() || queries->as_array().empty()) {
        problems.push_back(at + ": a request without queries");
        continue;
      }
      std::set<std::string> names;
      for (const json::value& query : queries->as_array()) {
        const json::object& q = query.as_object();
        if (text_of(q, "data_source") != "metrics")
          problems.push_back(at + ": data_source " + text_of(q, "data_source"));
        names.insert(text_of(q, "name"));
        check_datadog_query(text_of(q, "query"), exposed, at, problems);
      }
      const auto* formulas = r.if_contains("formulas");
      if (!formulas || !formulas->is_array() || formulas->as_array().empty())
        problems.push_back(at + ": a request without formulas");
      else
        for (const json::value& formula : formulas->as_array())
          for (const std::string& name : formula_names(text_of(formula.as_object(), "formula")))
            if (!names.contains(name))
              problems.push_back(at + ": the formula uses '" + name + "', not a query of its own");
    }
  }
  return problems;
}

std::vector<std::string> check_monitors(const json::value& monitors, const Exposed& exposed) {
  std::vector<std::string> problems;
  if (!monitors.is_array() || monitors.as_array().empty()) return {"no monitors"};
  // The comparison that ends a monitor query: `… > 0.5`.
  static const std::regex comparison(R"re((>=|<=|>|<)\s*(-?[0-9.eE+]+)\s*$)re");
  for (const json::value& monitor : monitors.as_array()) {
    const json::object& m = monitor.as_object();
    const std::string name = text_of(m, "name");
    const std::string at = "monitor '" + name + "'";
    if (name.empty()) problems.push_back("a monitor without a name");
    if (text_of(m, "message").empty()) problems.push_back(at + ": no message");
    const std::string type = text_of(m, "type");
    if (type != "query alert" && type != "metric alert") problems.push_back(at + ": type " + type);
    const std::string query = text_of(m, "query");
    check_datadog_query(query, exposed, at, problems);
    std::smatch match;
    const auto* critical =
        m.if_contains("options") ? m.at("options").as_object().if_contains("thresholds") : nullptr;
    if (!std::regex_search(query, match, comparison)) {
      problems.push_back(at + ": the query ends in no comparison");
    } else if (!critical || !critical->as_object().contains("critical")) {
      problems.push_back(at + ": no critical threshold");
    } else if (critical->as_object().at("critical").to_number<double>() !=
               std::stod(match[2].str())) {
      problems.push_back(at + ": the critical threshold is not the query's " + match[2].str());
    }
  }
  return problems;
}

void check_promql(const std::string& expr, const Exposed& exposed, const std::string& at,
                  std::vector<std::string>& problems) {
  const auto selectors = promql_selectors(expr);
  if (selectors.empty()) problems.push_back(at + ": no metric in '" + expr + "'");
  for (const PromSelector& selector : selectors) {
    const auto found = exposed.by_sample_name.find(selector.name);
    if (found == exposed.by_sample_name.end()) {
      problems.push_back(at + ": the service exposes no " +
                         (selector.name.empty() ? "nameless selector" : selector.name));
      continue;
    }
    if (!exposed.scraped.contains(selector.name))
      problems.push_back(at + ": " + selector.name + " is not in a scrape of /metrics");
    const Exposed::Family& family = found->second;
    for (const PromMatcher& matcher : selector.matchers) {
      const std::string item =
          selector.name + "{" + matcher.label + matcher.op + "\"" + matcher.value + "\"}";
      if (std::find(family.labels.begin(), family.labels.end(), matcher.label) ==
          family.labels.end()) {
        problems.push_back(at + ": no label " + matcher.label + " in " + item);
        continue;
      }
      if (matcher.label == "le" || matcher.op.front() == '!') continue;
      const auto values = family.values.find(matcher.label);
      const std::regex pattern(matcher.op == "=~" ? matcher.value : std::string());
      const bool matched =
          values != family.values.end() &&
          std::any_of(values->second.begin(), values->second.end(), [&](const std::string& v) {
            return matcher.op == "=" ? v == matcher.value : std::regex_match(v, pattern);
          });
      if (!matched) problems.push_back(at + ": no series matches " + item);
    }
  }
}

std::vector<std::string> check_grafana_dashboard(const json::value& dashboard,
                                                 const Exposed& exposed) {
  std::vector<std::string> problems;
  const json::object& root = dashboard.as_object();
  if (text_of(root, "title").empty()) problems.push_back("the dashboard has no title");
  const auto* panels = root.if_contains("panels");
  if (!panels || !panels->is_array() || panels->as_array().empty()) return {"no panels"};
  int index = 0;
  for (const json::value& panel : panels->as_array()) {
    const json::object& p = panel.as_object();
    const std::string title = text_of(p, "title");
    const std::string at = "panel " + std::to_string(index++) + " '" + title + "'";
    if (title.empty()) problems.push_back(at + ": no title");
    if (text_of(p, "type").empty()) problems.push_back(at + ": no type");
    const auto* targets = p.if_contains("targets");
    if (!targets || !targets->is_array() || targets->as_array().empty()) {
      problems.push_back(at + ": no targets");
      continue;
    }
    for (const json::value& target : targets->as_array())
      check_promql(text_of(target.as_object(), "expr"), exposed, at, problems);
  }
  return problems;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string text;
  for (const std::string& problem : problems) text += "\n  " + problem;
  return text;
}

class DashboardsTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    exposed_ = exposed_by(service_->registry().snapshot(), get("/metrics").body);
  }
  Exposed exposed_;
};

TEST_F(DashboardsTest, TheDatadogDashboardQueriesOnlyWhatTheServiceSends) {
  const json::value dashboard = read_json(kDashboards / "datadog" / "sre-lab.json");
  ASSERT_TRUE(dashboard.is_object());
  const auto problems = check_datadog_dashboard(dashboard, exposed_);
  EXPECT_TRUE(problems.empty()) << joined(problems);

  // The guide's panels are all there.
  std::set<std::string> names;
  for (const json::value& widget : dashboard.at("widgets").as_array())
    for (const json::value& request : widget.at("definition").at("requests").as_array())
      for (const json::value& query : request.at("queries").as_array())
        for (const auto& ref : datadog_metric_refs(text_of(query.as_object(), "query")))
          names.insert(ref.aggregator + ":" + ref.name);
  for (const char* panel :
       {"p95:http.server.request.duration", "sum:http.server.requests", "sum:catalog.cache.hit",
        "sum:catalog.cache.miss", "avg:process.cpu.utilization", "p95:catalog.db.query.duration",
        "max:catalog.db.pool.connections", "max:resilience.circuit_breaker.state",
        "sum:catalog.fallback", "max:catalog.app.memory_leak_size"})
    EXPECT_TRUE(names.contains(panel)) << panel;
}

TEST_F(DashboardsTest, TheMonitorsQueryOnlyWhatTheServiceSends) {
  const json::value monitors = read_json(kDashboards / "datadog" / "monitors.json");
  const auto problems = check_monitors(monitors, exposed_);
  EXPECT_TRUE(problems.empty()) << joined(problems);
  ASSERT_TRUE(monitors.is_array());
  EXPECT_EQ(monitors.as_array().size(), 4u) << "P95, error rate, pool saturation, leak";
}

TEST_F(DashboardsTest, TheGrafanaDashboardQueriesOnlyWhatMetricsExposes) {
  const json::value dashboard = read_json(kDashboards / "grafana" / "sre-lab.json");
  ASSERT_TRUE(dashboard.is_object());
  const auto problems = check_grafana_dashboard(dashboard, exposed_);
  EXPECT_TRUE(problems.empty()) << joined(problems);
  std::set<std::string> names;
  for (const json::value& panel : dashboard.at("panels").as_array())
    for (const json::value& target : panel.at("targets").as_array())
      for (const auto& selector : promql_selectors(text_of(target.as_object(), "expr")))
        names.insert(selector.name);
  for (const char* panel :
       {"http_server_request_duration_seconds_bucket", "http_server_requests_total",
        "catalog_cache_hit_total", "catalog_cache_miss_total", "process_cpu_utilization_ratio",
        "catalog_db_query_duration_seconds_bucket", "catalog_db_pool_connections",
        "resilience_circuit_breaker_state", "catalog_fallback_total",
        "catalog_app_memory_leak_size_bytes"})
    EXPECT_TRUE(names.contains(panel)) << panel;
}

// Prometheus' own parser accepts every query, as the recording rules `up --prometheus` makes of
// them (promtool checks them offline), with Grafana's $__rate_interval as a fixed range.
TEST(GrafanaDashboard, PromtoolParsesEveryQueryAsUpRecordsIt) {
  std::ifstream in(kDashboards / "grafana" / "sre-lab.json");
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  const auto recorded = lab::dashboard_recording_rules(text.str(), "30s", error);
  ASSERT_FALSE(recorded.empty()) << error;
  const std::string rules = lab::render_recording_rules(recorded, std::chrono::seconds(2));
  const std::size_t count = recorded.size();
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("sre-lab-dashboard-rules-" + std::to_string(::getpid()) + ".yml");
  std::ofstream(file) << rules;
  const char* promtool = "/usr/bin/promtool";
  ASSERT_EQ(access(promtool, X_OK), 0) << "promtool comes with Debian's prometheus package";
  const std::string command = std::string(promtool) + " check rules " + file.string() + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string said;
  for (int c; (c = std::fgetc(pipe)) != EOF;) said += static_cast<char>(c);
  const int status = pclose(pipe);
  std::filesystem::remove(file);
  EXPECT_EQ(status, 0) << said;
  EXPECT_NE(said.find("SUCCESS: " + std::to_string(count) + " rules found"), std::string::npos)
      << said;
}

// The checks find what a rename or a typo would break.
constexpr const char* kBadDatadogDashboard = R"json({
  "title": "t", "layout_type": "ordered", "widgets": [
    {"definition": {"title": "a", "type": "timeseries", "requests": [{"queries": [
      {"data_source": "metrics", "name": "q", "query": "sum:catalog.cache.hits{service:sre-lab}"},
      {"data_source": "metrics", "name": "r", "query": "p95:catalog.cache.hit{service:sre-lab}"},
      {"data_source": "metrics", "name": "s",
       "query": "avg:catalog.db.pool.connections{state:busy}"},
      {"data_source": "metrics", "name": "t",
       "query": "avg:http.server.requests{route:/products/{id}}"},
      {"data_source": "metrics", "name": "u",
       "query": "avg:catalog.app.memory_leak_size{pod:x}.as_count()"},
      {"data_source": "metrics", "name": "v",
       "query": "avg:catalog.db.query.duration.p95{service:other}"}],
      "formulas": [{"formula": "q / missing"}]}]}},
    {"definition": {"type": "timeseries", "requests": []}},
    {}]})json";

constexpr const char* kBadGrafanaDashboard = R"json({
  "title": "t", "panels": [{"title": "a", "type": "timeseries", "targets": [
    {"expr": "rate(catalog_cache_hits_total[1m])"},
    {"expr": "sum by (le) (rate(catalog_db_query_duration_seconds_bucket{route=\"x\"}[5m]))"},
    {"expr": "catalog_db_pool_connections{state=\"busy\"}"},
    {"expr": "http_server_requests_total{status=~\"6..\"}"},
    {"expr": "1 + 2"}]}]})json";

constexpr const char* kBadMonitors = R"json([{
  "name": "m", "type": "query alert", "message": "x",
  "query": "avg(last_5m):avg:catalog.app.memory_leak_size{*} > 10",
  "options": {"thresholds": {"critical": 20}}}])json";

TEST_F(DashboardsTest, TheChecksCatchUnknownNamesTagsAndMisuse) {
  const auto problems =
      joined(check_datadog_dashboard(json::parse(kBadDatadogDashboard), exposed_));
  for (const char* expected :
       {"sends no metric named catalog.cache.hits", "percentiles need a distribution",
        "no series has state:busy", "no series has route:/products/{id", "no tag pod",
        "needs a count", "sends no metric named catalog.db.query.duration.p95", "uses 'missing'",
        "widget 1: no title", "widget 2: no definition"})
    EXPECT_NE(problems.find(expected), std::string::npos) << expected << " in" << problems;

  const auto prom_problems =
      joined(check_grafana_dashboard(json::parse(kBadGrafanaDashboard), exposed_));
  for (const char* expected : {"exposes no catalog_cache_hits_total", "no label route",
                               "no series matches catalog_db_pool_connections{state=\"busy\"}",
                               "status=~\"6..\"", "no metric in '1 + 2'"})
    EXPECT_NE(prom_problems.find(expected), std::string::npos)
        << expected << " in" << prom_problems;

  EXPECT_NE(joined(check_monitors(json::parse(kBadMonitors), exposed_)).find("not the query's 10"),
            std::string::npos);
}

TEST(DashboardQueries, DatadogReferencesAndTagValues) {
  const auto refs = datadog_metric_refs(
      "sum(last_5m):sum:http.server.requests{service:sre-lab,status:5*} by {route}.as_count() / "
      "sum:http.server.requests{service:sre-lab}.as_count() > 0.05");
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].aggregator, "sum");
  EXPECT_EQ(refs[0].name, "http.server.requests");
  EXPECT_EQ(refs[0].scope, (std::vector<std::string>{"service:sre-lab", "status:5*"}));
  EXPECT_EQ(refs[0].group_by, (std::vector<std::string>{"route"}));
  EXPECT_EQ(refs[0].function, "as_count");
  EXPECT_EQ(datadog_metric_refs("percentile(last_5m):p95:a.b{*} > 1").at(0).aggregator, "p95");
  EXPECT_EQ(datadog_tag_value("/products/{id}"), "/products/_id");
  EXPECT_EQ(datadog_tag_value("GET /Products"), "get_/products");
  EXPECT_TRUE(glob_matches("/products/*", "/products/bulk/test"));
  EXPECT_TRUE(glob_matches("5*", "503"));
  EXPECT_FALSE(glob_matches("5*", "200"));
  EXPECT_EQ(formula_names("100 * abs(hit) / (hit + miss2)"),
            (std::vector<std::string>{"hit", "hit", "miss2"}));
}

TEST(DashboardQueries, PromqlSelectorsLeaveOutFunctionsLabelsAndDurations) {
  const auto selectors = promql_selectors(
      "histogram_quantile(0.95, sum by (le, route) (rate(x_bucket{route=\"/p/{id}\", "
      "status=~\"5..\"}[$__rate_interval]))) / on (route) group_left y_total offset 5m and "
      "z:recorded");
  ASSERT_EQ(selectors.size(), 3u);
  EXPECT_EQ(selectors[0].name, "x_bucket");
  ASSERT_EQ(selectors[0].matchers.size(), 2u);
  EXPECT_EQ(selectors[0].matchers[0].value, "/p/{id}");
  EXPECT_EQ(selectors[0].matchers[1].op, "=~");
  EXPECT_EQ(selectors[1].name, "y_total");
  EXPECT_EQ(selectors[2].name, "z:recorded");
}

// The shipped Agent configuration tails the file `up` writes by default.
TEST(AgentLogConfig, TailsTheLogUpWritesAsTheService) {
  const YAML::Node config =
      YAML::LoadFile((kDashboards / "datadog" / "conf.d" / "sre_lab.d" / "conf.yaml").string());
  ASSERT_TRUE(config["logs"].IsSequence());
  ASSERT_EQ(config["logs"].size(), 1u);
  const YAML::Node log = config["logs"][0];
  EXPECT_EQ(log["type"].as<std::string>(), "file");
  EXPECT_EQ(log["service"].as<std::string>(), "sre-lab");
  EXPECT_FALSE(log["source"].as<std::string>().empty());
  const std::filesystem::path path = log["path"].as<std::string>();
  EXPECT_TRUE(path.is_absolute());
  EXPECT_EQ(path.filename(), "sre-lab.log");
  EXPECT_EQ(path.parent_path().filename(), ".lab") << "up's default state directory";
}

}  // namespace
}  // namespace srelab::app
