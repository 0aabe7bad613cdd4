// Where finished traces go: the Datadog agent (msgpack v0.4) or an OTLP/HTTP collector (JSON).
// A destination encodes one trace at a time (the exporter does it on the submitting thread, so a
// trace's spans are built and freed by the same thread, and the allocator's per-thread cache
// serves the next request), makes one request from a batch of encoded traces, and learns from
// the answer (the agent's sampling rates). The TraceExporter owns the queue, the flush timer and
// the retries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "telemetry/export/export_transport.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::telemetry {

class TraceDestination {
 public:
  virtual ~TraceDestination() = default;
  virtual std::string_view name() const = 0;  // "datadog-agent", "otlp" (logs, stats)
  // One trace in the destination's format: a piece of a request body.
  virtual std::string encode_trace(const TraceChunk& trace) const = 0;
  // The request that carries these traces (encode_trace's pieces), in order.
  virtual ExportRequest request_for(const std::vector<std::string_view>& traces) const = 0;
  // Called with every HTTP answer (any status), on the exporter's thread.
  virtual void on_response(const ExportResponse& response) { (void)response; }

  // The request for whole traces: encode_trace, then request_for.
  ExportRequest encode(const std::vector<TraceChunk>& traces) const {
    std::vector<std::string> pieces;
    pieces.reserve(traces.size());
    for (const TraceChunk& trace : traces) pieces.push_back(encode_trace(trace));
    return request_for(std::vector<std::string_view>(pieces.begin(), pieces.end()));
  }
};

}  // namespace srelab::telemetry
