// The HTTP types every handler sees: a Beast request and response, and the per-request context
// that travels down the request path, with the request's span when it is traced.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "telemetry/tracing/span.hpp"

namespace srelab::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;
using Status = beast_http::status;
using Verb = beast_http::verb;

// Values captured from a route pattern, e.g. {"id", "42"} for "/products/{id}".
class RouteParams {
 public:
  void reserve(std::size_t count) { items_.reserve(count); }
  void add(std::string_view name, std::string_view value) { items_.emplace_back(name, value); }
  // Empty view when the pattern has no such parameter.
  std::string_view get(std::string_view name) const {
    for (const auto& [key, value] : items_)
      if (key == name) return value;
    return {};
  }

 private:
  std::vector<std::pair<std::string_view, std::string_view>> items_;
};

struct RequestContext {
  const Request& request;
  std::string_view path;   // the target before '?'
  std::string_view query;  // the target after '?', without it; empty when absent
  std::string_view route;  // the matched pattern, e.g. "/products/{id}"
  RouteParams params;
  telemetry::Span* span = nullptr;  // the request's root span, when traced
  // Where request tracing keeps the root span `span` points to, for the handler's duration.
  telemetry::Span root_span = telemetry::Span::inert();
  // When the request was complete and routed (set by the session): what route metrics time from.
  std::chrono::steady_clock::time_point started{};
};

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;

}  // namespace srelab::http
