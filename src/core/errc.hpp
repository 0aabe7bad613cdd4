// The project's one error vocabulary. Every backend maps its own failures onto these codes
// (postgres/sqlstate.cpp, redis/...), and catalog/ maps them to an HTTP status and JSON body.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <system_error>

namespace srelab {

enum class errc {
  ok = 0,
  invalid_argument,   // a caller's input was wrong
  not_found,          // the thing asked for does not exist
  timeout,            // a deadline passed
  cancelled,          // the operation was abandoned (shutdown)
  cache_unavailable,  // Redis is down or reconnecting
  cache_error,        // Redis answered with an error reply
  db_unavailable,     // Postgres cannot be reached (connect failed, connection lost)
  db_query_failed,    // Postgres answered with an error for this query
  db_timeout,         // statement timeout or client-side query deadline
  pool_exhausted,     // no pooled connection freed up before the acquire deadline
  circuit_open,       // the circuit breaker rejected the call
  protocol_error,     // a peer sent something we could not parse
};

const boost::system::error_category& srelab_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), srelab_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace srelab

namespace boost::system {
template <>
struct is_error_code_enum<srelab::errc> : std::true_type {};
}  // namespace boost::system
