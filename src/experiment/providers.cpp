#include "experiment/providers.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

namespace srelab::experiment {

namespace {

constexpr std::array<std::string_view, 6> kMethods{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
constexpr double kMaxSeconds = std::numeric_limits<double>::max();

bool absolute_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return false;
  url.remove_prefix(scheme.size());
  return !url.empty() && url.front() != '/' && url.find_first_of(" \t\r\n") == url.npos;
}

void read_method(const Fields& fields, HttpCall& call) {
  const Node* node = fields.get("method");
  if (!node) return;
  std::string method(node->text());
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end())
    return fields.fail("method", *node, "one of " + join(kMethods));
  call.method = std::move(method);
}

void read_headers(const Fields& fields, HttpCall& call) {
  const Node* node = fields.get("headers");
  if (!node) return;
  if (node->kind != Node::Kind::object) return fields.fail("headers", *node, "an object");
  for (const auto& header : node->members) {
    if (header.value.kind != Node::Kind::string) {
      fields.errors().fail(header.value.line, "header '" + header.key + "' in " + fields.what() +
                                                  " must be a string, got " +
                                                  describe(header.value));
      return;
    }
    call.headers[header.key] = header.value.text();
  }
}

// CTK takes a number, or [connect, read]: one deadline covers both here, so the larger.
void read_timeout(const Fields& fields, HttpCall& call) {
  const Node* node = fields.get("timeout");
  if (!node) return;
  constexpr std::string_view form = "a number of seconds > 0, or [connect, read] seconds";
  if (node->kind == Node::Kind::list) {
    const auto positive = [](const Node& item) {
      return number_within(item, 0, kMaxSeconds, Bound::exclusive);
    };
    if (node->items.size() != 2 || !std::all_of(node->items.begin(), node->items.end(), positive))
      return fields.fail("timeout", *node, form);
    call.timeout_s = std::max(node->items[0].scalar.to_number<double>(),
                              node->items[1].scalar.to_number<double>());
    return;
  }
  if (!number_within(*node, 0, kMaxSeconds, Bound::exclusive))
    return fields.fail("timeout", *node, form);
  call.timeout_s = node->scalar.to_number<double>();
}

std::optional<Provider> read_http(const Fields& fields) {
  HttpCall call;
  if (auto url = fields.text("url", Presence::required)) {
    if (!absolute_http_url(*url)) fields.fail("url", *fields.get("url"), "an absolute http:// URL");
    call.url = std::move(*url);
  }
  read_method(fields, call);
  read_headers(fields, call);
  if (const Node* arguments = fields.get("arguments");
      arguments && arguments->kind != Node::Kind::null) {
    if (arguments->kind != Node::Kind::object) fields.fail("arguments", *arguments, "an object");
    call.arguments = to_json(*arguments);
  }
  read_timeout(fields, call);
  call.expected_status = fields.integer("expected_status", 100, 599, "an HTTP status, 100..599");
  if (!fields.ok()) return std::nullopt;
  return call;
}

}  // namespace

std::optional<Provider> read_provider(const Node& node, const ProviderContext& context,
                                      SpecErrors& errors) {
  const std::string what = "the provider of " + context.activity;
  if (node.kind != Node::Kind::object) {
    errors.fail(node.line, what + " must be an object, got " + describe(node));
    return std::nullopt;
  }
  const Node* type = node.find("type");
  if (!type) {
    errors.fail(node.line, "missing field 'type' in " + what + " (http or sre-lab)");
    return std::nullopt;
  }
  if (type->text() == "http") {
    Fields fields(node, what,
                  {"type", "url", "method", "headers", "arguments", "timeout", "expected_status"},
                  errors);
    return read_http(fields);
  }
  if (type->text() == "sre-lab") {
    Fields fields(node, what, {"type", "func", "arguments"}, errors);
    return read_sre_lab_provider(fields, context);
  }
  if (type->text() == "python" || type->text() == "process") {
    errors.fail(type->line, "provider type '" + std::string(type->text()) + "' (in " +
                                context.activity +
                                ") is not supported by sre-lab (types: http, sre-lab)");
    return std::nullopt;
  }
  errors.fail(type->line, "'type' in " + what + " must be http or sre-lab, got " + describe(*type));
  return std::nullopt;
}

}  // namespace srelab::experiment
