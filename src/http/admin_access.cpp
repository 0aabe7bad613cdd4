#include "http/admin_access.hpp"

#include <boost/asio/ip/address.hpp>

#include "http/responses.hpp"

namespace srelab::http {
namespace {

// Compares without stopping at the first difference, so timing does not reveal the token.
bool same_secret(std::string_view given, std::string_view expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i)
    difference |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  return difference == 0;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

std::optional<Response> check_admin_access(const AdminAccess& access, const Request& request) {
  if (is_loopback_host(access.listen_host)) return std::nullopt;
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

}  // namespace srelab::http
