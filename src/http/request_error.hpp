// What the server answers when a request cannot be served as sent: a read that failed (Beast's
// parse errors, the limits, the request timeout) or a parsed request the server refuses (target
// not starting with '/', an HTTP version other than 1.x; the Host and framing checks made before
// the body is read are request_framing.hpp's). Pure functions, so the status mapping is
// unit-tested without sockets; the session turns a RequestError into json_error(status, error,
// detail) and closes the connection.
#pragma once

#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "http/server.hpp"

namespace srelab::http {

struct RequestError {
  Status status;
  std::string_view error;  // the reason phrase, e.g. "Bad Request"
  std::string detail;      // what was wrong, e.g. Beast's "bad method"
};

// Beast parse errors → 400 with Beast's message; header_limit → 431; body_limit → 413;
// asio::error::timed_out (the session's request timer) → 408. Nothing (close silently) when the
// peer went away or the read was cancelled: there is nobody to answer.
std::optional<RequestError> read_error(const boost::system::error_code& ec,
                                       const ServerSettings& settings);

// Checks the server makes on a request Beast parsed; nothing when the request is fine.
std::optional<RequestError> request_error(const Request& request);

// Beast accepts obsolete line folding (a header line continued on the next line starting with
// a space or tab) and unfolds it; RFC 9112 lets a server reject it instead, which is safer in
// front of proxies that fold differently. header is the raw header block as received.
bool has_obsolete_line_folding(std::string_view header);

// The request target split at the first '?'; nothing unless it starts with '/'.
struct Target {
  std::string_view path;
  std::string_view query;
};
std::optional<Target> split_target(std::string_view target);

}  // namespace srelab::http
