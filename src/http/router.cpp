#include "http/router.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <iterator>
#include <stdexcept>
#include <string>

#include "http/responses.hpp"

namespace srelab::http {
namespace {

// Calls visit(index, segment) for every '/'-separated segment after the leading '/';
// "/" has one empty segment and "/a/" has two ("a" and ""), which is what makes matching strict.
template <class Visit>
void for_each_segment(std::string_view path, Visit visit) {
  std::string_view rest = path.substr(1);
  for (std::size_t index = 0;; ++index) {
    const std::size_t slash = rest.find('/');
    if (!visit(index, rest.substr(0, slash), slash == std::string_view::npos)) return;
    if (slash == std::string_view::npos) return;
    rest.remove_prefix(slash + 1);
  }
}

// Whether `path` has the segments of a route: as many, each literal equal, each capture
// non-empty.
template <class Segments>
bool fits(const Segments& segments, std::string_view path) {
  bool ok = true;
  for_each_segment(path, [&](std::size_t index, std::string_view text, bool last) {
    if (index >= segments.size()) return ok = false;
    const auto& segment = segments[index];
    if (segment.capture ? text.empty() : text != segment.text) return ok = false;
    if (last && index + 1 != segments.size()) ok = false;
    return ok;
  });
  return ok;
}

std::string_view method_name(Verb method) {
  return beast_http::to_string(method);
}

void append_method(std::string& allow, std::string_view method) {
  if (!allow.empty()) allow += ", ";
  allow += method;
}

// The before() hooks in order until one answers; `entered` counts those that ran.
std::optional<Response> enter(std::span<const MiddlewarePtr> layers, RequestContext& context,
                              std::size_t& entered) {
  std::optional<Response> early;
  while (!early && entered < layers.size()) early = layers[entered++]->before(context);
  return early;
}

void leave(std::span<const MiddlewarePtr> layers, std::size_t entered, RequestContext& context,
           Response& response) {
  while (entered > 0) layers[--entered]->after(context, response);
}

Response handler_failed(const RequestContext& context, const std::string& failure) {
  const std::string_view method = context.request.method_string();
  std::fprintf(stderr, "sre-lab http: handler of %.*s %.*s threw: %s\n",
               static_cast<int>(method.size()), method.data(),
               static_cast<int>(context.route.size()), context.route.data(), failure.c_str());
  return json_error(Status::internal_server_error, "Internal Server Error",
                    "the handler of " + std::string(context.route) + " failed");
}

}  // namespace

void Router::add(Verb method, std::string pattern, Handler handler,
                 std::vector<MiddlewarePtr> layers, std::optional<std::size_t> body_limit) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  Route route{method, std::move(pattern), {}, std::move(handler), {}, body_limit};
  if (body_limit) largest_body_limit_ = std::max(largest_body_limit_, *body_limit);
  for_each_segment(route.pattern, [&](std::size_t, std::string_view text, bool) {
    const bool capture = text.size() >= 2 && text.front() == '{' && text.back() == '}';
    if (capture) text = text.substr(1, text.size() - 2);
    if (text.find_first_of("{}") != std::string_view::npos || (capture && text.empty()))
      throw std::invalid_argument("malformed route pattern: " + route.pattern);
    route.segments.push_back({std::string(text), capture});
    return true;
  });

  // Same method and same shape (captures compare equal whatever their names): the second
  // could never be reached.
  auto same_shape = [&](const Route& other) {
    return other.method == route.method &&
           std::equal(other.segments.begin(), other.segments.end(), route.segments.begin(),
                      route.segments.end(), [](const Segment& a, const Segment& b) {
                        return a.capture == b.capture && (a.capture || a.text == b.text);
                      });
  };
  if (std::any_of(routes_.begin(), routes_.end(), same_shape))
    throw std::invalid_argument("duplicate route: " + std::string(method_name(method)) + " " +
                                route.pattern);

  route.layers.reserve(wide_.size() + layers.size());
  for (const MiddlewareFactory& make : wide_) route.layers.push_back(make(route.pattern));
  route.layers.insert(route.layers.end(), std::make_move_iterator(layers.begin()),
                      std::make_move_iterator(layers.end()));

  // Routes that can match the same path have the same number of segments; ordering them
  // lexicographically by segment kind, literal before capture, puts the literal-wins rule into
  // the order itself, so match() takes the first route that fits.
  auto more_specific = [](const Route& a, const Route& b) {
    return std::lexicographical_compare(
        a.segments.begin(), a.segments.end(), b.segments.begin(), b.segments.end(),
        [](const Segment& x, const Segment& y) { return !x.capture && y.capture; });
  };
  routes_.insert(std::upper_bound(routes_.begin(), routes_.end(), route, more_specific),
                 std::move(route));
}

void Router::use(MiddlewarePtr layer) {
  use([layer = std::move(layer)](std::string_view) { return layer; });
}

void Router::use(MiddlewareFactory factory) {
  for (Route& route : routes_) {
    const auto position = route.layers.begin() + static_cast<std::ptrdiff_t>(wide_.size());
    route.layers.insert(position, factory(route.pattern));
  }
  wide_.push_back(std::move(factory));
}

// The route `method` and `path` reach: the first that fits with that method, else (for HEAD)
// the first GET that fits; `path_known` says whether any route fits the path at all.
const Router::Route* Router::find(Verb method, std::string_view path, bool& path_known) const {
  const Route* get_for_head = nullptr;
  path_known = false;
  if (path.empty() || path.front() != '/') return nullptr;
  for (const Route& route : routes_) {
    if (!fits(route.segments, path)) continue;
    path_known = true;
    if (route.method == method) return &route;
    if (method == Verb::head && route.method == Verb::get && get_for_head == nullptr)
      get_for_head = &route;
  }
  return get_for_head;
}

std::optional<std::size_t> Router::body_limit(Verb method, std::string_view path) const {
  bool path_known = false;
  const Route* found = find(method, path, path_known);
  return found != nullptr ? found->body_limit : std::nullopt;
}

RouteMatch Router::match(Verb method, std::string_view path) const {
  RouteMatch result;
  bool path_known = false;
  const Route* found = find(method, path, path_known);
  if (found != nullptr) {
    result.kind = RouteMatch::Kind::found;
    result.handler = &found->handler;
    result.layers = found->layers;
    result.route = found->pattern;
    const auto captures = std::count_if(found->segments.begin(), found->segments.end(),
                                        [](const Segment& s) { return s.capture; });
    if (captures > 0) {
      result.params.reserve(static_cast<std::size_t>(captures));
      for_each_segment(path, [&](std::size_t index, std::string_view text, bool) {
        const Segment& segment = found->segments[index];
        if (segment.capture) result.params.add(segment.text, text);
        return true;
      });
    }
    return result;
  }
  if (!path_known) return result;

  // 405: every method some route accepts for this path, in the order routes were ranked,
  // with HEAD implied by GET (match() answers HEAD through the GET route).
  result.kind = RouteMatch::Kind::method_not_allowed;
  std::vector<Verb> listed;
  for (const Route& route : routes_) {
    if (!fits(route.segments, path) ||
        std::find(listed.begin(), listed.end(), route.method) != listed.end())
      continue;
    listed.push_back(route.method);
    append_method(result.allow, method_name(route.method));
  }
  const bool has_get = std::find(listed.begin(), listed.end(), Verb::get) != listed.end();
  const bool has_head = std::find(listed.begin(), listed.end(), Verb::head) != listed.end();
  if (has_get && !has_head) append_method(result.allow, "HEAD");
  return result;
}

// (GCC 12 can destroy a temporary with a destructor twice when it lives in a co_await or
// co_return full-expression, so the handler's answer is a named local first.)
boost::asio::awaitable<Response> run_route(std::span<const MiddlewarePtr> layers,
                                           const Handler& handler, RequestContext& context) {
  std::size_t entered = 0;
  std::optional<Response> answer = enter(layers, context, entered);
  if (!answer) {
    std::string failure;
    try {
      Response response = co_await handler(context);
      answer.emplace(std::move(response));
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "non-standard exception";
    }
    if (!answer) answer.emplace(handler_failed(context, failure));
  }
  leave(layers, entered, context, *answer);
  co_return std::move(*answer);
}

Response run_unmatched(std::span<const MiddlewarePtr> layers, RequestContext& context,
                       Response answer) {
  std::size_t entered = 0;
  if (std::optional<Response> early = enter(layers, context, entered)) answer = std::move(*early);
  leave(layers, entered, context, answer);
  return answer;
}

}  // namespace srelab::http
