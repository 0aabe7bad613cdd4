// Trace and span identifiers for tracing: a 128-bit TraceId (the Datadog payload carries the low
// 64 bits, the high 64 travel as `_dd.p.tid`) and a 64-bit SpanId that is never 0 (the agent
// drops chunks with a zero id). Drawn from an injected srelab::Random so tests and the simulator
// get the same ids from the same seed. Used by span.hpp, propagation.hpp and the payload encoder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/random.hpp"

namespace srelab::telemetry {

struct TraceId {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  bool is_zero() const { return high == 0 && low == 0; }
  friend bool operator==(const TraceId&, const TraceId&) = default;
};

using SpanId = std::uint64_t;

// A fresh trace id; the low half is never 0 (it alone identifies the trace to the agent).
TraceId generate_trace_id(Random& random);
// A fresh span id, never 0.
SpanId generate_span_id(Random& random);
// A random UUID (version 4, RFC 4122 variant) in its 36-character lowercase form: the
// `runtime-id` tag that tells one process of a service from another (one per process).
std::string generate_runtime_id(Random& random);

// 32 / 16 lowercase hex digits, zero-padded.
std::string to_hex(const TraceId& id);
std::string to_hex16(std::uint64_t value);

// Exactly 32 / 16 hex digits; lowercase only (W3C trace context requires lowercase, and one
// spelling keeps ids comparable as strings). Anything else gives nullopt. A zero value parses.
std::optional<TraceId> parse_trace_id_hex(std::string_view text);
std::optional<std::uint64_t> parse_hex16(std::string_view text);

// Decimal, as Datadog headers and log correlation carry ids: 1–20 digits, at most 2^64-1.
std::optional<std::uint64_t> parse_decimal_u64(std::string_view text);

}  // namespace srelab::telemetry
