// The HTTP server's own metrics: http.server.requests (by route and status) and
// http.server.request.duration (by route), recorded lock-free on the request path. A RouteMetrics
// is the middleware layer of one route; the composition root gives every route one with
// Router::use(route_metrics(registry)), and counts what http/ answers without a handler under
// route "unmatched" with set_unmatched_observer(unmatched_requests(registry)).
#pragma once

#include <array>
#include <chrono>
#include <string_view>

#include "http/message.hpp"
#include "http/middleware.hpp"
#include "http/router.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::http {

// Counts and times the requests of one route, from RequestContext::started to the answer (early
// answers and a throwing handler's 500 included). The (route, status) series are resolved when
// the route is set up, for the statuses this service answers, so recording takes no lock.
class RouteMetrics final : public Middleware {
 public:
  RouteMetrics(telemetry::Registry& registry, std::string_view route);
  void after(RequestContext& context, Response& response) override;
  void record(Status status, std::chrono::steady_clock::duration duration) noexcept;

 private:
  static constexpr std::array<int, 15> statuses{200, 400, 401, 403, 404, 405, 408, 409,
                                                413, 422, 431, 500, 503, 504, 0};  // 0: other
  std::array<telemetry::Counter*, statuses.size()> requests_{};
  telemetry::Histogram& duration_;
};

// A RouteMetrics for each route, labelled with its pattern (for Router::use).
MiddlewareFactory route_metrics(telemetry::Registry& registry);

// Counts and times what the router and the sessions answer without a handler (unknown path 404,
// 405, malformed or over-limit requests) under route "unmatched": the path the client sent is
// never a label, so a scan of random URLs cannot grow the series.
UnmatchedObserver unmatched_requests(telemetry::Registry& registry);

}  // namespace srelab::http
