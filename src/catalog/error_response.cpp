#include "catalog/error_response.hpp"

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

}  // namespace srelab::catalog
