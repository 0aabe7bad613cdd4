#include "catalog/routes.hpp"

#include <string>

#include "catalog/bulk_test.hpp"
#include "catalog/error_response.hpp"
#include "catalog/product_id.hpp"
#include "catalog/product_lookup.hpp"
#include "http/responses.hpp"

namespace srelab::catalog {
namespace {

boost::asio::awaitable<http::Response> get_product(ProductService& products, const Clock& clock,
                                                   http::RequestContext& request) {
  const ProductIdParse parsed = parse_product_id(request.params.get("id"));
  if (!parsed.problem.empty())
    co_return http::json_error(http::Status::bad_request, "Invalid Product Id", parsed.problem);

  OperationContext operation{};
  operation.started = clock.now();
  LookupOutcome outcome = co_await lookup_product(products, parsed.id, operation);
  co_return http::json_response(outcome.status, std::move(outcome.body));
}

boost::asio::awaitable<http::Response> bulk_test(ProductService& products, const Clock& clock,
                                                 http::RequestContext& request) {
  BulkParamsError error;
  auto params = parse_bulk_params(request.query, error);
  if (!params) co_return field_error(422, error.key, error.detail);
  // A fresh seed per call unless one is given: the wall clock is entropy enough for a lab.
  const auto fresh_seed = static_cast<std::uint64_t>(clock.wall().time_since_epoch().count());
  co_return http::json_response(http::Status::ok,
                                co_await run_bulk_test(products, *params, fresh_seed));
}

}  // namespace

void add_catalog_routes(http::Router& router, ProductService& products, Readiness& readiness,
                        const Clock& clock, const AdminAccess& access) {
  router.add(http::Verb::get, "/products/bulk/test",
             guarded(access, [&products, &clock](http::RequestContext& request) {
               return bulk_test(products, clock, request);
             }));
  router.add(http::Verb::get, "/products/{id}", [&products, &clock](http::RequestContext& request) {
    return get_product(products, clock, request);
  });
  router.add(http::Verb::get, "/healthz",
             [](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
               co_return http::json_response(http::Status::ok, R"({"status":"ok"})");
             });
  router.add(http::Verb::get, "/readyz",
             [&readiness](http::RequestContext&) { return readiness.check(); });
}

}  // namespace srelab::catalog
