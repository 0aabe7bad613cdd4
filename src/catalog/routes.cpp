#include "catalog/routes.hpp"

#include <string>

#include "catalog/error_response.hpp"
#include "catalog/product_id.hpp"
#include "http/responses.hpp"

namespace srelab::catalog {
namespace {

boost::asio::awaitable<http::Response> get_product(ProductService& products, const Clock& clock,
                                                   http::RequestContext& request) {
  const ProductIdParse parsed = parse_product_id(request.params.get("id"));
  if (!parsed.problem.empty())
    co_return http::json_error(http::Status::bad_request, "Invalid Product Id", parsed.problem);

  OperationContext operation{clock.now()};
  auto view = co_await products.get(parsed.id, operation);
  if (!view) {
    if (view.error() == errc::not_found)
      co_return error_response(view.error(),
                               "product " + std::to_string(parsed.id) + " does not exist");
    co_return error_response(
        view.error(), "product " + std::to_string(parsed.id) + ": " + view.error().message());
  }
  co_return http::json_response(http::Status::ok, with_source(view->json, view->source));
}

}  // namespace

void add_catalog_routes(http::Router& router, ProductService& products, Readiness& readiness,
                        const Clock& clock) {
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
