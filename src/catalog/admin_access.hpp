// Who may use the endpoints that change the lab (chaos, resilience, bulk test). Open while the
// server listens on loopback only; on any other address they need `Authorization: Bearer
// <token>`, and with no token configured they answer 403 saying how to enable them.
#pragma once

#include <optional>
#include <string>

#include "http/message.hpp"

namespace srelab::catalog {

struct AdminAccess {
  std::string listen_host;  // as given to --host
  std::string token;        // empty: none configured
};

bool is_loopback_host(const std::string& host);

// nullopt when `request` may go ahead; otherwise the 401/403 answer.
std::optional<http::Response> check_admin_access(const AdminAccess& access,
                                                 const http::Request& request);

// `handler` behind check_admin_access.
http::Handler guarded(const AdminAccess& access, http::Handler handler);

}  // namespace srelab::catalog
