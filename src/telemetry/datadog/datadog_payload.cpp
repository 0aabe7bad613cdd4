#include "telemetry/datadog/datadog_payload.hpp"

#include <bit>
#include <msgpack.hpp>
#include <span>

namespace srelab::telemetry {
namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

void pack_text(Packer& packer, std::string_view text) {
  packer.pack_str(static_cast<std::uint32_t>(text.size()));
  packer.pack_str_body(text.data(), static_cast<std::uint32_t>(text.size()));
}

// A metric is always a float64 (0xcb): msgpack-cxx's pack_double writes a whole number as an
// integer, which a strict receiver rejects as a metric value. So the nine bytes are written here.
void pack_float64(msgpack::sbuffer& buffer, double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  char bytes[9];
  bytes[0] = static_cast<char>(0xcb);
  for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  buffer.write(bytes, sizeof bytes);
}

// The wire types are chosen, not left to the packer's smallest fit: a strict receiver checks them.
// An empty type is left out (11 keys), as the official tracers leave it out: an internal span has
// none, and "" is not a type.
void pack_span(Packer& packer, msgpack::sbuffer& buffer, const SpanData& span) {
  packer.pack_map(span.type.empty() ? 11 : 12);
  pack_text(packer, "service");
  pack_text(packer, span.service);
  pack_text(packer, "name");
  pack_text(packer, span.name);
  pack_text(packer, "resource");
  pack_text(packer, span.resource);
  pack_text(packer, "trace_id");
  packer.pack_fix_uint64(span.trace_id.low);
  pack_text(packer, "span_id");
  packer.pack_fix_uint64(span.span_id);
  pack_text(packer, "parent_id");
  packer.pack_fix_uint64(span.parent_id);
  pack_text(packer, "start");
  packer.pack_fix_int64(span.start);
  pack_text(packer, "duration");
  packer.pack_fix_int64(span.duration);
  pack_text(packer, "error");
  packer.pack_fix_int32(span.error);
  pack_text(packer, "meta");
  packer.pack_map(static_cast<std::uint32_t>(span.meta.size()));
  for (const auto& [key, value] : span.meta) {
    pack_text(packer, key);
    pack_text(packer, value);
  }
  pack_text(packer, "metrics");
  packer.pack_map(static_cast<std::uint32_t>(span.metrics.size()));
  for (const auto& [key, value] : span.metrics) {
    pack_text(packer, key);
    pack_float64(buffer, value);
  }
  if (span.type.empty()) return;
  pack_text(packer, "type");
  pack_text(packer, span.type);
}

// ---- decoding (tests, the benchmark's stand-in agent) ----

const msgpack::object* field(const msgpack::object& map, std::string_view key) {
  for (const auto& entry : std::span(map.via.map.ptr, map.via.map.size)) {
    if (entry.key.type == msgpack::type::STR && entry.key.as<std::string_view>() == key)
      return &entry.val;
  }
  return nullptr;
}

// The field converted to T; throws msgpack::type_error when it is missing or of another type.
template <class T>
T field_as(const msgpack::object& map, std::string_view key) {
  const msgpack::object* value = field(map, key);
  if (value == nullptr) throw msgpack::type_error();
  return value->as<T>();
}

SpanData unpack_span(const msgpack::object& map) {
  if (map.type != msgpack::type::MAP) throw msgpack::type_error();
  SpanData span;
  span.service = field_as<std::string>(map, "service");
  span.name = field_as<std::string>(map, "name");
  span.resource = field_as<std::string>(map, "resource");
  if (field(map, "type") != nullptr) span.type = field_as<std::string>(map, "type");
  span.trace_id.low = field_as<std::uint64_t>(map, "trace_id");
  span.span_id = field_as<std::uint64_t>(map, "span_id");
  span.parent_id = field_as<std::uint64_t>(map, "parent_id");
  span.start = field_as<std::int64_t>(map, "start");
  span.duration = field_as<std::int64_t>(map, "duration");
  span.error = field_as<std::int32_t>(map, "error");
  for (const auto& [key, value] : field_as<std::map<std::string, std::string>>(map, "meta"))
    span.meta.set(key, value);
  for (const auto& [key, value] : field_as<std::map<std::string, double>>(map, "metrics"))
    span.metrics.set(key, value);
  return span;
}

}  // namespace

// msgpack-cxx's own buffer: its writes are inlined here, which a std::string's appends are not
// (a third of the encoding's cost; callgrind on the trace-path benchmark). A cache hit's trace
// takes ~730 bytes, so the first allocation is usually the only one.
std::string encode_v04_trace(const TraceChunk& trace) {
  msgpack::sbuffer buffer(1024);
  Packer packer(buffer);
  packer.pack_array(static_cast<std::uint32_t>(trace.size()));
  for (const SpanData& span : trace) pack_span(packer, buffer, span);
  return std::string(buffer.data(), buffer.size());
}

std::string join_v04_traces(const std::vector<std::string_view>& traces) {
  std::size_t size = 5;  // the array header takes at most 5 bytes
  for (const std::string_view trace : traces) size += trace.size();
  msgpack::sbuffer header(5);
  Packer(header).pack_array(static_cast<std::uint32_t>(traces.size()));
  std::string body;
  body.reserve(size);
  body.append(header.data(), header.size());
  for (const std::string_view trace : traces) body += trace;
  return body;
}

std::string encode_v04(const std::vector<TraceChunk>& traces) {
  std::vector<std::string> pieces;
  pieces.reserve(traces.size());
  for (const TraceChunk& trace : traces) pieces.push_back(encode_v04_trace(trace));
  return join_v04_traces(std::vector<std::string_view>(pieces.begin(), pieces.end()));
}

result<std::vector<TraceChunk>> decode_v04(std::string_view body) {
  try {
    // Every element takes at least a byte (a map entry two), so no honest header counts more
    // elements than the body has bytes; without the limit, the 5 bytes of an array32 header
    // claiming 2^32 - 1 elements make msgpack-cxx allocate their 96 GiB of objects up front.
    const std::size_t n = body.size();
    const msgpack::unpack_limit limit(n, n / 2, n, n, n);
    std::size_t used = 0;
    const msgpack::object_handle handle =
        msgpack::unpack(body.data(), body.size(), used, nullptr, nullptr, limit);
    if (used != body.size()) return make_error_code(errc::protocol_error);  // trailing bytes
    std::vector<TraceChunk> traces;
    for (const auto& trace : handle.get().as<std::vector<msgpack::object>>()) {
      TraceChunk& chunk = traces.emplace_back();
      for (const auto& span : trace.as<std::vector<msgpack::object>>())
        chunk.push_back(unpack_span(span));
    }
    return traces;
  } catch (const std::exception&) {  // msgpack::type_error, msgpack::unpack_error
    return make_error_code(errc::protocol_error);
  }
}

}  // namespace srelab::telemetry
