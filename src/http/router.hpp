// Maps (method, path) to a handler; the server's sessions ask it once per request. Patterns are
// literal segments and "{name}" captures; a literal segment wins over a capture at the same
// position ("/products/bulk/test" beats "/products/{id}"). Matching is strict: "/hello/" does not
// match "/hello", and paths are compared as sent (no percent-decoding). A HEAD request falls back
// to the GET route of the path when no HEAD route matches. Matching allocates nothing but the
// params of the route found (and the Allow list of a 405).
// Each route carries its middleware (http/middleware.hpp), composed while the router is built:
// the router-wide layers in the order given to use(), then the route's own from add(). A route may
// also carry a body limit of its own (a report upload takes more than the server's default); the
// session asks body_limit() once the header of a request with a body is in.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "http/middleware.hpp"

namespace srelab::http {

struct RouteMatch {
  enum class Kind { found, not_found, method_not_allowed };
  Kind kind = Kind::not_found;
  const Handler* handler = nullptr;       // set when found
  std::span<const MiddlewarePtr> layers;  // the route's middleware, outermost first, when found
  std::string_view route;                 // the pattern, when found
  RouteParams params;                     // captures, when found
  std::string allow;                      // "GET, HEAD" style list, when method_not_allowed
};

// Told about every answer http/ gives without running a handler: the Router's 404 and 405 and
// the session's protocol errors (400, 408, 413, 431, 503 over max_connections), so the owner can
// count what its handlers never see. `took` runs from the complete request (404, 405) or its
// first byte (protocol errors) to the answer. Called on the session's thread, once per answer;
// it must not throw.
using UnmatchedObserver =
    std::function<void(Status status, std::chrono::steady_clock::duration took)>;

class Router {
 public:
  Router() = default;

  // Throws std::invalid_argument for a malformed pattern (not starting with '/', a brace that
  // is not a whole "{name}" segment) or a route that duplicates one already added: both are
  // bugs in the code that builds the router, found at startup.
  // `layers` are the route's own middleware, inside the router-wide ones; `body_limit`, when
  // set, replaces the server's body limit (ServerSettings::body_limit) for this route.
  void add(Verb method, std::string pattern, Handler handler,
           std::vector<MiddlewarePtr> layers = {},
           std::optional<std::size_t> body_limit = std::nullopt);
  RouteMatch match(Verb method, std::string_view path) const;

  // The body limit of the route `method` and `path` reach (HEAD falls back to GET as in match),
  // when it has one of its own. Allocates nothing.
  std::optional<std::size_t> body_limit(Verb method, std::string_view path) const;
  // The largest body limit of any route's own, 0 when none has one: until the session knows a
  // request's route, it must let its parser accept that much.
  std::size_t largest_body_limit() const { return largest_body_limit_; }

  // Router-wide middleware, for every route (those added already too), after the router-wide
  // layers given before it: `layer` itself, or one that `factory` makes from each route's pattern.
  void use(MiddlewarePtr layer);
  void use(MiddlewareFactory factory);

  // Layers around the answers no route gives (the Router's 404 and 405): each before() runs, then
  // each after() with the answer, as around a route, so that e.g. request tracing sees scans too.
  // The context's route is empty. Not the router-wide layers: those are made per route.
  void use_for_unmatched(MiddlewarePtr layer) { unmatched_layers_.push_back(std::move(layer)); }
  std::span<const MiddlewarePtr> unmatched_layers() const { return unmatched_layers_; }

  // Set while building the router, before the server starts; sessions call observe_unmatched.
  void set_unmatched_observer(UnmatchedObserver observer) { unmatched_ = std::move(observer); }
  void observe_unmatched(Status status, std::chrono::steady_clock::duration took) const {
    if (unmatched_) unmatched_(status, took);
  }

 private:
  struct Segment {
    std::string text;  // the literal, or the capture's name without braces
    bool capture = false;
  };
  struct Route {
    Verb method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
    std::vector<MiddlewarePtr> layers;  // the first `wide_.size()` are the router-wide ones
    std::optional<std::size_t> body_limit;
  };
  const Route* find(Verb method, std::string_view path, bool& path_known) const;

  std::vector<Route> routes_;  // most specific first, so the first match of a method wins
  std::vector<MiddlewareFactory> wide_;
  std::vector<MiddlewarePtr> unmatched_layers_;
  UnmatchedObserver unmatched_;
  std::size_t largest_body_limit_ = 0;
};

// Runs a matched route: `handler` inside `layers`, outermost first. A handler that throws has a
// bug: it is reported on stderr and the client gets a 500, which the after() hooks see like any
// answer.
boost::asio::awaitable<Response> run_route(std::span<const MiddlewarePtr> layers,
                                           const Handler& handler, RequestContext& context);

// `answer` (a 404 or 405) inside `layers`, outermost first; an early answer of a before() hook
// replaces it. Not a coroutine: nothing here waits.
Response run_unmatched(std::span<const MiddlewarePtr> layers, RequestContext& context,
                       Response answer);

}  // namespace srelab::http
