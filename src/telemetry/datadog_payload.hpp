// The Datadog trace agent's v0.4 intake body (POST /v0.4/traces, application/msgpack): an array
// of traces, each an array of span maps with exactly the 12 keys dd-trace-cpp writes, in its
// order, with the types a strict receiver checks (dd-apm-test-agent): strings; trace_id (low 64
// bits), span_id, parent_id as uint64 (always 0xcf); start, duration as int64 (0xd3); error as
// int32 (0xd2); meta str→str; metrics str→float64 (0xcb). The trace exporter sends what this
// returns, with X-Datadog-Trace-Count = traces.size().
#pragma once

#include <string>
#include <vector>

#include "telemetry/span.hpp"

namespace srelab::telemetry {

inline constexpr std::string_view kDatadogPayloadContentType = "application/msgpack";

std::string encode_v04(const std::vector<std::vector<SpanData>>& traces);

// The same body in pieces: one trace's array (appended to `out`), and the body made of such
// pieces (the outer array header for `traces` traces, then the pieces as they are; a piece may
// hold several traces' arrays back to back). A single piece becomes the body in place (its
// buffer is taken; the header goes in front of it).
void append_v04_trace(const std::vector<SpanData>& trace, std::string& out);
std::string join_v04_traces(std::vector<std::string>& pieces, std::size_t traces);

}  // namespace srelab::telemetry
