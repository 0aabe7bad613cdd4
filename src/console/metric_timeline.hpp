// The console dashboard's time series: the app calls sample() about once a second with a fresh
// registry snapshot, and the timeline turns the difference from the previous snapshot into one
// point of every dashboard series (requests/s, error rate, latency quantiles, cache hit rate,
// pool, breaker, memory, CPU — see kSeries for names and units). The last `capacity` points are
// kept in a ring (900 = 15 minutes at one a second); nothing else grows. Chaos marks give the
// shaded bands behind the charts: mark_chaos() opens a band (closing the one open), end_chaos()
// closes it.
//
// Deltas are restart-safe: a counter (or histogram count) lower than before is read as a reset,
// and its whole current value is the interval's increase. A series seen for the first time
// only sets its baseline (as Prometheus' rate() does), so the first point carries gauges only.
// Rates divide by the wall time between samples, so a late tick gives an average, not a spike.
//
// Thread-safe: sample() may run on any thread (one at a time is the expected use); readers
// (the console API) take only the lock that guards the ring, never wait for a sample's
// arithmetic. points() returns plain structs; render_json() writes them as the API sends them.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "telemetry/metrics/histogram.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::console {

// The dashboard series, in chart order; the index into TimelinePoint::values.
enum class Series : std::size_t {
  requests_per_second,
  error_rate,
  latency_p50,
  latency_p95,
  latency_p99,
  cache_hit_rate,
  db_query_p95,
  pool_active,
  pool_waiting,
  pool_size,
  breaker_state,
  fallbacks_per_second,
  memory_leak_bytes,
  resident_memory_bytes,
  cpu_cores,
  cpu_utilization,
  // The API gateway's view (what its clients saw), when the service reads its access log.
  gateway_requests_per_second,
  gateway_error_rate,
  gateway_own_errors_per_second,
  gateway_latency_p50,
  gateway_latency_p95,
  gateway_latency_p99,
  gateway_queue_p95,
  // What `sre-lab simulate calibrate` fits the twin's service times from (docs/simulation.md).
  db_query_p50,
  cache_lookup_p50,
  cache_lookup_p95,
};
inline constexpr std::size_t kSeriesCount = 26;

struct SeriesInfo {
  std::string_view key;    // JSON key
  std::string_view label;  // what the chart's title says
  std::string_view unit;
  std::string_view source;  // the registry metrics it is computed from
};

// Indexed by Series. A value is NaN when the interval gives none (no requests → no latency).
inline constexpr std::array<SeriesInfo, kSeriesCount> kSeries = {{
    {"requests_per_second", "Requests/s", "req/s",
     "http.server.requests, the routes of MetricTimelineSettings::routes"},
    {"error_rate", "Error rate (5xx)", "ratio",  // 0..1: 5xx answers / all answers
     "http.server.requests{status=5xx} / http.server.requests"},
    {"latency_p50", "Latency p50", "s", "http.server.request.duration"},
    {"latency_p95", "Latency p95", "s", "http.server.request.duration"},
    {"latency_p99", "Latency p99", "s", "http.server.request.duration"},
    {"cache_hit_rate", "Cache hit rate", "ratio",  // hits / (hits + misses)
     "catalog.cache.hit, catalog.cache.miss"},
    {"db_query_p95", "DB query p95", "s", "catalog.db.query.duration"},
    {"pool_active", "Pool active", "connections", "catalog.db.pool.connections{state=active}"},
    {"pool_waiting", "Pool waiting", "acquirers", "catalog.db.pool.connections{state=waiting}"},
    {"pool_size", "Pool size", "connections", "catalog.db.pool.connections{state=size}"},
    // 0 closed (DISABLED lets every call through, so it reads as closed), 1 half-open,
    // 2 open (FORCED_OPEN included); the gauge itself counts 0 CLOSED, 1 OPEN, 2 HALF_OPEN…
    {"breaker_state", "Circuit breaker", "state", "resilience.circuit_breaker.state"},
    {"fallbacks_per_second", "Fallbacks/s", "1/s", "catalog.fallback"},
    {"memory_leak_bytes", "Leaked memory", "bytes", "catalog.app.memory_leak_size"},
    {"resident_memory_bytes", "Resident memory", "bytes", "process.resident_memory"},
    {"cpu_cores", "CPU", "cores", "process.cpu (CPU seconds per second)"},
    {"cpu_utilization", "Service CPU", "ratio",  // 0..1 of the machine: the guide's "Service CPU"
     "process.cpu / process.cpu.available_cores"},
    {"gateway_requests_per_second", "Gateway requests/s", "req/s", "gateway.requests"},
    {"gateway_error_rate", "Gateway error rate (5xx)", "ratio",
     "gateway.requests{status_class=5xx} / gateway.requests"},
    {"gateway_own_errors_per_second", "Gateway's own 5xx/s (502, 503, 504)", "1/s",
     "gateway.own_responses{status=5xx}"},
    {"gateway_latency_p50", "Gateway latency p50", "s", "gateway.request.duration"},
    {"gateway_latency_p95", "Gateway latency p95", "s", "gateway.request.duration"},
    {"gateway_latency_p99", "Gateway latency p99", "s", "gateway.request.duration"},
    {"gateway_queue_p95", "Gateway queue p95", "s", "gateway.queue.duration"},
    {"db_query_p50", "DB query p50", "s", "catalog.db.query.duration"},
    {"cache_lookup_p50", "Cache lookup p50", "s", "catalog.cache.duration"},
    {"cache_lookup_p95", "Cache lookup p95", "s", "catalog.cache.duration"},
}};

constexpr const SeriesInfo& series_info(Series series) {
  return kSeries[static_cast<std::size_t>(series)];
}

struct TimelinePoint {
  Clock::wall_time time{};
  std::array<double, kSeriesCount> values{};  // by Series; NaN: no value

  double operator[](Series series) const { return values[static_cast<std::size_t>(series)]; }
};

struct ChaosBand {
  Clock::wall_time start{};
  std::optional<Clock::wall_time> end;  // empty while the chaos is on
  std::string description;
};

struct TimelineView {
  std::vector<TimelinePoint> points;  // oldest first, times increasing
  std::vector<ChaosBand> chaos;       // oldest first
};

struct MetricTimelineSettings {
  std::size_t capacity = 900;  // points kept
  // Routes (http.server.requests `route` label) counted in requests/s, error rate and latency;
  // empty = every route. The default leaves out the probes, /metrics and the admin routes.
  std::vector<std::string> routes = {"/products/{id}"};
  std::size_t max_chaos_bands = 100;
};

class MetricTimeline {
 public:
  // Throws std::invalid_argument when capacity or max_chaos_bands is 0: a wiring bug.
  explicit MetricTimeline(MetricTimelineSettings settings = {});
  MetricTimeline(const MetricTimeline&) = delete;
  MetricTimeline& operator=(const MetricTimeline&) = delete;

  // Appends the point for the interval since the previous sample. A wall time not after the
  // previous sample's (a repeated tick, a clock stepped back) only resets the baseline; one
  // before the newest point clears the ring too, as the time axis must keep increasing.
  void sample(const telemetry::RegistrySnapshot& snapshot, Clock::wall_time now);

  // Opens a chaos band at `at` (closing the band still open, if any, there).
  void mark_chaos(Clock::wall_time at, std::string description);
  // Closes the open band, if any.
  void end_chaos(Clock::wall_time at);

  // The points after `since` (strictly) and the chaos bands still open or ending after it.
  // `since` = Clock::wall_time{} gives everything held.
  TimelineView points(Clock::wall_time since) const;

  std::size_t size() const;  // points held
  const MetricTimelineSettings& settings() const { return settings_; }

 private:
  // What the previous snapshot held of the counters and histograms the series read, by id.
  struct Baseline {
    std::optional<Clock::wall_time> time;
    std::unordered_map<std::uint64_t, double> counters;
    std::unordered_map<std::uint64_t, telemetry::HistogramSnapshot> histograms;
  };

  TimelinePoint compute(const telemetry::RegistrySnapshot& snapshot, Clock::wall_time now,
                        bool with_rates, Baseline& next);
  void append(const TimelinePoint& point, bool restart);
  void prune_chaos(Clock::wall_time latest);

  const MetricTimelineSettings settings_;

  std::mutex sample_mutex_;  // sample() only; taken before mutex_
  Baseline baseline_;

  mutable std::mutex mutex_;
  std::vector<TimelinePoint> ring_;  // capacity slots once full
  std::size_t head_ = 0;             // the oldest point once full
  std::deque<ChaosBand> chaos_;
};

// The view as the console API sends it, column-wise for the charts:
//   {"series":[{"key":"requests_per_second","label":"Requests/s","unit":"req/s"},…],
//    "time":[<ms since the Unix epoch>,…],
//    "values":{"requests_per_second":[12.5,null,…],…},
//    "chaos":[{"start":<ms>,"end":<ms>|null,"description":"…"}]}
// Every values array is as long as "time"; null is NaN (no value for that second).
std::string render_json(const TimelineView& view);

}  // namespace srelab::console
