#include "load/report_files.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace srelab::load {
namespace {

namespace json = boost::json;

// Milliseconds, or null when there was nothing to measure.
json::value ms(double seconds) {
  if (std::isnan(seconds)) return nullptr;
  return seconds * 1000;
}

json::object latency(const LatencySummary& l) {
  return {{"count", l.count},   {"p50", ms(l.p50)}, {"p95", ms(l.p95)},  {"p99", ms(l.p99)},
          {"p999", ms(l.p999)}, {"max", ms(l.max)}, {"mean", ms(l.mean)}};
}

json::object counts(const Tally& t) {
  json::object statuses;
  for (const auto& [status, n] : t.statuses) statuses[std::to_string(status)] = n;
  json::object sources;
  for (const auto& [source, n] : t.sources) sources[source] = n;
  return {{"scheduled", t.scheduled},      {"sent", t.sent},
          {"answered", t.answered},        {"statuses", std::move(statuses)},
          {"sources", std::move(sources)}, {"connect_errors", t.connect_errors},
          {"timeouts", t.timeouts},        {"io_errors", t.io_errors},
          {"dropped", t.dropped}};
}

json::object plan_json(const LoadPlan& plan) {
  json::array paths;
  for (const WeightedPath& p : plan.paths.paths())
    paths.push_back(json::object{{"path", p.path}, {"weight", p.weight}});
  json::object out{{"target", plan.target.text()},
                   {"mode", plan.open_loop() ? "open" : "closed"},
                   {"duration_s", std::chrono::duration<double>(plan.duration).count()},
                   {"threads", plan.threads},
                   {"timeout_s", std::chrono::duration<double>(plan.timeout).count()},
                   {"ids", plan.ids.text()},
                   {"paths", std::move(paths)},
                   {"seed", plan.seed}};
  if (plan.open_loop()) {
    out["rate"] = *plan.rate;
    out["max_connections"] = plan.max_connections;
  } else {
    out["connections"] = plan.connections;
  }
  return out;
}

std::uint64_t status_class(const Tally& t, int hundreds) {
  std::uint64_t n = 0;
  for (const auto& [status, count] : t.statuses)
    if (status / 100 == hundreds) n += count;
  return n;
}

std::uint64_t fallback_sources(const Tally& t) {
  std::uint64_t n = 0;
  for (const auto& [source, count] : t.sources)
    if (source.starts_with("fallback")) n += count;
  return n;
}

std::string csv_number(double value, const char* format) {
  if (std::isnan(value)) return "";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

}  // namespace

std::string report_json(const LoadReport& report) {
  json::array seconds;
  for (const SecondPoint& point : report.seconds) {
    json::object p = counts(point.tally);
    p["t"] = point.elapsed_s;
    p["span_s"] = point.span_s;
    p["rate"] = point.rate();
    p["latency_ms"] = latency(point.latency);
    p["overall_latency_ms"] = latency(point.overall);
    seconds.push_back(std::move(p));
  }
  json::object totals = counts(report.total);
  totals["elapsed_s"] = report.elapsed_s;
  totals["rate"] = report.rate();
  totals["latency_ms"] = latency(summarize(report.latency));
  totals["stopped_early"] = report.stopped;
  if (report.plan.open_loop()) totals["send_lag_ms"] = latency(summarize(report.send_lag));
  json::object root{{"plan", plan_json(report.plan)},
                    {"seconds", std::move(seconds)},
                    {"totals", std::move(totals)}};
  if (!report.error.empty()) root["error"] = report.error;
  return json::serialize(root) + "\n";
}

std::string report_csv(const LoadReport& report) {
  std::string out =
      "t_s,answered,rate,p50_ms,p95_ms,p99_ms,p999_ms,max_ms,status_2xx,status_3xx,status_4xx,"
      "status_5xx,source_cache,source_database,source_fallback,connect_errors,timeouts,"
      "io_errors,dropped\n";
  for (const SecondPoint& p : report.seconds) {
    const Tally& t = p.tally;
    const auto at = [&t](std::string_view s) {
      const auto it = t.sources.find(s);
      return it == t.sources.end() ? std::uint64_t{0} : it->second;
    };
    const LatencySummary& l = p.latency;
    out += csv_number(p.elapsed_s, "%.3f") + "," + std::to_string(t.answered) + "," +
           csv_number(p.rate(), "%.1f") + "," + csv_number(l.p50 * 1000, "%.3f") + "," +
           csv_number(l.p95 * 1000, "%.3f") + "," + csv_number(l.p99 * 1000, "%.3f") + "," +
           csv_number(l.p999 * 1000, "%.3f") + "," + csv_number(l.max * 1000, "%.3f");
    for (int hundreds : {2, 3, 4, 5}) out += "," + std::to_string(status_class(t, hundreds));
    out += "," + std::to_string(at("cache")) + "," + std::to_string(at("database")) + "," +
           std::to_string(fallback_sources(t)) + "," + std::to_string(t.connect_errors) + "," +
           std::to_string(t.timeouts) + "," + std::to_string(t.io_errors) + "," +
           std::to_string(t.dropped) + "\n";
  }
  return out;
}

}  // namespace srelab::load
