#include "telemetry/datadog_payload.hpp"

#include "telemetry/msgpack_writer.hpp"

namespace srelab::telemetry {
namespace {

constexpr std::size_t kBatchHeaderBytes = 5;  // array32: 0xdd and a big-endian uint32 count

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

void open_v04_batch(std::string& out) {
  out.append(kBatchHeaderBytes, '\0');
}

std::string join_v04_traces(std::vector<std::string>& pieces, std::size_t traces) {
  std::string body;
  if (pieces.empty()) {
    open_v04_batch(body);
  } else {
    body = std::move(pieces.front());
    pieces.front().clear();
  }
  std::size_t size = body.size();
  for (std::size_t i = 1; i < pieces.size(); ++i) size += pieces[i].size() - kBatchHeaderBytes;
  body.reserve(size);
  for (std::size_t i = 1; i < pieces.size(); ++i)
    body.append(pieces[i], kBatchHeaderBytes, std::string::npos);
  const auto count = static_cast<std::uint32_t>(traces);
  body[0] = static_cast<char>(0xdd);
  for (int byte = 0; byte < 4; ++byte)
    body[static_cast<std::size_t>(1 + byte)] = static_cast<char>(count >> (24 - 8 * byte));
  return body;
}

}  // namespace srelab::telemetry
