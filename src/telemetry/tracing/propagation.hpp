// Trace context propagation over HTTP headers, Datadog style (x-datadog-*) and W3C trace
// context (traceparent/tracestate with a `dd=` member), as dd-trace-cpp does it by default.
// The HTTP server extracts the caller's context to continue its trace; clients inject the
// current span's context. Pure functions over a header lookup: no HTTP types here.
//
// Extraction rules (a malformed header is ignored, never an error):
//  - Datadog: x-datadog-trace-id (decimal low 64 bits, non-zero, required), x-datadog-parent-id
//    (decimal; missing → 0, malformed → the whole style is ignored), x-datadog-sampling-priority
//    (integer; malformed → unset), x-datadog-origin, x-datadog-tags (comma-separated `k=v`, only
//    `_dd.p.*` kept; `_dd.p.tid` = 16 lowercase hex gives the high 64 bits; over 512 bytes or
//    malformed → all tags ignored).
//  - W3C: traceparent `vv-<32 hex>-<16 hex>-<2 hex flags>`, lowercase hex only (uppercase is
//    rejected, as the spec requires), version ff and all-zero ids rejected, version 00 must be
//    exactly 55 chars (later versions may append `-…`). tracestate's `dd=` member gives s:
//    (priority, used when it agrees with the sampled flag, else the flag decides: 1 or 0),
//    p: (the last Datadog parent), o: (origin, trimmed as x-datadog-origin is) and t.<x>:
//    (`_dd.p.<x>` tags), `~` meaning `=`.
//  - extract(): Datadog first, then W3C; the first that yields a trace id wins.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "telemetry/tracing/trace_id.hpp"

namespace srelab::telemetry {

using TagList = std::vector<std::pair<std::string, std::string>>;

struct TraceContext {
  TraceId trace_id;
  SpanId parent_id = 0;  // extract: the remote parent; inject: the current span
  std::optional<int> sampling_priority;
  std::string origin;
  TagList propagation_tags;  // `_dd.p.*` except `_dd.p.tid`, which lives in trace_id.high
  std::optional<SpanId> last_datadog_parent;  // tracestate `p:`, extraction only
};

// Header value by lowercase name, nullopt when absent.
using HeaderLookup = std::function<std::optional<std::string_view>(std::string_view)>;

std::optional<TraceContext> extract_datadog(const HeaderLookup& headers);
std::optional<TraceContext> extract_w3c(const HeaderLookup& headers);
std::optional<TraceContext> extract(const HeaderLookup& headers);

inline constexpr std::size_t kMaxDatadogTagsBytes = 512;
inline constexpr std::size_t kMaxTracestateBytes = 256;

// Headers (lowercase names) for both styles: x-datadog-trace-id, x-datadog-parent-id,
// x-datadog-sampling-priority (when set), x-datadog-origin (when not empty), x-datadog-tags
// (when any; over 512 bytes only _dd.p.tid, the trace id's high half), traceparent (flags 01 when
// priority > 0), tracestate (the dd member only; t. tags that would push it past 256 chars are left
// out).
TagList inject(const TraceContext& context);

}  // namespace srelab::telemetry
