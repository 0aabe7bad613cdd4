#include "sim/twin_timeline.hpp"

#include <algorithm>
#include <limits>

namespace srelab::sim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The resident memory a replica shows before any leak: the service at rest on the lab's machine;
// only the leak moves it in the twin.
constexpr double kRestingResidentBytes = 40.0 * (1 << 20);

}  // namespace

double breaker_chart_state(resilience::BreakerState state) {
  using resilience::BreakerState;
  switch (state) {
    case BreakerState::half_open:
      return 1;
    case BreakerState::open:
    case BreakerState::forced_open:
      return 2;
    case BreakerState::closed:
    case BreakerState::disabled:
      return 0;
  }
  return 0;
}

double worst_breaker_state(const SimSecond& second) {
  double worst = 0;
  for (std::size_t state = 0; state < second.breakers.size(); ++state)
    if (second.breakers[state] > 0)
      worst = std::max(worst, breaker_chart_state(static_cast<resilience::BreakerState>(state)));
  return worst;
}

void add_timeline_point(experiment::Timeline& timeline, const SimSecond& second,
                        const TwinFacts& facts, bool replaces_last) {
  if (replaces_last && !timeline.time_ms.empty()) {
    timeline.time_ms.pop_back();
    for (auto& [key, values] : timeline.values) values.pop_back();
  }
  const load::SecondPoint& point = second.point;
  auto put = [&timeline](const char* key, double value) { timeline.values[key].push_back(value); };
  const double answered = static_cast<double>(point.tally.answered);
  double failed = 0;
  for (const auto& [status, count] : point.tally.statuses)
    if (status >= 500) failed += static_cast<double>(count);
  const auto fallbacks = point.tally.sources.find("fallback_emergency");
  timeline.time_ms.push_back(facts.epoch_ms + point.elapsed_s * 1000);
  put("requests_per_second", point.rate());
  put("error_rate", answered > 0 ? failed / answered : kNaN);
  put("latency_p50", point.latency.p50);
  put("latency_p95", point.latency.p95);
  put("latency_p99", point.latency.p99);
  put("cache_hit_rate", second.cache_lookups > 0 ? second.cache_hit_rate : kNaN);
  put("pool_active", static_cast<double>(second.pool_active));
  put("pool_waiting", static_cast<double>(second.pool_waiting));
  put("pool_size", static_cast<double>(facts.pool_size));
  put("breaker_state", facts.breaker_state);
  put("fallbacks_per_second",
      fallbacks == point.tally.sources.end()
          ? 0
          : static_cast<double>(fallbacks->second) / std::max(point.span_s, 1e-9));
  put("memory_leak_bytes", facts.leak_bytes);
  put("resident_memory_bytes", kRestingResidentBytes + facts.leak_bytes);
  // The twin's own series, beside the console's.
  using resilience::BreakerState;
  put("breakers_open",
      static_cast<double>(second.breakers[static_cast<std::size_t>(BreakerState::open)] +
                          second.breakers[static_cast<std::size_t>(BreakerState::forced_open)]));
  put("db_in_flight", static_cast<double>(second.db_in_flight));
  put("postgres_connections", static_cast<double>(second.postgres_connections));
  put("gateway_queue", static_cast<double>(second.gateway_queue));
}

}  // namespace srelab::sim
