#include "telemetry/datadog_payload.hpp"

#include "telemetry/msgpack_writer.hpp"

namespace srelab::telemetry {
namespace {

void encode_span(MsgpackWriter& w, const SpanData& span) {
  w.map_header(12);
  w.literal("service");
  w.string(span.service);
  w.literal("name");
  w.string(span.name);
  w.literal("resource");
  w.string(span.resource);
  w.literal("trace_id");
  w.uint64(span.trace_id.low);
  w.literal("span_id");
  w.uint64(span.span_id);
  w.literal("parent_id");
  w.uint64(span.parent_id);
  w.literal("start");
  w.int64(span.start);
  w.literal("duration");
  w.int64(span.duration);
  w.literal("error");
  w.int32(span.error);
  w.literal("meta");
  w.map_header(static_cast<std::uint32_t>(span.meta.size()));
  for (const auto& [key, value] : span.meta) {
    w.string(key);
    w.string(value);
  }
  w.literal("metrics");
  w.map_header(static_cast<std::uint32_t>(span.metrics.size()));
  for (const auto& [key, value] : span.metrics) {
    w.string(key);
    w.float64(value);
  }
  w.literal("type");
  w.string(span.type);
}

}  // namespace

std::string encode_v04(const std::vector<std::vector<SpanData>>& traces) {
  MsgpackWriter w;
  w.array_header(static_cast<std::uint32_t>(traces.size()));
  for (const auto& trace : traces) {
    w.array_header(static_cast<std::uint32_t>(trace.size()));
    for (const auto& span : trace) encode_span(w, span);
  }
  return w.take();
}

void append_v04_trace(const std::vector<SpanData>& trace, std::string& out) {
  MsgpackWriter w(out);
  w.array_header(static_cast<std::uint32_t>(trace.size()));
  for (const auto& span : trace) encode_span(w, span);
}

std::string join_v04_traces(std::vector<std::string>& pieces, std::size_t traces) {
  MsgpackWriter w;
  w.array_header(static_cast<std::uint32_t>(traces));
  if (pieces.size() == 1) {
    std::string body = std::move(pieces.front());
    pieces.front().clear();
    body.insert(0, w.bytes());
    return body;
  }
  std::size_t size = w.bytes().size();
  for (const auto& piece : pieces) size += piece.size();
  std::string body = w.take();
  body.reserve(size);
  for (const auto& piece : pieces) body += piece;
  return body;
}

}  // namespace srelab::telemetry
