// Maps (method, path) to a handler. Patterns are literal segments and "{name}" captures;
// a literal segment wins over a capture at the same position ("/products/bulk/test" beats
// "/products/{id}"). Matching allocates nothing.
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
  void add(Verb method, std::string pattern, Handler handler);
  RouteMatch match(Verb method, std::string_view path) const;

 private:
  struct Route {
    Verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace srelab::http
