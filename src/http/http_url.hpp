// An absolute http:// URL, read once for every client in the project: the blocking exchange
// (http/exchange.hpp), the trace exporters' transport, the experiment runner's targets and the
// service's own URL flags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace srelab::http {

struct HttpUrl {
  std::string host;  // to connect to: an IPv6 address without its brackets
  std::uint16_t port = 80;
  std::string host_header;  // host[:port] as the URL spells it: the Host header
  std::string target;       // origin-form: path and query, "/" at least
};

// A fragment is allowed and never sent (as curl does). nullopt for anything else: another scheme,
// no host (or one that is not a name, IPv4 or [IPv6]), credentials (user:password@ is never sent),
// port 0.
std::optional<HttpUrl> parse_http_url(std::string_view url);

}  // namespace srelab::http
