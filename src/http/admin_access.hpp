// Who may use the endpoints that change the lab (chaos, resilience, bulk test) or look inside it
// (the console API). Open while the server listens on loopback only; on any other address they
// need `Authorization: Bearer <token>`, and with no token configured they answer 403 saying how to
// enable them. The composition root makes one AdminGuard from the configured AdminAccess and hands
// it to the modules that add such routes, which give it to Router::add as a route's own layer.
#pragma once

#include <optional>
#include <string>

#include "http/message.hpp"
#include "http/middleware.hpp"

namespace srelab::http {

struct AdminAccess {
  std::string listen_host;  // as given to --host
  std::string token;        // empty: none configured
};

bool is_loopback_host(const std::string& host);

// nullopt when `request` may go ahead; otherwise the 401/403 answer.
std::optional<Response> check_admin_access(const AdminAccess& access, const Request& request);

// The layer that answers check_admin_access's refusal in place of the handler. It holds no
// per-request state, so one is shared by every router and thread.
class AdminGuard final : public Middleware {
 public:
  explicit AdminGuard(AdminAccess access) : access_(std::move(access)) {}
  std::optional<Response> before(RequestContext& context) override {
    return check_admin_access(access_, context.request);
  }

 private:
  const AdminAccess access_;
};

}  // namespace srelab::http
