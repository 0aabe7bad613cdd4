#include "catalog/answers.hpp"

#include <boost/json/object.hpp>

#include "core/json_string.hpp"
#include "http/responses.hpp"

namespace srelab::catalog {

ErrorStatus error_status(const boost::system::error_code& code) {
  if (code.category() != srelab_category())
    return {http::Status::internal_server_error, "Internal Server Error"};
  switch (static_cast<errc>(code.value())) {
    case errc::invalid_argument:
      return {http::Status::bad_request, "Bad Request"};
    case errc::not_found:
      return {http::Status::not_found, "Not Found"};
    case errc::pool_exhausted:
      return {http::Status::service_unavailable, "Pool Exhausted"};
    case errc::circuit_open:
      return {http::Status::service_unavailable, "Circuit Open"};
    case errc::db_unavailable:
      return {http::Status::service_unavailable, "Database Unavailable"};
    case errc::db_timeout:
      return {http::Status::gateway_timeout, "Database Timeout"};
    case errc::db_query_failed:
      return {http::Status::internal_server_error, "Database Error"};
    case errc::cache_unavailable:
    case errc::cache_error:
      return {http::Status::service_unavailable, "Cache Unavailable"};
    case errc::timeout:
      return {http::Status::gateway_timeout, "Timeout"};
    case errc::cancelled:
      return {http::Status::service_unavailable, "Shutting Down"};
    case errc::ok:
    case errc::protocol_error:
      break;
  }
  return {http::Status::internal_server_error, "Internal Server Error"};
}

http::Response error_response(const boost::system::error_code& code, std::string_view detail) {
  const ErrorStatus mapped = error_status(code);
  return http::json_error(mapped.status, mapped.error, detail);
}

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

std::string served_body(const ProductView& view) {
  if (view.source != Source::fallback_emergency) return with_source(view.json, view.source);
  return view.emergency ? with_emergency_source(view.json)
                        : with_stale_source(view.json, view.stale_age_s);
}

LookupAnswer served(const ProductView& view) {
  std::string body = served_body(view);
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
