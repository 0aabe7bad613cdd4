#include "catalog/product_lookup.hpp"

#include <boost/json/object.hpp>

#include "catalog/error_response.hpp"
#include "core/json_string.hpp"

namespace srelab::catalog {
namespace {

// {"error": …, "detail": …} plus, for pool exhaustion, the pool as this request saw it.
std::string failure_body(const ErrorStatus& mapped, const ProductFailure& failure) {
  boost::json::object body;
  body["error"] = mapped.error;
  body["detail"] = failure.reason.empty() ? failure.code.message() : failure.reason;
  if (failure.code == errc::pool_exhausted && failure.pool) {
    boost::json::object pool;
    pool["active"] = failure.pool->active;
    pool["size"] = failure.pool->size;
    pool["waiting"] = failure.pool->waiting;
    body["pool"] = std::move(pool);
  }
  return to_json_text(body);
}

LookupAnswer served(const ProductView& view) {
  std::string body = view.source == Source::fallback_emergency
                         ? with_stale_source(view.json, view.stale_age_s)
                         : with_source(view.json, view.source);
  return {http::Status::ok, std::move(body), to_string(view.source), {}, view.pool};
}

LookupAnswer failed(const ProductFailure& failure) {
  const ErrorStatus mapped = error_status(failure.code);
  return {
      mapped.status, failure_body(mapped, failure), {}, std::string(mapped.error), failure.pool};
}

}  // namespace

boost::asio::awaitable<LookupAnswer> lookup_product(ProductService& products, std::int32_t id,
                                                    OperationContext& context) {
  const ProductOutcome outcome = co_await products.get(id, context);
  if (context.span && context.span->recording()) {
    context.span->set_metric("product.id", id);
    if (outcome) context.span->set_tag("app.source", to_string(outcome->source));
  }
  LookupAnswer answer = outcome ? served(*outcome) : failed(outcome.error());
  co_return answer;
}

}  // namespace srelab::catalog
