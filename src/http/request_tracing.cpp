#include "http/request_tracing.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>
#include <optional>
#include <string>

#include "http/query_redaction.hpp"
#include "telemetry/tracing/error_stack.hpp"

namespace srelab::http {
namespace {

// A header's value; nullopt when the request has none.
std::optional<std::string_view> header(const Request& request, std::string_view name) {
  const auto found = request.find(boost::beast::string_view(name.data(), name.size()));
  if (found == request.end()) return std::nullopt;
  return std::string_view(found->value().data(), found->value().size());
}

// The answer's own words for a 5xx: {"error": …, "detail": …} as every error here is shaped;
// the type is the error's name as a type ("Pool Exhausted" → http.PoolExhausted), else the
// status's ("http.ServiceUnavailable"). The stack is the failure's under the request's span.
void tag_server_error(telemetry::Span& span, const Response& response) {
  const auto reason = beast_http::obsolete_reason(response.result());
  std::string type(reason.data(), reason.size());
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
  span.set_error_from_descendants(telemetry::error_type_name("http", type), message);
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         boost::beast::iequals(text.substr(0, prefix.size()), prefix);
}

// What the span needs from the request's headers, in one pass over the few it has: the Host,
// and whether any header could continue a caller's trace (x-datadog-*, traceparent,
// tracestate; most requests have none).
struct HeaderScan {
  std::string_view host;
  bool may_carry_context = false;
};

HeaderScan scan_headers(const Request& request) {
  HeaderScan scan;
  for (const auto& field : request) {
    if (field.name() == beast_http::field::host) {
      if (scan.host.empty())
        scan.host = std::string_view(field.value().data(), field.value().size());
      continue;
    }
    const std::string_view name(field.name_string().data(), field.name_string().size());
    if (starts_with_ignoring_case(name, "x-datadog-") || starts_with_ignoring_case(name, "trace"))
      scan.may_carry_context = true;
  }
  return scan;
}

}  // namespace

std::optional<Response> RequestTracing::before(RequestContext& context) {
  const Request& message = context.request;
  const HeaderScan headers = scan_headers(message);
  std::optional<telemetry::TraceContext> parent;
  if (headers.may_carry_context)
    parent =
        telemetry::extract([&message](std::string_view name) { return header(message, name); });
  telemetry::Span& root = context.root_span;
  root = tracer_.start_root(sink_, "http.request", {}, parent);
  root.set_type("web");
  const std::string_view method = message.method_string();
  // A request no route matched is "GET" alone: the path a scanner sent must not become a
  // resource (one per path), but the request must show.
  std::string resource(method);
  if (!context.route.empty()) resource.append(" ").append(context.route);
  root.set_resource(resource);
  root.set_tag("span.kind", "server");
  root.set_tag("http.method", method);
  if (!context.route.empty()) root.set_tag("http.route", context.route);
  const std::string_view scheme = headers.host.empty() ? std::string_view() : "http://";
  std::string url(scheme);
  const std::string_view target = message.target();
  const auto question = target.find('?');
  url.append(headers.host).append(target.substr(0, question));
  if (question != std::string_view::npos)
    url.append("?").append(redact_query(target.substr(question + 1)));
  root.set_tag("http.url", url);
  context.span = &root;
  return std::nullopt;
}

void RequestTracing::after(RequestContext& context, Response& response) {
  context.span = nullptr;
  telemetry::Span& root = context.root_span;
  if (!root.recording()) return;
  const int status = response.result_int();
  root.set_tag("http.status_code", std::to_string(status));
  if (status >= 500) tag_server_error(root, response);
  const std::string id = telemetry::to_hex(root.trace_id());
  // As a field of the answer, not appended to the head by hand: that saved nothing measurable
  // (bench/compare_builds.sh, 9 rounds: the field was no slower).
  response.insert("X-Trace-Id", id);
  root.finish();  // the trace goes to the sink now, before the answer is written
}

}  // namespace srelab::http
