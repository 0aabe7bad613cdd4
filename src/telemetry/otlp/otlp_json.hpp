// Traces as OTLP/HTTP JSON (POST <collector>/v1/traces, application/json), for an OpenTelemetry
// collector or a Datadog Agent with OTLP ingest on, and the start-up configuration that goes
// with it: the resource (service.name & co.) from OTEL_* and DD_* variables and the traces URL.
// The app finalizes both once from its environment lookup; the TraceExporter calls
// OtlpTracesDestination for every trace and batch.
//
// Encoding (OTLP JSON mapping of trace.proto): lowerCamelCase keys, ids as lowercase hex (trace
// 32 digits = high then low half, span 16), enums as integers, 64-bit integers as decimal strings.
// One resourceSpans, one scopeSpans holding every span of the batch. Per span: parentSpanId only
// when parent_id != 0; kind from meta `span.kind` (server 2, client 3, producer 4, consumer 5,
// anything else internal 1); endTimeUnixNano = start + duration (negative values clamp to 0);
// attributes: meta as stringValue (but `span.kind`), metrics as doubleValue except the
// integer-valued ones listed in otlp_json.cpp (_sampling_priority_v1, http.status_code, …) as
// intValue, non-finite doubles as "NaN"/"Infinity"/"-Infinity"; plus `resource.name` (SpanData
// resource, when not empty) and `span.type` (when not empty), which Datadog's OTLP ingest maps
// back. Attribute keys are unique: those two win over a meta of the same key, a meta over a metric.
// status: error → {code 2, message = meta error.message when not empty}, else {code 0}. A span
// with a zero trace or span id is left out (a receiver rejects it); an empty name becomes
// "unnamed_operation".
#pragma once

#include <boost/system/result.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "telemetry/export/export_transport.hpp"
#include "telemetry/export/trace_destination.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::telemetry {

inline constexpr std::string_view kOtlpJsonContentType = "application/json";
inline constexpr std::string_view kOtlpDefaultServiceName = "sre-lab";

// An environment variable by name; nullopt when unset. An empty value counts as unset, as the
// OTel configuration spec requires.
using OtlpEnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// A rejected variable. `message` is one line that names the variable and says what is accepted,
// ready to print before exiting.
struct OtlpEnvError {
  std::string variable;
  std::string message;
};
// Lets result<T, OtlpEnvError>::value() throw (std::invalid_argument with the message).
[[noreturn]] void throw_exception_from_error(const OtlpEnvError& error,
                                             const boost::source_location& location);

template <class T>
using OtlpEnvResult = boost::system::result<T, OtlpEnvError>;

struct OtlpResource {
  // Unique keys, all string values; service.name is always present.
  std::vector<std::pair<std::string, std::string>> attributes;

  std::optional<std::string_view> find(std::string_view key) const;
};

// The resource, later sources overriding earlier ones key by key:
//  1. service.name = "sre-lab", telemetry.sdk.name = "sre-lab", telemetry.sdk.language = "cpp";
//  2. DD_TAGS, read by parse_dd_tags (dd_tags.hpp): `k:v` items separated by commas or spaces;
//  3. DD_SERVICE → service.name, DD_ENV → deployment.environment.name and deployment.environment
//     (older Datadog Agents read only the latter), DD_VERSION → service.version;
//  4. OTEL_RESOURCE_ATTRIBUTES: `k=v,k2=v2`, whitespace around keys and values trimmed, keys and
//     values percent-decoded (`%2C` for `,`, `%3D` for `=`; `+` stays `+`), empty items ignored,
//     a repeated key's last value kept. When it sets only one of the two deployment.environment
//     keys, the other follows it, so the env Datadog sees has one value whatever its version.
//     An item without `=`, with an empty key, a raw control character or a `%` not followed by
//     two hex digits rejects the whole variable (the spec: discard the whole value on an error);
//  5. OTEL_SERVICE_NAME → service.name (the spec: it wins over OTEL_RESOURCE_ATTRIBUTES).
OtlpEnvResult<OtlpResource> otlp_resource_from(const OtlpEnvLookup& lookup);

// Where traces go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, else OTEL_EXPORTER_OTLP_ENDPOINT
// (a base URL: trailing slashes dropped, "/v1/traces" appended), else nullopt: the OTLP
// exporter is off (no http://localhost:4318 default: the lab sends OTLP only when asked).
// Accepted: http://host[:port][/path] (scheme case-insensitive, port 1–65535, IPv6 host in
// brackets, no user info, no fragment, no spaces or control characters; the base endpoint also
// no query). https and other schemes are errors: the exporter's transport speaks plain HTTP.
OtlpEnvResult<std::optional<std::string>> otlp_traces_url(const OtlpEnvLookup& lookup);

// The whole request body (ExportTraceServiceRequest) for a batch of chunks.
std::string encode_otlp_traces_json(const std::vector<TraceChunk>& traces,
                                    const OtlpResource& resource, std::string_view scope_name,
                                    std::string_view scope_version);
// The same in two steps: one trace's spans as JSON objects separated by commas (empty when none
// can be sent: a span with a zero id is left out), then such pieces inside the body.
std::string encode_otlp_trace_spans(const TraceChunk& trace);
std::string join_otlp_traces_json(const std::vector<std::string_view>& traces,
                                  const OtlpResource& resource, std::string_view scope_name,
                                  std::string_view scope_version);

// The OTLP/HTTP JSON destination: POST url, Content-Type: application/json. The collector's
// answer (an ExportTraceServiceResponse, maybe with partialSuccess) teaches nothing: ignored.
class OtlpTracesDestination final : public TraceDestination {
 public:
  OtlpTracesDestination(std::string url, OtlpResource resource,
                        std::string scope_name = std::string(kOtlpDefaultServiceName),
                        std::string scope_version = {});

  std::string_view name() const override { return "otlp"; }
  std::string encode_trace(const TraceChunk& trace) const override;
  ExportRequest request_for(const std::vector<std::string_view>& traces) const override;
  void on_response(const ExportResponse& response) override { (void)response; }

  const std::string& url() const { return url_; }
  const OtlpResource& resource() const { return resource_; }

 private:
  std::string url_;
  OtlpResource resource_;
  std::string scope_name_;
  std::string scope_version_;
};

}  // namespace srelab::telemetry
