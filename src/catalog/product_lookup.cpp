#include "catalog/product_lookup.hpp"

#include <boost/json/object.hpp>

#include "catalog/error_response.hpp"
#include "core/json_string.hpp"

namespace srelab::catalog {
namespace {

// {"error": …, "detail": …} plus, for pool exhaustion, the pool as this request saw it.
std::string failure_body(const ErrorStatus& mapped, const ProductFailure& failure,
                         const OperationContext& context) {
  boost::json::object body;
  body["error"] = mapped.error;
  body["detail"] = failure.detail;
  if (failure.code == errc::pool_exhausted && context.pool_observed) {
    boost::json::object pool;
    pool["active"] = context.pool_active;
    pool["size"] = context.pool_size;
    pool["waiting"] = context.pool_waiting;
    body["pool"] = std::move(pool);
  }
  return to_json_text(body);
}

}  // namespace

boost::asio::awaitable<LookupOutcome> lookup_product(ProductService& products, std::int32_t id,
                                                     OperationContext& context) {
  ProductFailure failure;
  auto view = co_await products.get(id, context, failure);
  if (context.span && context.span->recording()) {
    context.span->set_metric("product.id", id);
    if (view) context.span->set_tag("app.source", to_string(view->source));
  }
  if (view) {
    std::string body = view->source == Source::fallback_emergency
                           ? with_stale_source(view->json, view->stale_age_s)
                           : with_source(view->json, view->source);
    co_return LookupOutcome{http::Status::ok, std::move(body), to_string(view->source), {}};
  }
  if (failure.detail.empty()) failure = {view.error(), view.error().message()};
  const ErrorStatus mapped = error_status(failure.code);
  co_return LookupOutcome{
      mapped.status, failure_body(mapped, failure, context), {}, std::string(mapped.error)};
}

}  // namespace srelab::catalog
