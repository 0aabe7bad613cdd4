#include "experiment/report_charts.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "experiment/phase_summary.hpp"
#include "experiment/report_text.hpp"

namespace srelab::experiment {
namespace {

ChartSpec chart(const JournalView& view, std::string id, std::string title, ChartUnit unit) {
  ChartSpec spec{std::move(id), std::move(title), unit, {}, {}, {}, {}};
  for (const PhaseSpan& phase : view.phases)
    spec.bands.push_back({phase.name, phase.start, phase.end});
  return spec;
}

ChartSeries from_load(const JournalView& view, std::string name, auto value) {
  ChartSeries s{std::move(name), {}, {}, false, false};
  for (const LoadPoint& point : view.load) {
    s.x.push_back(point.t);
    s.y.push_back(value(point));
  }
  return s;
}

// Appends the timeline series `key` as `name` when it has a number; returns whether it did.
bool add_timeline(const JournalView& view, ChartSpec& spec, const std::string& key,
                  std::string name, bool step = false, bool dashed = false) {
  const std::vector<double>* values = view.timeline(key);
  if (!values) return false;
  spec.series.push_back({std::move(name), view.time, *values, step, dashed});
  return true;
}

bool any_number(const ChartSeries& s) {
  return std::any_of(s.y.begin(), s.y.end(), [](double v) { return std::isfinite(v); });
}

bool changes(const std::vector<double>& values) {
  double low = INFINITY, high = -INFINITY;
  for (const double v : values)
    if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
  return high > low;
}

void client_latency(const JournalView& view, RunCharts& out) {
  ChartSpec spec =
      chart(view, "latency_client", "Latency seen by the load (client)", ChartUnit::seconds);
  spec.series.push_back(from_load(view, "p50", [](const LoadPoint& p) { return p.p50; }));
  spec.series.push_back(from_load(view, "p95", [](const LoadPoint& p) { return p.p95; }));
  spec.series.push_back(from_load(view, "p99", [](const LoadPoint& p) { return p.p99; }));
  if (std::any_of(spec.series.begin(), spec.series.end(), any_number))
    out.charts.push_back(std::move(spec));
  else
    out.left_out.push_back("No client latency chart: the background load recorded no answers.");
}

void service_latency(const JournalView& view, RunCharts& out) {
  const bool gateway = view.timeline("gateway_latency_p95") != nullptr;
  ChartSpec spec =
      chart(view, "latency_service",
            gateway ? "Latency seen by the service and the gateway" : "Latency seen by the service",
            ChartUnit::seconds);
  add_timeline(view, spec, "latency_p95", "service p95");
  add_timeline(view, spec, "latency_p99", "service p99");
  add_timeline(view, spec, "gateway_latency_p95", "gateway p95");
  if (!spec.series.empty())
    out.charts.push_back(std::move(spec));
  else
    out.left_out.push_back("No service latency chart: the timeline has no latency series.");
}

void errors(const JournalView& view, RunCharts& out) {
  if (view.load.empty()) {
    out.left_out.push_back("No error chart: the background load recorded no points.");
    return;
  }
  ChartSpec spec =
      chart(view, "errors", "Errors by status (share of the second's requests)", ChartUnit::ratio);
  std::set<std::string> statuses;
  bool failed = false;
  for (const LoadPoint& point : view.load) {
    for (const auto& [status, n] : point.statuses)
      if (is_error_status(status) && n > 0) statuses.insert(status);
    failed = failed || point.failed > 0;
  }
  const auto per_request = [](const LoadPoint& p, double n) {
    return p.answered + p.failed > 0 ? n / (p.answered + p.failed) : NAN;
  };
  for (const std::string& status : statuses)
    spec.series.push_back(from_load(view, status, [&](const LoadPoint& p) {
      const auto it = p.statuses.find(status);
      return per_request(p, it == p.statuses.end() ? 0 : it->second);
    }));
  if (failed)
    spec.series.push_back(
        from_load(view, "no answer", [&](const LoadPoint& p) { return per_request(p, p.failed); }));
  if (spec.series.empty())  // a flat zero is a finding too
    spec.series.push_back(
        from_load(view, "errors (none)", [&](const LoadPoint& p) { return per_request(p, 0); }));
  out.charts.push_back(std::move(spec));
}

void hit_rate(const JournalView& view, RunCharts& out) {
  ChartSpec spec = chart(view, "cache_hit_rate", "Cache hit rate", ChartUnit::ratio);
  if (!add_timeline(view, spec, "cache_hit_rate", "hits / lookups (service)")) {
    ChartSeries s = from_load(view, "answers from the cache (load)", [](const LoadPoint& p) {
      const auto it = p.sources.find("cache");
      return p.answered > 0 && !p.sources.empty()
                 ? (it == p.sources.end() ? 0 : it->second) / p.answered
                 : NAN;
    });
    if (any_number(s)) spec.series.push_back(std::move(s));
  }
  if (!spec.series.empty())
    out.charts.push_back(std::move(spec));
  else
    out.left_out.push_back("No cache hit rate chart: neither the timeline nor the load has it.");
}

void breaker(const JournalView& view, RunCharts& out) {
  ChartSpec spec = chart(view, "breaker", "Circuit breaker state", ChartUnit::breaker_state);
  if (add_timeline(view, spec, "breaker_state", "breaker", true))
    out.charts.push_back(spec);
  else
    out.left_out.push_back("No breaker chart: the timeline has no breaker_state.");
}

void pool(const JournalView& view, RunCharts& out) {
  ChartSpec spec = chart(view, "pool", "Database pool in use", ChartUnit::count);
  add_timeline(view, spec, "pool_active", "active");
  add_timeline(view, spec, "pool_size", "size", true, true);
  if (const auto* waiting = view.timeline("pool_waiting"); waiting && changes(*waiting))
    add_timeline(view, spec, "pool_waiting", "waiting");
  if (!spec.series.empty())
    out.charts.push_back(std::move(spec));
  else
    out.left_out.push_back("No pool chart: the timeline has no pool_active or pool_size.");
}

void memory(const JournalView& view, RunCharts& out) {
  ChartSpec spec = chart(view, "memory", "Memory", ChartUnit::bytes);
  bool present = false;
  for (const auto& [key, name] : {std::pair{"memory_leak_bytes", "leaked (ballast)"},
                                  {"resident_memory_bytes", "resident"}}) {
    const auto* values = view.timeline(key);
    present = present || values;
    if (values && changes(*values)) add_timeline(view, spec, key, name);
  }
  if (!spec.series.empty())
    out.charts.push_back(std::move(spec));
  else if (present)
    out.left_out.push_back("Memory chart left out: memory did not change.");
  else
    out.left_out.push_back("No memory chart: the timeline has no memory series.");
}

}  // namespace

RunCharts journal_charts(const JournalView& view) {
  RunCharts out;
  client_latency(view, out);
  service_latency(view, out);
  errors(view, out);
  hit_rate(view, out);
  breaker(view, out);
  pool(view, out);
  memory(view, out);
  return out;
}

std::string format_chart_value(ChartUnit unit, double value) {
  switch (unit) {
    case ChartUnit::seconds:
      return format_seconds(value);
    case ChartUnit::ratio:
      return format_percent(value);
    case ChartUnit::bytes:
      return format_bytes(value);
    case ChartUnit::breaker_state: {
      static constexpr const char* kStates[] = {"CLOSED", "HALF_OPEN", "OPEN"};
      const long state = std::isfinite(value) ? std::lround(value) : -1;
      return state >= 0 && state <= 2 ? kStates[state] : std::string(kNoValue);
    }
    case ChartUnit::count:
      return format_plain(value);
  }
  return format_plain(value);
}

const std::vector<std::string>& main_chart_ids() {
  static const std::vector<std::string> ids = {"latency_client", "latency_service", "errors",
                                               "cache_hit_rate", "breaker",         "pool"};
  return ids;
}

}  // namespace srelab::experiment
