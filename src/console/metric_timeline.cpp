#include "console/metric_timeline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "core/json_string.hpp"
#include "resilience/circuit_breaker.hpp"

namespace srelab::console {
namespace {

using telemetry::FamilySnapshot;
using telemetry::HistogramSnapshot;
using telemetry::RegistrySnapshot;
using telemetry::SeriesSnapshot;

// Registered in http/route_metrics.cpp and catalog/catalog_metrics.cpp...
constexpr std::string_view kRequests = "http.server.requests";
constexpr std::string_view kRequestDuration = "http.server.request.duration";
constexpr std::string_view kCacheHit = "catalog.cache.hit";
constexpr std::string_view kCacheMiss = "catalog.cache.miss";
constexpr std::string_view kFallback = "catalog.fallback";
constexpr std::string_view kDbQueryDuration = "catalog.db.query.duration";
constexpr std::string_view kCacheDuration = "catalog.cache.duration";
constexpr std::string_view kPoolConnections = "catalog.db.pool.connections";
constexpr std::string_view kBreakerState = "resilience.circuit_breaker.state";
constexpr std::string_view kLeakSize = "catalog.app.memory_leak_size";
// ...and in app/process_metrics.cpp.
constexpr std::string_view kResidentMemory = "process.resident_memory";
constexpr std::string_view kCpu = "process.cpu";
constexpr std::string_view kCores = "process.cpu.available_cores";
// ...and in gateway/gateway_metrics.cpp, when the service reads the gateway's log.
constexpr std::string_view kGatewayRequests = "gateway.requests";
constexpr std::string_view kGatewayOwnResponses = "gateway.own_responses";
constexpr std::string_view kGatewayDuration = "gateway.request.duration";
constexpr std::string_view kGatewayQueue = "gateway.queue.duration";

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const FamilySnapshot* find_family(const RegistrySnapshot& snapshot, std::string_view name) {
  for (const auto& family : snapshot)
    if (family.info.name == name) return &family;
  return nullptr;
}

// The position of `label` among the family's label names; npos when it has no such label.
std::size_t label_index(const FamilySnapshot& family, std::string_view label) {
  const auto& labels = family.info.labels;
  const auto found = std::find(labels.begin(), labels.end(), label);
  return found == labels.end() ? std::string_view::npos
                               : static_cast<std::size_t>(found - labels.begin());
}

std::string_view label_value(const SeriesSnapshot& series, std::size_t index) {
  return index < series.label_values.size() ? std::string_view(series.label_values[index])
                                            : std::string_view();
}

// Adds an interval of one series to the total of its family (all series share its layout).
void accumulate(HistogramSnapshot& total, const HistogramSnapshot& part) {
  if (part.count == 0) return;
  if (total.count == 0) {
    total = part;
    return;
  }
  if (total.fine.size() != part.fine.size() || total.buckets.size() != part.buckets.size()) return;
  for (std::size_t i = 0; i < part.fine.size(); ++i) total.fine[i] += part.fine[i];
  for (std::size_t i = 0; i < part.buckets.size(); ++i) total.buckets[i] += part.buckets[i];
  total.count += part.count;
  total.sum += part.sum;
  total.min = std::min(total.min, part.min);
  total.max = std::max(total.max, part.max);
}

double quantile_or_nan(const HistogramSnapshot& interval, double q) {
  return interval.count == 0 ? kNaN : interval.quantile(q);
}

double ratio_or_nan(double part, double whole) {
  return whole > 0 ? part / whole : kNaN;
}

// The gauge encodes resilience::BreakerState; the chart wants 0 closed, 1 half-open, 2 open.
double chart_breaker_state(double gauge) {
  using resilience::BreakerState;
  if (!std::isfinite(gauge)) return kNaN;
  switch (static_cast<BreakerState>(static_cast<int>(gauge))) {
    case BreakerState::closed:
    case BreakerState::disabled:
      return 0;
    case BreakerState::half_open:
      return 1;
    case BreakerState::open:
    case BreakerState::forced_open:
      return 2;
  }
  return kNaN;
}

// Reads the counters and histograms of one snapshot against the previous one's, recording this
// snapshot's values as the next baseline as it goes.
class Deltas {
 public:
  Deltas(const std::unordered_map<std::uint64_t, double>& previous_counters,
         const std::unordered_map<std::uint64_t, HistogramSnapshot>& previous_histograms,
         std::unordered_map<std::uint64_t, double>& next_counters,
         std::unordered_map<std::uint64_t, HistogramSnapshot>& next_histograms)
      : previous_counters_(previous_counters),
        previous_histograms_(previous_histograms),
        next_counters_(next_counters),
        next_histograms_(next_histograms) {}

  // The increase since the previous snapshot; 0 for a series first seen now.
  double counter(const SeriesSnapshot& series) {
    next_counters_[series.id] = series.value;
    const auto previous = previous_counters_.find(series.id);
    if (previous == previous_counters_.end()) return 0;
    return series.value >= previous->second ? series.value - previous->second : series.value;
  }

  // What was observed since the previous snapshot; empty for a series first seen now.
  HistogramSnapshot histogram(const SeriesSnapshot& series) {
    next_histograms_[series.id] = series.histogram;
    const auto previous = previous_histograms_.find(series.id);
    if (previous == previous_histograms_.end()) return {};
    if (series.histogram.count < previous->second.count) return series.histogram;  // a reset
    return series.histogram.since(previous->second);
  }

  // The family's increase over its series (those `keep` accepts); NaN when it is not registered.
  template <class Keep>
  double counter_sum(const FamilySnapshot* family, Keep keep) {
    if (family == nullptr) return kNaN;
    double total = 0;
    for (const auto& series : family->series)
      if (keep(series)) total += counter(series);
    return total;
  }
  double counter_sum(const FamilySnapshot* family) {
    return counter_sum(family, [](const SeriesSnapshot&) { return true; });
  }

  template <class Keep>
  HistogramSnapshot histogram_sum(const FamilySnapshot* family, Keep keep) {
    HistogramSnapshot total;
    if (family == nullptr) return total;
    for (const auto& series : family->series)
      if (keep(series)) accumulate(total, histogram(series));
    return total;
  }

 private:
  const std::unordered_map<std::uint64_t, double>& previous_counters_;
  const std::unordered_map<std::uint64_t, HistogramSnapshot>& previous_histograms_;
  std::unordered_map<std::uint64_t, double>& next_counters_;
  std::unordered_map<std::uint64_t, HistogramSnapshot>& next_histograms_;
};

// A gauge's value: the series whose `label` is `value`, or the first series when label is "".
double gauge(const FamilySnapshot* family, std::string_view label = {},
             std::string_view value = {}) {
  if (family == nullptr) return kNaN;
  const std::size_t index = label.empty() ? std::string_view::npos : label_index(*family, label);
  for (const auto& series : family->series)
    if (label.empty() || label_value(series, index) == value) return series.value;
  return kNaN;
}

// The gateway's series of one point: `seconds` is the interval (NaN for the first point).
template <class Set>
void gateway_series(const RegistrySnapshot& snapshot, Deltas& deltas, double seconds, Set set) {
  const FamilySnapshot* requests = find_family(snapshot, kGatewayRequests);
  const FamilySnapshot* own = find_family(snapshot, kGatewayOwnResponses);
  const std::size_t class_index = requests ? label_index(*requests, "status_class") : 0;
  const std::size_t status_index = own ? label_index(*own, "status") : 0;
  const double answered = deltas.counter_sum(requests);
  const double failed = deltas.counter_sum(requests, [&](const SeriesSnapshot& series) {
    return label_value(series, class_index) == "5xx";
  });
  const double own_errors = deltas.counter_sum(own, [&](const SeriesSnapshot& series) {
    return label_value(series, status_index).starts_with('5');
  });
  const auto all = [](const SeriesSnapshot&) { return true; };
  const HistogramSnapshot latency =
      deltas.histogram_sum(find_family(snapshot, kGatewayDuration), all);
  const HistogramSnapshot queue = deltas.histogram_sum(find_family(snapshot, kGatewayQueue), all);
  const bool with_rates = !std::isnan(seconds);
  const auto if_rates = [with_rates](double value) { return with_rates ? value : kNaN; };
  set(Series::gateway_requests_per_second, answered / seconds);
  set(Series::gateway_error_rate, if_rates(ratio_or_nan(failed, answered)));
  // No gateway (no such family): no value, rather than a flat zero.
  set(Series::gateway_own_errors_per_second, requests ? own_errors / seconds : kNaN);
  set(Series::gateway_latency_p50, if_rates(quantile_or_nan(latency, 0.50)));
  set(Series::gateway_latency_p95, if_rates(quantile_or_nan(latency, 0.95)));
  set(Series::gateway_latency_p99, if_rates(quantile_or_nan(latency, 0.99)));
  set(Series::gateway_queue_p95, if_rates(quantile_or_nan(queue, 0.95)));
}

std::int64_t unix_ms(Clock::wall_time time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

void append_value(std::string& out, double value) {
  if (std::isfinite(value))
    out += srelab::format_number(value);
  else
    out += "null";
}

}  // namespace

MetricTimeline::MetricTimeline(MetricTimelineSettings settings) : settings_(std::move(settings)) {
  if (settings_.capacity == 0 || settings_.max_chaos_bands == 0)
    throw std::invalid_argument("MetricTimeline: capacity and max_chaos_bands must be above 0");
  ring_.reserve(settings_.capacity);
}

void MetricTimeline::sample(const telemetry::RegistrySnapshot& snapshot, Clock::wall_time now) {
  std::lock_guard sample_lock(sample_mutex_);
  const std::optional<Clock::wall_time> previous = baseline_.time;
  const bool in_order = !previous || now > *previous;
  Baseline next;
  TimelinePoint point = compute(snapshot, now, previous && in_order, next);
  next.time = now;
  baseline_ = std::move(next);
  if (previous && now == *previous) return;  // a repeated tick: a new baseline, no new point
  append(point, !in_order);
}

TimelinePoint MetricTimeline::compute(const telemetry::RegistrySnapshot& snapshot,
                                      Clock::wall_time now, bool with_rates, Baseline& next) {
  Deltas deltas(baseline_.counters, baseline_.histograms, next.counters, next.histograms);
  TimelinePoint point;
  point.time = now;
  auto set = [&point](Series series, double value) {
    point.values[static_cast<std::size_t>(series)] = value;
  };

  const FamilySnapshot* requests = find_family(snapshot, kRequests);
  const FamilySnapshot* durations = find_family(snapshot, kRequestDuration);
  const std::size_t requests_route = requests ? label_index(*requests, "route") : 0;
  const std::size_t requests_status = requests ? label_index(*requests, "status") : 0;
  const std::size_t durations_route = durations ? label_index(*durations, "route") : 0;
  auto counted_route = [this](std::string_view route) {
    return settings_.routes.empty() || std::find(settings_.routes.begin(), settings_.routes.end(),
                                                 route) != settings_.routes.end();
  };
  double answered = kNaN;
  double failed = 0;  // 5xx
  if (requests != nullptr) {
    answered = 0;
    for (const auto& series : requests->series) {
      if (!counted_route(label_value(series, requests_route))) continue;
      const double increase = deltas.counter(series);
      answered += increase;
      if (label_value(series, requests_status).starts_with('5')) failed += increase;
    }
  }
  const HistogramSnapshot latency =
      deltas.histogram_sum(durations, [&](const SeriesSnapshot& series) {
        return counted_route(label_value(series, durations_route));
      });
  const double hits = deltas.counter_sum(find_family(snapshot, kCacheHit));
  const double misses = deltas.counter_sum(find_family(snapshot, kCacheMiss));
  const double fallbacks = deltas.counter_sum(find_family(snapshot, kFallback));
  const double cpu = deltas.counter_sum(find_family(snapshot, kCpu));
  const auto all = [](const SeriesSnapshot&) { return true; };
  const HistogramSnapshot queries =
      deltas.histogram_sum(find_family(snapshot, kDbQueryDuration), all);
  const HistogramSnapshot lookups =
      deltas.histogram_sum(find_family(snapshot, kCacheDuration), all);

  const double seconds =
      with_rates ? std::chrono::duration<double>(now - *baseline_.time).count() : kNaN;
  const auto if_rates = [with_rates](double value) { return with_rates ? value : kNaN; };
  set(Series::requests_per_second, answered / seconds);
  set(Series::error_rate, if_rates(ratio_or_nan(failed, answered)));
  set(Series::latency_p50, if_rates(quantile_or_nan(latency, 0.50)));
  set(Series::latency_p95, if_rates(quantile_or_nan(latency, 0.95)));
  set(Series::latency_p99, if_rates(quantile_or_nan(latency, 0.99)));
  set(Series::cache_hit_rate, if_rates(ratio_or_nan(hits, hits + misses)));
  set(Series::db_query_p95, if_rates(quantile_or_nan(queries, 0.95)));
  set(Series::db_query_p50, if_rates(quantile_or_nan(queries, 0.50)));
  set(Series::cache_lookup_p50, if_rates(quantile_or_nan(lookups, 0.50)));
  set(Series::cache_lookup_p95, if_rates(quantile_or_nan(lookups, 0.95)));
  set(Series::fallbacks_per_second, fallbacks / seconds);
  set(Series::cpu_cores, cpu / seconds);
  const double cores = gauge(find_family(snapshot, kCores));
  set(Series::cpu_utilization, cores > 0 ? cpu / seconds / cores : kNaN);
  gateway_series(snapshot, deltas, seconds, set);

  const FamilySnapshot* pool = find_family(snapshot, kPoolConnections);
  set(Series::pool_active, gauge(pool, "state", "active"));
  set(Series::pool_waiting, gauge(pool, "state", "waiting"));
  set(Series::pool_size, gauge(pool, "state", "size"));
  set(Series::breaker_state, chart_breaker_state(gauge(find_family(snapshot, kBreakerState))));
  set(Series::memory_leak_bytes, gauge(find_family(snapshot, kLeakSize)));
  set(Series::resident_memory_bytes, gauge(find_family(snapshot, kResidentMemory)));
  return point;
}

void MetricTimeline::append(const TimelinePoint& point, bool restart) {
  std::lock_guard lock(mutex_);
  if (restart) {
    ring_.clear();
    head_ = 0;
  }
  if (ring_.size() < settings_.capacity) {
    ring_.push_back(point);
  } else {
    ring_[head_] = point;
    head_ = (head_ + 1) % settings_.capacity;
  }
  prune_chaos(point.time);
}

void MetricTimeline::mark_chaos(Clock::wall_time at, std::string description) {
  std::lock_guard lock(mutex_);
  if (!chaos_.empty() && !chaos_.back().end) chaos_.back().end = at;
  chaos_.push_back(ChaosBand{at, std::nullopt, std::move(description)});
  prune_chaos(at);
}

void MetricTimeline::end_chaos(Clock::wall_time at) {
  std::lock_guard lock(mutex_);
  if (!chaos_.empty() && !chaos_.back().end) chaos_.back().end = at;
}

// Bands follow one another (one open at a time), so the oldest ends first.
void MetricTimeline::prune_chaos(Clock::wall_time latest) {
  const Clock::wall_time horizon =
      latest - std::chrono::seconds(static_cast<std::int64_t>(settings_.capacity));
  while (chaos_.size() > settings_.max_chaos_bands ||
         (!chaos_.empty() && chaos_.front().end && *chaos_.front().end < horizon))
    chaos_.pop_front();
}

TimelineView MetricTimeline::points(Clock::wall_time since) const {
  std::lock_guard lock(mutex_);
  TimelineView view;
  for (std::size_t i = 0; i < ring_.size(); ++i) {
    const TimelinePoint& point = ring_[(head_ + i) % ring_.size()];
    if (point.time > since) view.points.push_back(point);
  }
  for (const auto& band : chaos_)
    if (!band.end || *band.end > since) view.chaos.push_back(band);
  return view;
}

std::size_t MetricTimeline::size() const {
  std::lock_guard lock(mutex_);
  return ring_.size();
}

std::string render_json(const TimelineView& view) {
  std::string out = "{\"series\":[";
  for (std::size_t s = 0; s < kSeriesCount; ++s) {
    if (s) out += ',';
    out += "{\"key\":";
    append_json_string(out, kSeries[s].key);
    out += ",\"label\":";
    append_json_string(out, kSeries[s].label);
    out += ",\"unit\":";
    append_json_string(out, kSeries[s].unit);
    out += '}';
  }
  out += "],\"time\":[";
  for (std::size_t i = 0; i < view.points.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(unix_ms(view.points[i].time));
  }
  out += "],\"values\":{";
  for (std::size_t s = 0; s < kSeriesCount; ++s) {
    if (s) out += ',';
    append_json_string(out, kSeries[s].key);
    out += ":[";
    for (std::size_t i = 0; i < view.points.size(); ++i) {
      if (i) out += ',';
      append_value(out, view.points[i].values[s]);
    }
    out += ']';
  }
  out += "},\"chaos\":[";
  for (std::size_t i = 0; i < view.chaos.size(); ++i) {
    const ChaosBand& band = view.chaos[i];
    if (i) out += ',';
    out += "{\"start\":" + std::to_string(unix_ms(band.start)) + ",\"end\":";
    out += band.end ? std::to_string(unix_ms(*band.end)) : std::string("null");
    out += ",\"description\":";
    append_json_string(out, band.description);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace srelab::console
