// The catalog's outcomes as HTTP answers, in one place: the mapping from the project's error
// codes (errc and the backends' codes) to an HTTP status and JSON error body, and one product
// lookup as the outside world sees it (status, body, source). GET /products/{id} answers with a
// lookup and the bulk test reports it, so both tell the same story. Rejected inputs (FieldError)
// are answered by http::field_error (http/responses.hpp).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/operation_context.hpp"
#include "catalog/product_outcome.hpp"
#include "catalog/product_service.hpp"
#include "core/errc.hpp"
#include "http/message.hpp"

namespace srelab::catalog {

struct ErrorStatus {
  http::Status status;
  std::string_view error;  // the short "error" of the JSON body
};

ErrorStatus error_status(const boost::system::error_code& code);

// json_error with the status and short error of `code`, and `detail`.
http::Response error_response(const boost::system::error_code& code, std::string_view detail);

struct LookupAnswer {
  http::Status status = http::Status::ok;
  std::string body;         // JSON
  std::string_view source;  // "cache", "database", "fallback_emergency"; empty on failure
  std::string error;        // the short error on failure, e.g. "Pool Exhausted"
  PoolSighting pool;        // the pool as the lookup found it, served or not
};

boost::asio::awaitable<LookupAnswer> lookup_product(ProductService& products, std::int32_t id,
                                                    OperationContext& context);

}  // namespace srelab::catalog
