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

// The same body in pieces, for traces encoded one by one into a batch buffer: open_v04_batch()
// starts a buffer (room for the outer array header), append_v04_trace() adds one trace's array,
// and join_v04_traces() makes the body of such buffers (each may hold several traces): the first
// buffer becomes the body in place, its header written into the room kept for it, the others'
// traces appended. Here the outer header is always an array32 (0xdd, 5 bytes): valid msgpack for
// any count, and a fixed size is what lets the body be made without moving the traces.
void open_v04_batch(std::string& out);
void append_v04_trace(const std::vector<SpanData>& trace, std::string& out);
std::string join_v04_traces(std::vector<std::string>& pieces, std::size_t traces);

}  // namespace srelab::telemetry
