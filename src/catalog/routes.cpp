#include "catalog/routes.hpp"

#include <memory>
#include <string>

#include "catalog/answers.hpp"
#include "catalog/bulk_test.hpp"
#include "catalog/product_id.hpp"
#include "core/random.hpp"
#include "http/responses.hpp"
#include "telemetry/prometheus/prometheus_text.hpp"

namespace srelab::catalog {
namespace {

boost::asio::awaitable<http::Response> get_product(ProductService& products, const Clock& clock,
                                                   http::RequestContext& request) {
  const ProductIdParse parsed = parse_product_id(request.params.get("id"));
  if (!parsed.problem.empty())
    co_return http::json_error(http::Status::bad_request, "Invalid Product Id", parsed.problem);

  OperationContext operation{};
  operation.started = clock.now();
  operation.span = request.span;
  LookupAnswer answer = co_await lookup_product(products, parsed.id, operation);
  co_return http::json_response(answer.status, std::move(answer.body));
}

boost::asio::awaitable<http::Response> bulk_test(ProductService& products,
                                                 const postgres::Pool& pool, const Clock& clock,
                                                 http::RouteMetrics& lookup_metrics,
                                                 http::RequestContext& request) {
  FieldError error;
  auto params = parse_bulk_params(request.query, error);
  if (!params) co_return http::field_error(error);
  // A fresh seed per call unless one is given: the wall clock is entropy enough for a lab.
  const std::uint64_t fresh_seed =
      reportable_seed(static_cast<std::uint64_t>(clock.wall().time_since_epoch().count()));
  co_return http::json_response(
      http::Status::ok, co_await run_bulk_test(products, pool.counts().size, *params, fresh_seed,
                                               request.span, &lookup_metrics));
}

}  // namespace

void add_catalog_routes(http::Router& router, ProductService& products, Readiness& readiness,
                        const postgres::Pool& pool, const Clock& clock,
                        const http::MiddlewarePtr& admin_guard, telemetry::Registry& registry) {
  router.add(http::Verb::get, "/products/{id}", [&products, &clock](http::RequestContext& request) {
    return get_product(products, clock, request);
  });
  // The bulk test's lookups are counted beside the route's own requests (the same series).
  auto lookup_metrics = std::make_shared<http::RouteMetrics>(registry, "/products/{id}");
  router.add(http::Verb::get, "/products/bulk/test",
             [&products, &pool, &clock, lookup_metrics](http::RequestContext& request) {
               return bulk_test(products, pool, clock, *lookup_metrics, request);
             },
             {admin_guard});
  router.add(http::Verb::get, "/healthz",
             [](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
               co_return http::json_response(http::Status::ok, R"({"status":"ok"})");
             });
  router.add(http::Verb::get, "/readyz",
             [&readiness](http::RequestContext&) { return readiness.check(); });
  router.add(http::Verb::get, "/metrics",
             [&registry](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
               http::Response response{http::Status::ok, 11};
               response.set(http::beast_http::field::content_type,
                            telemetry::kPrometheusContentType);
               response.body() = telemetry::render_prometheus(registry);
               co_return response;
             });
}

}  // namespace srelab::catalog
