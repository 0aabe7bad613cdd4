// Where finished traces go: the Datadog agent (msgpack v0.4) or an OTLP/HTTP collector (JSON).
// A destination turns a batch of chunks into one request and learns from the answer (the agent's
// sampling rates); the TraceExporter owns the queue, the flush timer and the retries.
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
  virtual ExportRequest encode(const std::vector<TraceChunk>& traces) const = 0;

  // Called with every HTTP answer (any status), on the exporter's thread.
  virtual void on_response(const ExportResponse& response) { (void)response; }
};

}  // namespace srelab::telemetry
