// Maps (method, path) to a handler; the server's sessions ask it once per request. Patterns are
// literal segments and "{name}" captures; a literal segment wins over a capture at the same
// position ("/products/bulk/test" beats "/products/{id}"). Matching is strict: "/hello/" does not
// match "/hello", and paths are compared as sent (no percent-decoding). A HEAD request falls back
// to the GET route of the path when no HEAD route matches. Matching allocates nothing but the
// params of the route found (and the Allow list of a 405).
#pragma once

#include <string>
#include <string_view>
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

class Router {
 public:
  // Throws std::invalid_argument for a malformed pattern (not starting with '/', a brace that
  // is not a whole "{name}" segment) or a route that duplicates one already added: both are
  // bugs in the code that builds the router, found at startup.
  void add(Verb method, std::string pattern, Handler handler);
  RouteMatch match(Verb method, std::string_view path) const;

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
};

}  // namespace srelab::http
