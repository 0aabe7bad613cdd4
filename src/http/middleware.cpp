#include "http/middleware.hpp"

#include <cstdio>
#include <exception>
#include <string>

#include "http/responses.hpp"

namespace srelab::http {
namespace {

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

std::optional<Response> Middleware::before(RequestContext&) {
  return std::nullopt;
}

void Middleware::after(RequestContext&, Response&) {}

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

}  // namespace srelab::http
