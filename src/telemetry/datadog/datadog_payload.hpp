// The Datadog trace agent's v0.4 intake body (POST /v0.4/traces, application/msgpack): an array
// of traces, each an array of span maps with the 12 keys dd-trace-cpp writes, in its order (but an
// empty `type`, which is left out, as the other official tracers do), with the types a strict
// receiver checks (dd-apm-test-agent): strings; trace_id (low 64 bits), span_id, parent_id as
// uint64 (always 0xcf); start, duration as int64 (0xd3); error as int32 (0xd2); meta str→str;
// metrics str→float64 (0xcb). Written with msgpack-cxx's packer.
// The Datadog agent destination sends what this returns, with X-Datadog-Trace-Count =
// traces.size(); tests and the benchmark's stand-in agent read it back with decode_v04().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/errc.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::telemetry {

inline constexpr std::string_view kDatadogPayloadContentType = "application/msgpack";

std::string encode_v04(const std::vector<TraceChunk>& traces);
// The same body in two steps, as the exporter makes it: each trace encoded on its own (an array
// of span maps), then the traces joined behind the body's array header.
std::string encode_v04_trace(const TraceChunk& trace);
std::string join_v04_traces(const std::vector<std::string_view>& traces);

// The traces of a v0.4 body; errc::protocol_error when it is not one (not MessagePack, or not
// an array of arrays of span maps with the fields above).
result<std::vector<TraceChunk>> decode_v04(std::string_view body);

}  // namespace srelab::telemetry
