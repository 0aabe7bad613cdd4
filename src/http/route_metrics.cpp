#include "http/route_metrics.hpp"

#include <memory>
#include <string>

namespace srelab::http {

using telemetry::metric_info;
using telemetry::Unit;

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

void RouteMetrics::after(RequestContext& context, Response& response) {
  record(response.result(), std::chrono::steady_clock::now() - context.started);
}

void RouteMetrics::record(Status status, std::chrono::steady_clock::duration duration) noexcept {
  std::size_t index = statuses.size() - 1;
  for (std::size_t i = 0; i + 1 < statuses.size(); ++i)
    if (statuses[i] == static_cast<int>(status)) index = i;
  requests_[index]->inc();
  duration_.observe(duration);
}

MiddlewareFactory route_metrics(telemetry::Registry& registry) {
  return [&registry](std::string_view route) -> MiddlewarePtr {
    return std::make_shared<RouteMetrics>(registry, route);
  };
}

UnmatchedObserver unmatched_requests(telemetry::Registry& registry) {
  auto metrics = std::make_shared<RouteMetrics>(registry, "unmatched");
  return [metrics](Status status, std::chrono::steady_clock::duration took) {
    metrics->record(status, took);
  };
}

}  // namespace srelab::http
