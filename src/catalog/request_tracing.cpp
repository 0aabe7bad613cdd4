#include "catalog/request_tracing.hpp"

#include <boost/json/parse.hpp>
#include <charconv>
#include <optional>
#include <string>

namespace srelab::catalog {
namespace {

// A header's value; nullopt when the request has none.
std::optional<std::string_view> header(const http::Request& request, std::string_view name) {
  const auto found = request.find(boost::beast::string_view(name.data(), name.size()));
  if (found == request.end()) return std::nullopt;
  return std::string_view(found->value().data(), found->value().size());
}

// The answer's own words for a 5xx: {"error": …, "detail": …} as every error here is shaped.
void tag_server_error(telemetry::Span& span, const http::Response& response) {
  std::string type = "HTTP " + std::to_string(response.result_int());
  std::string message;
  boost::system::error_code ec;
  const auto body = boost::json::parse(response.body(), ec);
  if (!ec && body.is_object()) {
    const auto& object = body.as_object();
    if (const auto* error = object.if_contains("error"); error && error->is_string())
      type = std::string(error->as_string());
    if (const auto* detail = object.if_contains("detail"); detail && detail->is_string())
      message = std::string(detail->as_string());
  }
  span.set_error(type, message);
}

}  // namespace

http::Handler RequestTracing::traced(http::Verb method, std::string_view route,
                                     http::Handler handler) {
  auto resource = std::make_shared<const std::string>(
      std::string(http::beast_http::to_string(method)) + " " + std::string(route));
  return [this, resource, handler = std::move(handler)](
             http::RequestContext& request) -> boost::asio::awaitable<http::Response> {
    const http::Request& message = request.request;
    const auto parent =
        telemetry::extract([&message](std::string_view name) { return header(message, name); });
    telemetry::Span root = tracer_.start_root(sink_, "http.request", *resource, parent);
    const std::string_view method_text = message.method_string();
    const std::string_view target = message.target();
    const std::string_view host = header(message, "host").value_or(std::string_view{});
    root.set_tag("span.kind", "server");
    root.set_tag("http.method", method_text);
    root.set_tag("http.route", request.route);
    std::string& url = root.data().meta["http.url"];  // filled in place: no temporary strings
    if (!host.empty()) url.append("http://").append(host);
    url.append(target);
    request.span = &root;

    http::Response response = co_await handler(request);

    request.span = nullptr;
    const int status = response.result_int();
    root.set_tag("http.status_code", std::to_string(status));
    if (status >= 500) tag_server_error(root, response);
    const telemetry::TraceId& id = root.data().trace_id;
    response.set("X-Trace-Id", telemetry::hex_text(id).view());
    char decimal[20];
    const auto written = std::to_chars(decimal, decimal + sizeof decimal, id.low).ptr;
    response.set("X-Datadog-Trace-Id", std::string_view(decimal, std::size_t(written - decimal)));
    co_return response;
  };
}

}  // namespace srelab::catalog
