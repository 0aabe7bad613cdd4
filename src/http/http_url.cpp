#include "http/http_url.hpp"

#include <boost/url/parse.hpp>

namespace srelab::http {

std::optional<HttpUrl> parse_http_url(std::string_view text) {
  const auto parsed = boost::urls::parse_uri(text);
  if (!parsed || parsed->scheme_id() != boost::urls::scheme::http || !parsed->has_authority() ||
      parsed->has_userinfo()) {
    return std::nullopt;
  }
  const auto host_type = parsed->host_type();
  if (host_type != boost::urls::host_type::name && host_type != boost::urls::host_type::ipv4 &&
      host_type != boost::urls::host_type::ipv6) {
    return std::nullopt;
  }
  HttpUrl url;
  url.host = parsed->host_address();
  if (url.host.empty()) return std::nullopt;
  if (parsed->has_port()) {
    if (parsed->port_number() == 0) return std::nullopt;
    url.port = parsed->port_number();
  }
  url.host_header = std::string(parsed->encoded_host_and_port());
  url.target = std::string(parsed->encoded_target());
  if (!url.target.starts_with("/")) url.target.insert(0, "/");
  return url;
}

}  // namespace srelab::http
