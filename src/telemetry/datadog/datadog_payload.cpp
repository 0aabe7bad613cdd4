#include "telemetry/datadog/datadog_payload.hpp"

#include <bit>
#include <msgpack.hpp>
#include <span>

#include "telemetry/export/trace_exporter.hpp"

namespace srelab::telemetry {
namespace {

// msgpack-cxx's packer writes to any stream with write(); this one appends to the body.
struct BodyStream {
  std::string& body;
  void write(const char* data, std::size_t size) { body.append(data, size); }
};
using Packer = msgpack::packer<BodyStream>;

void pack_text(Packer& packer, std::string_view text) {
  packer.pack_str(static_cast<std::uint32_t>(text.size()));
  packer.pack_str_body(text.data(), static_cast<std::uint32_t>(text.size()));
}

// A metric is always a float64 (0xcb): msgpack-cxx's pack_double writes a whole number as an
// integer, which a strict receiver rejects as a metric value. So the nine bytes are written here.
void pack_float64(BodyStream& stream, double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  char bytes[9];
  bytes[0] = static_cast<char>(0xcb);
  for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  stream.write(bytes, sizeof bytes);
}

// The wire types are chosen, not left to the packer's smallest fit: a strict receiver checks them.
void pack_span(Packer& packer, BodyStream& stream, const SpanData& span) {
  packer.pack_map(12);
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
    pack_float64(stream, value);
  }
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
  span.type = field_as<std::string>(map, "type");
  span.trace_id.low = field_as<std::uint64_t>(map, "trace_id");
  span.span_id = field_as<std::uint64_t>(map, "span_id");
  span.parent_id = field_as<std::uint64_t>(map, "parent_id");
  span.start = field_as<std::int64_t>(map, "start");
  span.duration = field_as<std::int64_t>(map, "duration");
  span.error = field_as<std::int32_t>(map, "error");
  for (const auto& [key, value] : field_as<std::map<std::string, std::string>>(map, "meta"))
    span.meta.emplace(key, value);
  for (const auto& [key, value] : field_as<std::map<std::string, double>>(map, "metrics"))
    span.metrics.emplace(key, value);
  return span;
}

}  // namespace

std::string encode_v04(const std::vector<TraceChunk>& traces) {
  // Room for the whole body at once: grown by doubling, a batch of a thousand traces (~730 KB)
  // was copied and faulted in page by page a dozen times, which cost more than the encoding
  // (trace-path benchmark: 7.8 µs a trace before, see the README).
  std::size_t room = 16;
  for (const TraceChunk& trace : traces) room += estimated_encoded_size(trace);
  std::string body;
  body.reserve(room);
  BodyStream stream{body};
  Packer packer(stream);
  packer.pack_array(static_cast<std::uint32_t>(traces.size()));
  for (const TraceChunk& trace : traces) {
    packer.pack_array(static_cast<std::uint32_t>(trace.size()));
    for (const SpanData& span : trace) pack_span(packer, stream, span);
  }
  return body;
}

result<std::vector<TraceChunk>> decode_v04(std::string_view body) {
  try {
    std::size_t used = 0;
    const msgpack::object_handle handle = msgpack::unpack(body.data(), body.size(), used);
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
