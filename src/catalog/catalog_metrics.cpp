#include "catalog/catalog_metrics.hpp"

namespace srelab::catalog {
namespace {

using telemetry::metric_info;
using telemetry::Unit;

double breaker_state_value(resilience::BreakerState state) {
  return static_cast<double>(static_cast<int>(state));
}

}  // namespace

CatalogMetrics register_catalog_metrics(telemetry::Registry& registry) {
  auto& fallback = registry.counter(
      metric_info("catalog.fallback",
                  "Lookups the fallback answered (fallback_emergency), by answer: a stale copy or "
                  "an emergency record.",
                  Unit::none, {"answer"}));
  return CatalogMetrics{
      registry.counter(metric_info("catalog.cache.hit", "Product lookups answered from Redis."))
          .get(),
      registry.counter(metric_info("catalog.cache.miss", "Product lookups Redis could not answer."))
          .get(),
      fallback.with({"stale"}),
      fallback.with({"emergency"}),
      registry
          .histogram(metric_info(
              "catalog.db.query.duration",
              "Time of the product query in Postgres, injected latency included.", Unit::seconds))
          .get(),
      registry
          .histogram(metric_info(
              "catalog.cache.duration",
              "Time of the product lookup in Redis (one GET), injected latency included.",
              Unit::seconds))
          .get(),
  };
}

void register_control_gauges(telemetry::Registry& registry, const chaos::MemoryBallast& ballast,
                             const postgres::Pool& pool, const resilience::CircuitBreaker& breaker,
                             const StaleCopies& stale_copies) {
  registry
      .gauge(metric_info("catalog.app.memory_leak_size", "Memory held by POST /chaos/leak.",
                         Unit::bytes))
      .with_callback({}, [&ballast] { return static_cast<double>(ballast.size_bytes()); });
  auto& connections =
      registry.gauge(metric_info("catalog.db.pool.connections",
                                 "Postgres pool connections by state (active, idle, waiting "
                                 "acquirers, size).",
                                 Unit::none, {"state"}));
  connections.with_callback({"active"}, [&pool] { return double(pool.counts().active); });
  connections.with_callback({"idle"}, [&pool] { return double(pool.counts().idle); });
  connections.with_callback({"waiting"}, [&pool] { return double(pool.counts().waiting); });
  connections.with_callback({"size"}, [&pool] { return double(pool.counts().size); });
  registry
      .gauge(
          metric_info("resilience.circuit_breaker.state",
                      "Breaker state: 0 CLOSED, 1 OPEN, 2 HALF_OPEN, 3 OPEN (forced), 4 DISABLED."))
      .with_callback({}, [&breaker] { return breaker_state_value(breaker.state()); });
  registry
      .counter(metric_info("resilience.circuit_breaker.rejected",
                           "Calls the breaker rejected without touching the database."))
      .with_callback(
          {}, [&breaker] { return static_cast<double>(breaker.snapshot().rejected_calls_total); });
  registry
      .gauge(metric_info("catalog.fallback.stale_copies", "Stale product copies kept in process."))
      .with_callback({}, [&stale_copies] { return double(stale_copies.size()); });
}

}  // namespace srelab::catalog
