// Where finished traces go: the Datadog agent (msgpack v0.4) or an OTLP/HTTP collector (JSON).
// A destination turns a batch of chunks into one request and learns from the answer (the agent's
// sampling rates); the TraceExporter owns the queue, the flush timer and the retries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "telemetry/export_transport.hpp"
#include "telemetry/span.hpp"

namespace srelab::telemetry {

class TraceDestination {
 public:
  virtual ~TraceDestination() = default;
  virtual std::string_view name() const = 0;  // "datadog-agent", "otlp" (logs, stats)
  virtual ExportRequest encode(const std::vector<TraceChunk>& traces) const = 0;

  // A destination whose body is a concatenation of per-trace pieces can have each trace encoded
  // when it is submitted, on the request thread, straight into the batch that thread is filling:
  // the spans are then built, read and freed by the same thread (warm in its cache, and the
  // allocator's fast path), and the exporter's thread only sends bytes. encodes_chunks() says so
  // (the default: no); open_batch() then starts each batch buffer (it may keep room for the
  // request's header) and encode_chunk() appends one trace to it.
  virtual bool encodes_chunks() const { return false; }
  virtual void open_batch(std::string& out) const { (void)out; }
  virtual void encode_chunk(const TraceChunk& chunk, std::string& out) const {
    (void)chunk;
    (void)out;
  }
  // The request for `traces` traces that encode_chunk() made, in order; each piece is a batch
  // buffer (open_batch(), then one or more traces). It may take a piece's buffer for the body (the
  // caller reuses whatever buffers are left).
  virtual ExportRequest assemble(std::vector<std::string>& pieces, std::size_t traces) const {
    (void)pieces;
    (void)traces;
    return {};
  }
  // Called with every HTTP answer (any status), on the exporter's thread.
  virtual void on_response(const ExportResponse& response) { (void)response; }
};

}  // namespace srelab::telemetry
