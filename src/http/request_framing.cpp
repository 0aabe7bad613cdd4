#include "http/request_framing.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <string>
#include <vector>

#include "core/comma_list.hpp"

namespace srelab::http {
namespace {

RequestError make(Status status, std::string detail) {
  return {status, beast_http::obsolete_reason(status), std::move(detail)};
}

std::optional<RequestError> host_error(const RequestHeader& header) {
  const auto hosts = header.count(beast_http::field::host);
  if (hosts > 1) return make(Status::bad_request, "the request has more than one Host header");
  if (hosts == 0) {
    if (header.version() == 11)
      return make(Status::bad_request, "an HTTP/1.1 request must have a Host header");
    return std::nullopt;
  }
  if (!parse_host_header(header[beast_http::field::host]))
    return make(Status::bad_request,
                "the Host header is not a valid host[:port] (a name, an IPv4 address or an IPv6 "
                "address in brackets, then optionally ':' and a port up to 65535)");
  return std::nullopt;
}

// The codings of every Transfer-Encoding field, in order, as one list (RFC 9110 §5.3: several
// fields mean their values joined by commas); empty list elements are skipped (§5.6.1).
std::vector<std::string_view> transfer_codings(const RequestHeader& header) {
  std::vector<std::string_view> codings;
  const auto [first, last] = header.equal_range(beast_http::field::transfer_encoding);
  for (auto it = first; it != last; ++it) {
    for (const std::string_view coding : split_comma_list(it->value()))
      if (!coding.empty()) codings.push_back(coding);
  }
  return codings;
}

bool is_chunked(std::string_view coding) {
  return boost::beast::iequals(coding, "chunked");
}

std::optional<RequestError> transfer_encoding_error(const RequestHeader& header) {
  if (header.find(beast_http::field::transfer_encoding) == header.end()) return std::nullopt;
  if (header.version() < 11)
    return make(Status::bad_request, "Transfer-Encoding is not allowed in an HTTP/1.0 request");
  if (header.find(beast_http::field::content_length) != header.end())
    return make(Status::bad_request,
                "a request must not have both Transfer-Encoding and Content-Length");
  const std::vector<std::string_view> codings = transfer_codings(header);
  if (codings.empty()) return make(Status::bad_request, "Transfer-Encoding names no coding");
  if (!is_chunked(codings.back()))
    return make(Status::bad_request, "the final Transfer-Encoding coding must be chunked, not '" +
                                         std::string(codings.back()) + "'");
  for (std::size_t i = 0; i + 1 < codings.size(); ++i) {
    if (is_chunked(codings[i]))
      return make(Status::bad_request, "Transfer-Encoding applies chunked more than once");
  }
  if (codings.size() > 1)
    return make(Status::not_implemented, "the transfer coding '" + std::string(codings.front()) +
                                             "' is not supported; only chunked is");
  return std::nullopt;
}

}  // namespace

std::optional<RequestError> framing_error(const RequestHeader& header) {
  if (auto error = host_error(header)) return error;
  return transfer_encoding_error(header);
}

std::optional<HostPort> parse_host_header(std::string_view value) {
  const auto authority = boost::urls::parse_authority(value);
  if (!authority || authority->has_userinfo()) return std::nullopt;
  const auto type = authority->host_type();
  if (type != boost::urls::host_type::name && type != boost::urls::host_type::ipv4 &&
      type != boost::urls::host_type::ipv6)
    return std::nullopt;
  const std::string_view host = authority->encoded_host_address();
  if (host.empty()) return std::nullopt;
  const std::string_view port = authority->port();
  if (authority->has_port()) {
    unsigned number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || number > 65535)
      return std::nullopt;
  }
  return HostPort{host, port};
}

}  // namespace srelab::http
