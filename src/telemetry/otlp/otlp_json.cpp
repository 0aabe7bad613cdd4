#include "telemetry/otlp/otlp_json.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "core/json_string.hpp"
#include "telemetry/tracing/dd_tags.hpp"
#include "telemetry/tracing/trace_id.hpp"

namespace srelab::telemetry {
namespace {

constexpr std::string_view kResourceAttributesVar = "OTEL_RESOURCE_ATTRIBUTES";
constexpr std::string_view kTracesEndpointVar = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
constexpr std::string_view kEndpointVar = "OTEL_EXPORTER_OTLP_ENDPOINT";
constexpr std::string_view kEnvName = "deployment.environment.name";
constexpr std::string_view kEnvLegacy = "deployment.environment";

// Metrics whose values are counts or codes, sent as intValue so a backend sees the integer
// type the OTel conventions give them (http status 200, not 200.0). Any other metric, and one
// of these holding a fraction, stays a double.
constexpr std::array<std::string_view, 6> kIntegerMetrics{
    "_sampling_priority_v1", "http.status_code", "http.response.status_code",
    "_dd.top_level",         "_dd.measured",     "process_id"};

// ---- environment ----

std::optional<std::string> non_empty(const OtlpEnvLookup& lookup, std::string_view name) {
  auto value = lookup(name);
  if (value && value->empty()) value.reset();
  return value;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

// The text quoted for a one-line message: control bytes as \xNN so a value with a newline
// cannot break the line.
std::string quoted(std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kDigits[byte >> 4];
      out += kDigits[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

OtlpEnvError env_error(std::string_view variable, std::string_view detail) {
  OtlpEnvError error;
  error.variable = std::string(variable);
  error.message = error.variable + ": " + std::string(detail);
  return error;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_digit(text[i + 1]);
    const int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// Set semantics over the ordered attribute list: a later source replaces a key in place.
void set_attribute(OtlpResource& resource, std::string_view key, std::string_view value) {
  for (auto& [k, v] : resource.attributes) {
    if (k == key) {
      v = std::string(value);
      return;
    }
  }
  resource.attributes.emplace_back(std::string(key), std::string(value));
}

// The decoded pairs in order (a repeated key appears twice: the caller keeps the last).
OtlpEnvResult<std::vector<std::pair<std::string, std::string>>> parse_resource_attributes(
    std::string_view text) {
  constexpr std::string_view kExpected =
      "; expected k=v,k2=v2 with ',' '=' '%' and control characters in keys and values "
      "percent-encoded (%2C %3D %25)";
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    const auto end = text.find(',');
    const std::string_view item = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (trim(item).empty()) continue;
    for (const char c : item) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
        return env_error(
            kResourceAttributesVar,
            "item " + quoted(trim(item)) + " has a control character" + std::string(kExpected));
      }
    }
    const auto equals = item.find('=');
    if (equals == std::string_view::npos) {
      return env_error(kResourceAttributesVar,
                       "item " + quoted(trim(item)) + " has no '='" + std::string(kExpected));
    }
    auto key = percent_decode(trim(item.substr(0, equals)));
    auto value = percent_decode(trim(item.substr(equals + 1)));
    if (!key || !value) {
      return env_error(kResourceAttributesVar, "item " + quoted(trim(item)) +
                                                   " has a '%' not followed by two hex digits" +
                                                   std::string(kExpected));
    }
    if (key->empty()) {
      return env_error(kResourceAttributesVar,
                       "item " + quoted(trim(item)) + " has an empty key" + std::string(kExpected));
    }
    out.emplace_back(std::move(*key), std::move(*value));  // a repeated key: set_attribute
  }
  return out;
}

// ---- URLs ----

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool is_ipv6_char(char c) {
  return hex_digit(c) >= 0 || c == ':' || c == '.';
}

// What is wrong with the authority (host[:port]), or empty when it is fine.
std::string authority_problem(std::string_view authority) {
  if (authority.empty()) return "has no host";
  if (authority.find('@') != std::string_view::npos) return "has user info (not supported)";
  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return "has an unclosed '[' in its host";
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "has text after its bracketed host";
      port = after.substr(1);
    }
    if (host.empty()) return "has no host";
    for (const char c : host)
      if (!is_ipv6_char(c)) return "has an invalid IPv6 host";
  } else {
    const auto colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (host.empty()) return "has no host";
    for (const char c : host)
      if (!is_host_char(c)) return "has an invalid host (an IPv6 address needs [brackets])";
  }
  if (port) {
    if (port->empty() || port->size() > 5) return "has an invalid port (1-65535)";
    unsigned value = 0;
    for (const char c : *port) {
      if (c < '0' || c > '9') return "has an invalid port (1-65535)";
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return "has an invalid port (1-65535)";
  }
  return {};
}

// The URL with its scheme written "http", or the error naming `variable`.
OtlpEnvResult<std::string> checked_http_url(std::string_view variable, std::string_view url,
                                            bool base) {
  constexpr std::string_view kExpected = "; expected http://host[:port][/path]";
  auto fail = [&](std::string_view problem) {
    return env_error(variable, quoted(url) + " " + std::string(problem) + std::string(kExpected));
  };
  for (const char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return fail("contains a space or control character");
  }
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return fail("is not an http:// URL");
  std::string scheme(url.substr(0, scheme_end));
  for (char& c : scheme)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (scheme == "https") return fail("uses https, but the OTLP exporter speaks plain HTTP only");
  if (scheme != "http") return fail("is not an http:// URL");
  const std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) return fail("has a fragment");
  if (base && rest.find('?') != std::string_view::npos)
    return fail("has a query (it is a base URL: /v1/traces is appended)");
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (const std::string problem = authority_problem(authority); !problem.empty())
    return fail(problem);
  return OtlpEnvResult<std::string>(boost::system::in_place_value, "http://" + std::string(rest));
}

// ---- JSON ----

std::int64_t clamp_non_negative(std::int64_t value) {
  return value < 0 ? 0 : value;
}

std::int64_t end_time(const SpanData& span) {
  const std::int64_t start = clamp_non_negative(span.start);
  const std::int64_t duration = clamp_non_negative(span.duration);
  if (duration > std::numeric_limits<std::int64_t>::max() - start)
    return std::numeric_limits<std::int64_t>::max();
  return start + duration;
}

int span_kind(const SpanData& span) {
  const auto found = span.meta.find(std::string_view("span.kind"));
  if (found == span.meta.end()) return 1;
  const std::string_view kind = found->second;
  if (kind == "server") return 2;
  if (kind == "client") return 3;
  if (kind == "producer") return 4;
  if (kind == "consumer") return 5;
  return 1;
}

bool is_integer_metric(std::string_view key) {
  for (const auto name : kIntegerMetrics)
    if (name == key) return true;
  return false;
}

std::optional<std::int64_t> as_int64(double value) {
  // 2^63 is exactly representable; anything at or above it does not fit.
  constexpr double kLimit = 9223372036854775808.0;
  if (!std::isfinite(value) || std::trunc(value) != value) return std::nullopt;
  if (value < -kLimit || value >= kLimit) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

class AttributeWriter {
 public:
  explicit AttributeWriter(std::string& out) : out_(out) { out_ += "\"attributes\":["; }
  void close() { out_ += ']'; }

  void string(std::string_view key, std::string_view value) {
    open(key, "stringValue");
    append_json_string(out_, value);
    out_ += "}}";
  }
  void integer(std::string_view key, std::int64_t value) {
    open(key, "intValue");
    out_ += '"' + std::to_string(value) + "\"}}";
  }
  void number(std::string_view key, double value) {
    open(key, "doubleValue");
    // Proto3 JSON spells the non-finite doubles as strings.
    if (std::isnan(value))
      out_ += "\"NaN\"";
    else if (std::isinf(value))
      out_ += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    else
      out_ += format_number(value);
    out_ += "}}";
  }

 private:
  void open(std::string_view key, std::string_view type) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += "{\"key\":";
    append_json_string(out_, key);
    out_ += ",\"value\":{\"";
    out_ += type;
    out_ += "\":";
  }

  std::string& out_;
  bool first_ = true;
};

void append_span_attributes(std::string& out, const SpanData& span) {
  const bool has_resource = !span.resource.empty();
  const bool has_type = !span.type.empty();
  auto added_below = [&](std::string_view key) {
    return (has_resource && key == "resource.name") || (has_type && key == "span.type");
  };
  AttributeWriter attributes(out);
  for (const auto& [key, value] : span.meta) {
    if (key == "span.kind" || added_below(key)) continue;
    attributes.string(key, value);
  }
  for (const auto& [key, value] : span.metrics) {
    if (span.meta.contains(key) || added_below(key)) continue;
    const auto integer = is_integer_metric(key) ? as_int64(value) : std::nullopt;
    if (integer)
      attributes.integer(key, *integer);
    else
      attributes.number(key, value);
  }
  if (has_resource) attributes.string("resource.name", span.resource);
  if (has_type) attributes.string("span.type", span.type);
  attributes.close();
}

void append_status(std::string& out, const SpanData& span) {
  if (span.error == 0) {
    out += "\"status\":{\"code\":0}";
    return;
  }
  out += "\"status\":{\"code\":2";
  const auto message = span.meta.find(std::string_view("error.message"));
  if (message != span.meta.end() && !message->second.empty()) {
    out += ",\"message\":";
    append_json_string(out, message->second);
  }
  out += '}';
}

void append_span(std::string& out, const SpanData& span) {
  out += "{\"traceId\":\"";
  out += to_hex(span.trace_id);
  out += "\",\"spanId\":\"";
  out += to_hex16(span.span_id);
  out += '"';
  if (span.parent_id != 0) {
    out += ",\"parentSpanId\":\"";
    out += to_hex16(span.parent_id);
    out += '"';
  }
  out += ",\"name\":";
  append_json_string(out, span.name.empty() ? std::string_view("unnamed_operation") : span.name);
  out += ",\"kind\":";
  out += std::to_string(span_kind(span));
  out += ",\"startTimeUnixNano\":\"";
  out += std::to_string(clamp_non_negative(span.start));
  out += "\",\"endTimeUnixNano\":\"";
  out += std::to_string(end_time(span));
  out += "\",";
  append_span_attributes(out, span);
  out += ',';
  append_status(out, span);
  out += '}';
}

}  // namespace

void throw_exception_from_error(const OtlpEnvError& error, const boost::source_location&) {
  throw std::invalid_argument(error.message);
}

std::optional<std::string_view> OtlpResource::find(std::string_view key) const {
  for (const auto& [k, v] : attributes)
    if (k == key) return std::string_view(v);
  return std::nullopt;
}

OtlpEnvResult<OtlpResource> otlp_resource_from(const OtlpEnvLookup& lookup) {
  OtlpResource resource;
  set_attribute(resource, "service.name", kOtlpDefaultServiceName);
  set_attribute(resource, "telemetry.sdk.name", "sre-lab");
  set_attribute(resource, "telemetry.sdk.language", "cpp");

  if (const auto tags = non_empty(lookup, "DD_TAGS"))
    for (const auto& [key, value] : parse_dd_tags(*tags)) set_attribute(resource, key, value);
  if (const auto service = non_empty(lookup, "DD_SERVICE"))
    set_attribute(resource, "service.name", *service);
  if (const auto env = non_empty(lookup, "DD_ENV")) {
    set_attribute(resource, kEnvName, *env);
    set_attribute(resource, kEnvLegacy, *env);
  }
  if (const auto version = non_empty(lookup, "DD_VERSION"))
    set_attribute(resource, "service.version", *version);

  if (const auto text = non_empty(lookup, kResourceAttributesVar)) {
    auto parsed = parse_resource_attributes(*text);
    if (!parsed) return parsed.error();
    bool has_env_name = false;
    bool has_env_legacy = false;
    for (const auto& [key, value] : *parsed) {
      set_attribute(resource, key, value);
      has_env_name = has_env_name || key == kEnvName;
      has_env_legacy = has_env_legacy || key == kEnvLegacy;
    }
    if (has_env_name != has_env_legacy) {
      const std::string env(*resource.find(has_env_name ? kEnvName : kEnvLegacy));
      set_attribute(resource, has_env_name ? kEnvLegacy : kEnvName, env);
    }
  }

  if (const auto service = non_empty(lookup, "OTEL_SERVICE_NAME"))
    set_attribute(resource, "service.name", *service);
  return resource;
}

OtlpEnvResult<std::optional<std::string>> otlp_traces_url(const OtlpEnvLookup& lookup) {
  if (const auto url = non_empty(lookup, kTracesEndpointVar)) {
    auto checked = checked_http_url(kTracesEndpointVar, *url, false);
    if (!checked) return checked.error();
    return std::optional<std::string>(std::move(*checked));
  }
  if (const auto base = non_empty(lookup, kEndpointVar)) {
    auto checked = checked_http_url(kEndpointVar, *base, true);
    if (!checked) return checked.error();
    std::string url = std::move(*checked);
    while (url.ends_with('/')) url.pop_back();
    return std::optional<std::string>(url + "/v1/traces");
  }
  return std::optional<std::string>();
}

std::string encode_otlp_trace_spans(const TraceChunk& trace) {
  std::string out;
  for (const auto& span : trace) {
    if (span.trace_id.is_zero() || span.span_id == 0) continue;
    if (!out.empty()) out += ',';
    append_span(out, span);
  }
  return out;
}

std::string join_otlp_traces_json(const std::vector<std::string_view>& traces,
                                  const OtlpResource& resource, std::string_view scope_name,
                                  std::string_view scope_version) {
  std::string out;
  out += "{\"resourceSpans\":[{\"resource\":{";
  AttributeWriter attributes(out);
  for (const auto& [key, value] : resource.attributes) attributes.string(key, value);
  attributes.close();
  out += "},\"scopeSpans\":[{\"scope\":{\"name\":";
  append_json_string(out, scope_name);
  if (!scope_version.empty()) {
    out += ",\"version\":";
    append_json_string(out, scope_version);
  }
  out += "},\"spans\":[";
  bool first = true;
  for (const std::string_view spans : traces) {
    if (spans.empty()) continue;
    if (!first) out += ',';
    first = false;
    out += spans;
  }
  out += "]}]}]}";
  return out;
}

std::string encode_otlp_traces_json(const std::vector<TraceChunk>& traces,
                                    const OtlpResource& resource, std::string_view scope_name,
                                    std::string_view scope_version) {
  std::vector<std::string> pieces;
  for (const TraceChunk& trace : traces) pieces.push_back(encode_otlp_trace_spans(trace));
  return join_otlp_traces_json(std::vector<std::string_view>(pieces.begin(), pieces.end()),
                               resource, scope_name, scope_version);
}

OtlpTracesDestination::OtlpTracesDestination(std::string url, OtlpResource resource,
                                             std::string scope_name, std::string scope_version)
    : url_(std::move(url)),
      resource_(std::move(resource)),
      scope_name_(std::move(scope_name)),
      scope_version_(std::move(scope_version)) {}

std::string OtlpTracesDestination::encode_trace(const TraceChunk& trace) const {
  return encode_otlp_trace_spans(trace);
}

ExportRequest OtlpTracesDestination::request_for(
    const std::vector<std::string_view>& traces) const {
  ExportRequest request;
  request.method = "POST";
  request.url = url_;
  request.headers.emplace_back("Content-Type", std::string(kOtlpJsonContentType));
  request.body = join_otlp_traces_json(traces, resource_, scope_name_, scope_version_);
  return request;
}

}  // namespace srelab::telemetry
