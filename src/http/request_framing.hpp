// The checks on a request's header that decide whether the server and any proxy in front of it
// agree on where the request ends and who it is for (RFC 9112 §3.2 Host, §6.1 and §6.3 framing).
// The session calls framing_error() once the header is parsed and before it reads a byte of the
// body: a refused request is answered and its connection closed, so bytes a proxy might have
// framed differently are never parsed as a request of their own (request smuggling). Pure
// functions on Beast's parsed header, unit-tested and fuzzed without sockets; parse_host_header
// also serves the admin guard (admin_access.hpp), which compares the Host's host part.
#pragma once

#include <optional>
#include <string_view>

#include "http/message.hpp"
#include "http/request_error.hpp"

namespace srelab::http {

using RequestHeader = beast_http::request_header<>;

// nullopt when the header may go on to its body and the router; otherwise the answer:
//  - 400: more than one Host; a Host that parse_host_header refuses; no Host in HTTP/1.1.
//  - 400: any Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1: its framing is faulty); in HTTP/1.1
//    a Transfer-Encoding whose codings (all its fields, as one list) are empty, do not end in
//    `chunked` (`gzip`, `identity`, `chunked, gzip`) or name `chunked` twice; Transfer-Encoding
//    together with Content-Length (§6.3 lets a server refuse it rather than drop the length).
//  - 501: a valid chunked Transfer-Encoding with another coding before `chunked` (`gzip,
//    chunked`): the framing is sound but the server decodes no coding but chunked (§6.1).
// Beast refuses some of these shapes itself while parsing; this function does not rely on it.
std::optional<RequestError> framing_error(const RequestHeader& header);

// A Host field value split as RFC 9112 §3.2 and RFC 3986 §3.2.2 define it: host is a reg-name
// (letters, digits, "-._~", sub-delims and %XX escapes, as sent: nothing is decoded or
// lowercased), an IPv4 address or an IPv6 address in brackets (returned without them; no zone
// id, no IPvFuture); port is empty when absent, else digits of a value <= 65535. nullopt for
// anything else: an empty host, userinfo ("user@host"), a ':' with no port after it, spaces,
// '/', several ports.
struct HostPort {
  std::string_view host;
  std::string_view port;
};
std::optional<HostPort> parse_host_header(std::string_view value);

}  // namespace srelab::http
