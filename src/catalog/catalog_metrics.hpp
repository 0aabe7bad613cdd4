// The catalog's metrics, registered once and recorded lock-free on the request path: the guide's
// catalog.cache.hit / catalog.cache.miss / catalog.db.query.duration /
// catalog.app.memory_leak_size, the fallback count, HTTP requests by route and status (those
// http/ answers without a handler under route "unmatched"), and gauges sampled at scrape time
// from the shared state (leak size, pool counts, breaker state and rejections, stale copies).
#pragma once

#include <array>
#include <string_view>

#include "catalog/stale_copies.hpp"
#include "chaos/memory_ballast.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "postgres/pool.hpp"
#include "resilience/circuit_breaker.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::catalog {

struct CatalogMetrics {
  telemetry::Counter& cache_hit;
  telemetry::Counter& cache_miss;
  telemetry::Counter& fallback;
  telemetry::Histogram& db_query_duration;
};

CatalogMetrics register_catalog_metrics(telemetry::Registry& registry);

// Gauges read when the registry is scraped; each argument must outlive the registry's scrapes.
void register_control_gauges(telemetry::Registry& registry, const chaos::MemoryBallast& ballast,
                             const postgres::Pool& pool, const resilience::CircuitBreaker& breaker,
                             const StaleCopies& stale_copies);

// Counts and times the requests of one route. The (route, status) series are resolved when the
// route is set up, for the statuses this service answers, so recording takes no lock.
class RouteMetrics {
 public:
  RouteMetrics(telemetry::Registry& registry, std::string_view route);
  void record(http::Status status, std::chrono::steady_clock::duration duration) noexcept;

 private:
  static constexpr std::array<int, 15> statuses{200, 400, 401, 403, 404, 405, 408, 409,
                                                413, 422, 431, 500, 503, 504, 0};  // 0: other
  std::array<telemetry::Counter*, statuses.size()> requests_{};
  telemetry::Histogram& duration_;
};

// `handler` with its requests counted and timed under `route`.
http::Handler instrumented(telemetry::Registry& registry, std::string_view route,
                           http::Handler handler);

// Counts and times what the router and the sessions answer without a handler (unknown path 404,
// 405, malformed or over-limit requests) under route "unmatched": the path the client sent is
// never a label, so a scan of random URLs cannot grow the series.
http::UnmatchedObserver unmatched_requests(telemetry::Registry& registry);

}  // namespace srelab::catalog
