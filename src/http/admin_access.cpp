#include "http/admin_access.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>

#include "http/request_framing.hpp"
#include "http/responses.hpp"

namespace srelab::http {
namespace {

using boost::beast::iequals;

// Compares without stopping at the first difference, so timing does not reveal the token.
bool same_secret(std::string_view given, std::string_view expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i)
    difference |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  return difference == 0;
}

// The origin a browser names for a page served by this request's own server: its Host.
bool is_same_origin(std::string_view origin, std::string_view host) {
  constexpr std::string_view scheme = "http://";
  return !host.empty() && origin.size() == scheme.size() + host.size() &&
         iequals(origin.substr(0, scheme.size()), scheme) &&
         iequals(origin.substr(scheme.size()), host);
}

std::optional<Response> cross_site_refusal(const Request& request) {
  for (auto [it, end] = request.equal_range("Sec-Fetch-Site"); it != end; ++it) {
    if (iequals(it->value(), "cross-site") || iequals(it->value(), "same-site"))
      return json_error(Status::forbidden, "Forbidden",
                        "admin endpoints refuse requests a browser makes for another site's page "
                        "(Sec-Fetch-Site: " +
                            std::string(it->value()) + "); use the console or curl");
  }
  const std::string_view host = request[beast_http::field::host];
  for (auto [it, end] = request.equal_range(beast_http::field::origin); it != end; ++it) {
    if (!is_same_origin(it->value(), host))
      return json_error(Status::forbidden, "Forbidden",
                        "admin endpoints refuse requests from another origin: Origin '" +
                            std::string(it->value()) + "' is not this server's 'http://" +
                            std::string(host) + "'; use the console or curl");
  }
  return std::nullopt;
}

bool is_allowed_host(const AdminAccess& access, std::string_view host) {
  if (is_loopback_host(host)) return true;
  for (const std::string& name : access.allowed_hosts)
    if (iequals(host, name)) return true;
  return false;
}

std::optional<Response> rebinding_refusal(const AdminAccess& access, const Request& request) {
  const auto field = request.find(beast_http::field::host);
  if (field == request.end()) return std::nullopt;
  const auto host = parse_host_header(field->value());
  if (host && is_allowed_host(access, host->host)) return std::nullopt;
  return json_error(Status::misdirected_request, "Misdirected Request",
                    "admin endpoints on a loopback address answer only requests for a loopback "
                    "address, localhost or a name given with --allowed-host "
                    "(SRE_LAB_ALLOWED_HOSTS), not Host '" +
                        std::string(field->value()) +
                        "' (a page whose name was re-resolved to this machine?)");
}

std::optional<Response> token_refusal(const AdminAccess& access, const Request& request) {
  if (access.token.empty())
    return json_error(
        Status::forbidden, "Forbidden",
        "admin endpoints are disabled while the service listens on " + access.listen_host +
            ": set SRE_LAB_ADMIN_TOKEN (or --admin-token) and send 'Authorization: Bearer "
            "<token>', or listen on 127.0.0.1");
  const auto header = request[beast_http::field::authorization];
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() > scheme.size() && header.substr(0, scheme.size()) == scheme &&
      same_secret(header.substr(scheme.size()), access.token))
    return std::nullopt;
  Response denied = json_error(
      Status::unauthorized, "Unauthorized",
      "admin endpoints need 'Authorization: Bearer <token>' with the configured admin token");
  denied.set(beast_http::field::www_authenticate, "Bearer");
  return denied;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (iequals(host, "localhost")) return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

std::optional<Response> check_admin_access(const AdminAccess& access, const Request& request) {
  if (auto refused = cross_site_refusal(request)) return refused;
  if (is_loopback_host(access.listen_host)) return rebinding_refusal(access, request);
  return token_refusal(access, request);
}

}  // namespace srelab::http
