// The one way to put behaviour around the router's handlers: an ordered list of layers, each with
// a hook before the handler and one after it. Request tracing, route metrics and the admin guard
// are layers; the Router composes each route's list once, when it is built (Router::use for every
// route, Router::add for one), and the session runs it with run_route (router.hpp). The hooks are
// plain calls on the session's thread: a layer that wrapped the handler in a coroutine of its own
// would cost a frame and a resumption on every request.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "http/message.hpp"

namespace srelab::http {

// A layer may be shared by many routes and by the concurrent requests of its thread, so whatever
// belongs to one request lives in the RequestContext, not in the layer. Neither hook may throw.
class Middleware {
 public:
  virtual ~Middleware() = default;
  // An answer here is the request's answer: the handler and the later layers' before() are
  // skipped (e.g. the admin guard's 401).
  virtual std::optional<Response> before(RequestContext&) { return std::nullopt; }
  // With the answer about to be sent (the handler's, an early one, or the 500 of a handler that
  // threw), for every layer whose before() ran, in reverse order.
  virtual void after(RequestContext&, Response&) {}
};

using MiddlewarePtr = std::shared_ptr<Middleware>;
// Makes the layer of one route from its pattern (e.g. metrics labelled with the route); the
// Router calls it once per route.
using MiddlewareFactory = std::function<MiddlewarePtr(std::string_view route)>;

}  // namespace srelab::http
