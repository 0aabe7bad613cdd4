// Who may use the endpoints that change the lab (chaos, resilience, leak, bulk test, dependency
// faults) or look inside it (the console API). The composition root makes one AdminGuard from the
// configured AdminAccess and hands it to the modules that add such routes, which give it to
// Router::add as a route's own layer. In order, whatever the listen address:
//  1. A browser's request on another page's behalf is refused with 403: an Origin that is not the
//     request's own (`http://` + its Host; `Origin: null` never is), or Sec-Fetch-Site
//     `cross-site` or `same-site`. Without this, any page open in the learner's browser could
//     POST a "simple" text/plain or form body to 127.0.0.1:8000 and set faults. `same-site` is
//     refused too: a page on another port of the same host (another local tool) is same-site,
//     and a GET with effects (the bulk test) carries no Origin. curl sends neither header, and
//     the console and /docs are same-origin, so they pass. A valid token does not lift this: a
//     browser cannot send a token cross-site without a CORS preflight, which this server does
//     not grant, so a cross-site request with a token is not one to serve either.
//  2. While the server listens on loopback, the endpoints need no token; then the Host's host
//     part must be a loopback address (127.0.0.0/8, [::1]), `localhost` or a name given with
//     --allowed-host, else 421 Misdirected Request. This stops DNS rebinding, where a page on
//     evil.example re-resolves its own name to 127.0.0.1 and is then same-origin with itself.
//     The port is not checked: the gateway on another port forwards Host as the client sent it.
//     A request without Host passes (HTTP/1.0; no browser sends one).
//  3. On any other address they need `Authorization: Bearer <token>` (401 without it), and with
//     no token configured they answer 403 saying how to enable them. Host is not checked there:
//     the token is the defence (a rebinding page cannot know it), and the service is then
//     reached by names and addresses the lab cannot list.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "http/middleware.hpp"

namespace srelab::http {

struct AdminAccess {
  std::string listen_host;                 // as given to --host
  std::string token;                       // empty: none configured
  std::vector<std::string> allowed_hosts;  // --allowed-host: more names Host may carry (step 2)
};

// A loopback IP address (IPv6 without brackets, as parse_http_url gives it too) or `localhost`, in
// any case: the admin guard's Host check, and the addresses an experiment may target without
// --allow-remote.
bool is_loopback_host(std::string_view host);

// nullopt when `request` may go ahead; otherwise the 401/403/421 answer.
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
