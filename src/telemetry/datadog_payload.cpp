#include "telemetry/datadog_payload.hpp"

#include <cassert>

#include "telemetry/msgpack_bytes.hpp"

namespace srelab::telemetry {
namespace {

constexpr std::size_t kBatchHeaderBytes = 5;  // array32: 0xdd and a big-endian uint32 count

// The span's keys, in the order they are written.
constexpr std::size_t kSpanKeysSize =
    msgpack_bytes::literal_size("service") + msgpack_bytes::literal_size("name") +
    msgpack_bytes::literal_size("resource") + msgpack_bytes::literal_size("trace_id") +
    msgpack_bytes::literal_size("span_id") + msgpack_bytes::literal_size("parent_id") +
    msgpack_bytes::literal_size("start") + msgpack_bytes::literal_size("duration") +
    msgpack_bytes::literal_size("error") + msgpack_bytes::literal_size("meta") +
    msgpack_bytes::literal_size("metrics") + msgpack_bytes::literal_size("type");

// At least the bytes encode_span writes, without walking the tags: each string takes its bytes
// and a header of at most kMaxHeaderSize; the tags, no more than their maps store.
std::size_t max_encoded_span_size(const SpanData& span) {
  using namespace msgpack_bytes;
  constexpr std::size_t kStrings = 4;  // service, name, resource, type
  return container_size(12) + kSpanKeysSize + kStrings * kMaxHeaderSize + span.service.size() +
         span.name.size() + span.resource.size() + span.type.size() + 5 * kFixed64Size +
         kFixed32Size + 2 * kMaxHeaderSize + span.meta.stored_bytes() + span.metrics.stored_bytes();
}

// Writes the span at `at`, where max_encoded_span_size(span) bytes are ready; returns the end.
char* encode_span(char* at, const SpanData& span) {
  using namespace msgpack_bytes;
  at = put_map_header(at, 12);
  at = put_literal(at, "service");
  at = put_string(at, span.service);
  at = put_literal(at, "name");
  at = put_string(at, span.name);
  at = put_literal(at, "resource");
  at = put_string(at, span.resource);
  at = put_literal(at, "trace_id");
  at = put_uint64(at, span.trace_id.low);
  at = put_literal(at, "span_id");
  at = put_uint64(at, span.span_id);
  at = put_literal(at, "parent_id");
  at = put_uint64(at, span.parent_id);
  at = put_literal(at, "start");
  at = put_int64(at, span.start);
  at = put_literal(at, "duration");
  at = put_int64(at, span.duration);
  at = put_literal(at, "error");
  at = put_int32(at, span.error);
  at = put_literal(at, "meta");
  at = put_map_header(at, static_cast<std::uint32_t>(span.meta.size()));
  if (const auto pairs = span.meta.packed_pairs()) {
    at = put_bytes(at, *pairs);
  } else {
    for (const auto& [key, value] : span.meta) {
      at = put_string(at, key);
      at = put_string(at, value);
    }
  }
  at = put_literal(at, "metrics");
  at = put_map_header(at, static_cast<std::uint32_t>(span.metrics.size()));
  at = put_bytes(at, *span.metrics.packed_pairs());  // numbers are replaced in place
  at = put_literal(at, "type");
  return put_string(at, span.type);
}

std::size_t max_encoded_trace_size(const std::vector<SpanData>& trace) {
  std::size_t size = msgpack_bytes::kMaxHeaderSize;
  for (const auto& span : trace) size += max_encoded_span_size(span);
  return size;
}

char* encode_trace(char* at, const std::vector<SpanData>& trace) {
  at = msgpack_bytes::put_array_header(at, static_cast<std::uint32_t>(trace.size()));
  for (const auto& span : trace) at = encode_span(at, span);
  return at;
}

}  // namespace

// Room for the most the traces can take is made once, the bytes are written through a cursor
// (see msgpack_bytes.hpp: no bounds check per value, no buffer growing) and the room left over
// is cut.
std::string encode_v04(const std::vector<std::vector<SpanData>>& traces) {
  std::size_t room = msgpack_bytes::kMaxHeaderSize;
  for (const auto& trace : traces) room += max_encoded_trace_size(trace);
  std::string body(room, '\0');
  char* at =
      msgpack_bytes::put_array_header(body.data(), static_cast<std::uint32_t>(traces.size()));
  for (const auto& trace : traces) at = encode_trace(at, trace);
  assert(at <= body.data() + body.size());
  body.resize(static_cast<std::size_t>(at - body.data()));
  return body;
}

void append_v04_trace(const std::vector<SpanData>& trace, std::string& out) {
  const std::size_t before = out.size();
  out.resize(before + max_encoded_trace_size(trace));
  const char* end = encode_trace(out.data() + before, trace);
  assert(end <= out.data() + out.size());
  out.resize(static_cast<std::size_t>(end - out.data()));
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
