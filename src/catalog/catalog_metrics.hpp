// The catalog's metrics, registered once and recorded lock-free on the request path: the guide's
// catalog.cache.hit / catalog.cache.miss / catalog.db.query.duration /
// catalog.app.memory_leak_size, the cache lookup's time (catalog.cache.duration, which the
// simulator's calibration needs), the fallback's answers (catalog.fallback by `answer`: stale copy
// or emergency record; not "source", a tag key Datadog reserves), and gauges sampled at scrape time
// from the shared state (leak size, pool counts, breaker state and rejections, stale copies).
// Requests by route are the HTTP server's own (http/route_metrics.hpp).
#pragma once

#include "catalog/stale_copies.hpp"
#include "chaos/memory_ballast.hpp"
#include "postgres/pool.hpp"
#include "resilience/circuit_breaker.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::catalog {

struct CatalogMetrics {
  telemetry::Counter& cache_hit;
  telemetry::Counter& cache_miss;
  telemetry::Counter& fallback_stale;
  telemetry::Counter& fallback_emergency;
  telemetry::Histogram& db_query_duration;
  telemetry::Histogram& cache_duration;
};

CatalogMetrics register_catalog_metrics(telemetry::Registry& registry);

// Gauges read when the registry is scraped; each argument must outlive the registry's scrapes.
void register_control_gauges(telemetry::Registry& registry, const chaos::MemoryBallast& ballast,
                             const postgres::Pool& pool, const resilience::CircuitBreaker& breaker,
                             const StaleCopies& stale_copies);

}  // namespace srelab::catalog
