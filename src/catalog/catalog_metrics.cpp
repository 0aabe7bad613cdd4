#include "catalog/catalog_metrics.hpp"

#include <memory>
#include <string>

namespace srelab::catalog {
namespace {

using telemetry::metric_info;
using telemetry::Unit;

double breaker_state_value(resilience::BreakerState state) {
  return static_cast<double>(static_cast<int>(state));
}

}  // namespace

CatalogMetrics register_catalog_metrics(telemetry::Registry& registry) {
  return CatalogMetrics{
      registry.counter(metric_info("catalog.cache.hit", "Product lookups answered from Redis."))
          .get(),
      registry.counter(metric_info("catalog.cache.miss", "Product lookups Redis could not answer."))
          .get(),
      registry
          .counter(metric_info("catalog.fallback",
                               "Lookups answered with a stale copy (fallback_emergency)."))
          .get(),
      registry
          .histogram(metric_info(
              "catalog.db.query.duration",
              "Time of the product query in Postgres, injected latency included.", Unit::seconds))
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
                      "Breaker state: 0 CLOSED, 1 OPEN, 2 HALF_OPEN, 3 FORCED_OPEN, 4 DISABLED."))
      .with_callback({}, [&breaker] { return breaker_state_value(breaker.state()); });
  registry
      .counter(metric_info("resilience.circuit_breaker.rejected",
                           "Calls the breaker rejected without touching the database."))
      .with_callback({},
                     [&breaker] { return static_cast<double>(breaker.snapshot().rejected_calls); });
  registry
      .gauge(metric_info("catalog.fallback.stale_copies", "Stale product copies kept in process."))
      .with_callback({}, [&stale_copies] { return double(stale_copies.size()); });
}

RouteMetrics::RouteMetrics(telemetry::Registry& registry, std::string_view route)
    : duration_(
          registry
              .histogram(metric_info("http.server.request.duration",
                                     "Time from a complete request to its response, by route.",
                                     Unit::seconds, {"route"}))
              .with({route})) {
  auto& requests = registry.counter(metric_info("http.server.requests",
                                                "Requests answered, by route and status.",
                                                Unit::none, {"route", "status"}));
  for (std::size_t i = 0; i < statuses.size(); ++i)
    requests_[i] = &requests.with(
        {route, statuses[i] == 0 ? std::string_view("other") : std::to_string(statuses[i])});
}

void RouteMetrics::record(http::Status status,
                          std::chrono::steady_clock::duration duration) noexcept {
  std::size_t index = statuses.size() - 1;
  for (std::size_t i = 0; i + 1 < statuses.size(); ++i)
    if (statuses[i] == static_cast<int>(status)) index = i;
  requests_[index]->inc();
  duration_.observe(duration);
}

http::Handler instrumented(telemetry::Registry& registry, std::string_view route,
                           http::Handler handler) {
  auto metrics = std::make_shared<RouteMetrics>(registry, route);
  return [metrics, handler = std::move(handler)](
             http::RequestContext& request) -> boost::asio::awaitable<http::Response> {
    const auto started = std::chrono::steady_clock::now();
    http::Response response = co_await handler(request);
    metrics->record(response.result(), std::chrono::steady_clock::now() - started);
    co_return response;
  };
}

http::UnmatchedObserver unmatched_requests(telemetry::Registry& registry) {
  auto metrics = std::make_shared<RouteMetrics>(registry, "unmatched");
  return [metrics](http::Status status, std::chrono::steady_clock::duration took) {
    metrics->record(status, took);
  };
}

}  // namespace srelab::catalog
