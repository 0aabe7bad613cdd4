// Maps (method, path) to a handler; the server's sessions ask it once per request. Patterns are
// literal segments and "{name}" captures; a literal segment wins over a capture at the same
// position ("/products/bulk/test" beats "/products/{id}"). Matching is strict: "/hello/" does not
// match "/hello", and paths are compared as sent (no percent-decoding). A HEAD request falls back
// to the GET route of the path when no HEAD route matches. Matching allocates nothing but the
// params of the route found (and the Allow list of a 405).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace srelab::http {

struct RouteMatch {
  enum class Kind { found, not_found, method_not_allowed };
  Kind kind = Kind::not_found;
  const Handler* handler = nullptr;  // set when found
  std::string_view route;            // the pattern, when found
  RouteParams params;                // captures, when found
  std::string allow;                 // "GET, HEAD" style list, when method_not_allowed
};

// Told about every request a route's handler serves, on the session's thread, without a
// coroutine of its own (a wrapping coroutine costs a frame and a resumption on every request):
// started() before the handler runs, finished() with its answer before the session sends it —
// also the 500 the session makes when the handler throws. The owner's cross-cutting concern:
// tracing. Neither may throw.
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual void started(RequestContext& context) = 0;
  virtual void finished(RequestContext& context, Response& response) = 0;
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
  void add(Verb method, std::string pattern, Handler handler);
  RouteMatch match(Verb method, std::string_view path) const;

  // Set while building the router, before the server starts; sessions call observe_unmatched.
  void set_unmatched_observer(UnmatchedObserver observer) { unmatched_ = std::move(observer); }
  void observe_unmatched(Status status, std::chrono::steady_clock::duration took) const {
    if (unmatched_) unmatched_(status, took);
  }
  // Set while building the router (null: none); it must outlive the router's sessions.
  void set_request_observer(RequestObserver* observer) { observer_ = observer; }
  RequestObserver* request_observer() const { return observer_; }

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
  };
  std::vector<Route> routes_;  // most specific first, so the first match of a method wins
  UnmatchedObserver unmatched_;
  RequestObserver* observer_ = nullptr;
};

}  // namespace srelab::http
