// One product lookup as the outside world sees it: the HTTP status, the JSON body and the source.
// GET /products/{id} answers with it and the bulk test reports it, so both tell the same story.
// This is where a ProductFailure's code becomes an HTTP status (error_response.hpp).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/operation_context.hpp"
#include "catalog/product_outcome.hpp"
#include "catalog/product_service.hpp"
#include "http/message.hpp"

namespace srelab::catalog {

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
