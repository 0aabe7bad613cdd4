#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "telemetry/datadog_payload.hpp"
#include "telemetry/msgpack_reader.hpp"

namespace srelab::telemetry {
namespace {

const std::vector<std::string> kKeyOrder{"service", "name",      "resource", "trace_id",
                                         "span_id", "parent_id", "start",    "duration",
                                         "error",   "meta",      "metrics",  "type"};

bool is_str(const MsgpackValue& v) {
  return v.wire == MsgpackWire::fixstr || v.wire == MsgpackWire::str8 ||
         v.wire == MsgpackWire::str16 || v.wire == MsgpackWire::str32;
}
bool is_map_wire(const MsgpackValue& v) {
  return v.wire == MsgpackWire::fixmap || v.wire == MsgpackWire::map16 ||
         v.wire == MsgpackWire::map32;
}
bool is_array_wire(const MsgpackValue& v) {
  return v.wire == MsgpackWire::fixarray || v.wire == MsgpackWire::array16 ||
         v.wire == MsgpackWire::array32;
}

// What dd-apm-test-agent and the agent's normalizer check, plus our exact wire types.
void expect_strict_v04(const MsgpackValue& body) {
  ASSERT_TRUE(is_array_wire(body));
  for (const auto& trace : body.array()) {
    ASSERT_TRUE(is_array_wire(trace));
    ASSERT_FALSE(trace.array().empty());  // the agent drops empty chunks
    const auto first_trace_id = std::get<std::uint64_t>(trace.array()[0].find("trace_id")->data);
    for (const auto& span : trace.array()) {
      ASSERT_TRUE(is_map_wire(span));
      ASSERT_EQ(span.map().size(), kKeyOrder.size());
      for (std::size_t i = 0; i < kKeyOrder.size(); ++i) {
        ASSERT_TRUE(is_str(span.map()[i].key));
        EXPECT_EQ(span.map()[i].key.str(), kKeyOrder[i]) << "key " << i;
      }
      for (const char* k : {"service", "name", "resource", "type"}) {
        EXPECT_TRUE(is_str(*span.find(k))) << k;
      }
      for (const char* k : {"trace_id", "span_id", "parent_id"}) {
        EXPECT_EQ(span.find(k)->wire, MsgpackWire::uint64) << k;
      }
      EXPECT_NE(std::get<std::uint64_t>(span.find("trace_id")->data), 0u);
      EXPECT_NE(std::get<std::uint64_t>(span.find("span_id")->data), 0u);
      EXPECT_EQ(std::get<std::uint64_t>(span.find("trace_id")->data), first_trace_id);
      EXPECT_EQ(span.find("start")->wire, MsgpackWire::int64);
      EXPECT_EQ(span.find("duration")->wire, MsgpackWire::int64);
      EXPECT_EQ(span.find("error")->wire, MsgpackWire::int32);
      const auto error = std::get<std::int64_t>(span.find("error")->data);
      EXPECT_TRUE(error == 0 || error == 1);
      const auto& meta = *span.find("meta");
      ASSERT_TRUE(is_map_wire(meta));
      for (const auto& e : meta.map()) {
        EXPECT_TRUE(is_str(e.key));
        EXPECT_TRUE(is_str(e.value)) << e.key.str();
      }
      const auto& metrics = *span.find("metrics");
      ASSERT_TRUE(is_map_wire(metrics));
      for (const auto& e : metrics.map()) {
        EXPECT_TRUE(is_str(e.key));
        EXPECT_EQ(e.value.wire, MsgpackWire::float64) << e.key.str();
      }
    }
  }
}

SpanData sample_span() {
  SpanData s;
  s.service = "catalog";
  s.name = "http.request";
  s.resource = "GET /products/{id}";
  s.type = "web";
  s.trace_id = {0xabcdef0000000000ULL, 0x1234567890ULL};
  s.span_id = 0xffffffffffffffffULL;
  s.parent_id = 0;
  s.start = 1767225600'000000000;
  s.duration = 3'300'000;
  s.set_tag("http.status_code", "200");
  s.set_tag("_dd.p.tid", "abcdef0000000000");
  s.set_metric("_sampling_priority_v1", 1);
  return s;
}

TEST(DatadogPayload, EmptyPayloadIsAnEmptyArray) {
  EXPECT_EQ(encode_v04({}), std::string(1, static_cast<char>(0x90)));
}

TEST(DatadogPayload, SpanFieldsValuesAndTypes) {
  SpanData s = sample_span();
  s.set_error("timeout", "boom");
  const auto decoded = msgpack_decode(encode_v04({{s}}));
  ASSERT_TRUE(decoded.has_value());
  expect_strict_v04(*decoded);
  ASSERT_EQ(decoded->array().size(), 1u);
  ASSERT_EQ(decoded->array()[0].array().size(), 1u);
  const MsgpackValue& span = decoded->array()[0].array()[0];
  EXPECT_EQ(span.find("service")->str(), "catalog");
  EXPECT_EQ(span.find("name")->str(), "http.request");
  EXPECT_EQ(span.find("resource")->str(), "GET /products/{id}");
  EXPECT_EQ(span.find("type")->str(), "web");
  EXPECT_EQ(std::get<std::uint64_t>(span.find("trace_id")->data), 0x1234567890ULL);  // low 64
  EXPECT_EQ(std::get<std::uint64_t>(span.find("span_id")->data), 0xffffffffffffffffULL);
  EXPECT_EQ(std::get<std::uint64_t>(span.find("parent_id")->data), 0u);
  EXPECT_EQ(std::get<std::int64_t>(span.find("start")->data), 1767225600'000000000);
  EXPECT_EQ(std::get<std::int64_t>(span.find("duration")->data), 3'300'000);
  EXPECT_EQ(std::get<std::int64_t>(span.find("error")->data), 1);
  const auto& meta = *span.find("meta");
  EXPECT_EQ(meta.map().size(), 4u);
  EXPECT_EQ(meta.find("http.status_code")->str(), "200");
  EXPECT_EQ(meta.find("_dd.p.tid")->str(), "abcdef0000000000");
  EXPECT_EQ(meta.find("error.type")->str(), "timeout");
  EXPECT_EQ(meta.find("error.message")->str(), "boom");
  const auto& metrics = *span.find("metrics");
  EXPECT_EQ(metrics.map().size(), 1u);
  EXPECT_EQ(std::get<double>(metrics.find("_sampling_priority_v1")->data), 1.0);
}

TEST(DatadogPayload, SmallValuesStillUseTheWideFormats) {
  SpanData s = sample_span();
  s.span_id = 1;
  s.parent_id = 2;
  s.trace_id = {0, 3};
  s.start = 4;
  s.duration = 0;
  s.meta.clear();
  s.metrics.clear();
  s.type.clear();
  const std::string wire = encode_v04({{s}});
  const auto decoded = msgpack_decode(wire);
  ASSERT_TRUE(decoded.has_value());
  expect_strict_v04(*decoded);  // 1, 2, 3 as 0xcf, not positive fixint; empty meta a map
  const auto& span = decoded->array()[0].array()[0];
  EXPECT_EQ(std::get<std::uint64_t>(span.find("parent_id")->data), 2u);
  EXPECT_EQ(span.find("meta")->wire, MsgpackWire::fixmap);
  EXPECT_TRUE(span.find("meta")->map().empty());
  EXPECT_EQ(span.find("type")->str(), "");
}

TEST(DatadogPayload, ManyTracesAndSpansFromTheTracer) {
  Random random(11);
  ManualClock clock;
  Tracer tracer(TracerSettings{"catalog", "lab", "1.0", {}}, random, clock);
  std::vector<std::vector<SpanData>> traces(20);
  for (auto& trace : traces) {
    auto sink = [&trace](TraceChunk&& chunk) { trace = std::move(chunk); };
    Span root = tracer.start_root(sink, "http.request", "GET /products/{id}");
    for (int i = 0; i < 17; ++i) {  // 18 spans: array16 for the chunk
      Span c = root.child("postgres.query", "SELECT");
      clock.advance(std::chrono::microseconds(10));
    }
    root.set_error("http.500", "upstream failed");
  }
  for (std::size_t i = 0; i < 16; ++i) {                                  // 16 meta entries: map16
    traces[0][0].set_tag("k" + std::to_string(i), std::string(40, 'v'));  // str8 values
  }

  const auto decoded = msgpack_decode(encode_v04(traces));
  ASSERT_TRUE(decoded.has_value());
  expect_strict_v04(*decoded);
  EXPECT_EQ(decoded->wire, MsgpackWire::array16);
  ASSERT_EQ(decoded->array().size(), 20u);
  for (std::size_t t = 0; t < traces.size(); ++t) {
    const auto& chunk = decoded->array()[t];
    EXPECT_EQ(chunk.wire, MsgpackWire::array16);
    ASSERT_EQ(chunk.array().size(), 18u);
    const auto& root = chunk.array().front();  // the local root starts first
    EXPECT_EQ(std::get<std::uint64_t>(root.find("parent_id")->data), 0u);
    EXPECT_EQ(std::get<std::int64_t>(root.find("error")->data), 1);
    EXPECT_EQ(std::get<std::int64_t>(root.find("duration")->data), 170'000);
    EXPECT_EQ(std::get<double>(root.find("metrics")->find("_sampling_priority_v1")->data), 1.0);
  }
  EXPECT_EQ(decoded->array()[0].array()[0].find("meta")->wire, MsgpackWire::map16);
}

// The encoder makes room for a bound worked out from the span's sizes, not byte by byte: strings
// on each side of every header size, many tags, replaced values and a trace appended to a batch
// all come out whole, and the batch holds exactly what was written.
TEST(DatadogPayload, StringsOfEveryHeaderSizeComeOutWhole) {
  std::vector<SpanData> trace;
  for (std::size_t size : {0u, 31u, 32u, 255u, 256u, 65535u, 65536u}) {
    SpanData s = sample_span();
    s.service.assign(size, 's');
    s.resource.assign(size, 'r');
    s.set_tag(std::string(size, 'k'), std::string(size, 'v'));
    s.set_tag("replaced", std::string(size, 'o'));
    // With a tag after it, replacing leaves a gap in the tag bytes: that span's tags are encoded
    // pair by pair; without, they are copied whole.
    if (size % 2 == 1) s.set_tag("after", "a");
    s.set_tag("replaced", "new");
    ASSERT_EQ(s.meta.packed_pairs().has_value(), size % 2 == 0);
    for (int i = 0; i < 20; ++i) s.set_metric("m" + std::to_string(i), i);
    trace.push_back(s);
  }
  std::string batch;
  open_v04_batch(batch);
  append_v04_trace(trace, batch);
  const std::size_t one = batch.size();
  append_v04_trace(trace, batch);
  ASSERT_EQ(batch.size(), 2 * one - 5) << "the room left over is cut";
  std::vector<std::string> pieces{batch};
  const auto joined = msgpack_decode(join_v04_traces(pieces, 2));
  ASSERT_TRUE(joined.has_value());
  const auto whole = msgpack_decode(encode_v04({trace, trace}));
  ASSERT_TRUE(whole.has_value());
  for (const MsgpackValue* decoded : {&*joined, &*whole}) {
    expect_strict_v04(*decoded);
    ASSERT_EQ(decoded->array().size(), 2u);
    for (const auto& chunk : decoded->array()) {
      ASSERT_EQ(chunk.array().size(), trace.size());
      for (std::size_t i = 0; i < trace.size(); ++i) {
        const auto& span = chunk.array()[i];
        EXPECT_EQ(span.find("service")->str(), trace[i].service);
        EXPECT_EQ(span.find("resource")->str(), trace[i].resource);
        const auto& meta = *span.find("meta");
        EXPECT_EQ(meta.map().size(), trace[i].meta.size());
        for (const auto& [key, value] : trace[i].meta) {
          ASSERT_NE(meta.find(std::string(key)), nullptr) << key.size();
          EXPECT_EQ(meta.find(std::string(key))->str(), value);
        }
        EXPECT_EQ(span.find("metrics")->map().size(), trace[i].metrics.size());
        for (const auto& [key, value] : trace[i].metrics)
          EXPECT_EQ(std::get<double>(span.find("metrics")->find(std::string(key))->data), value);
      }
    }
  }
}

}  // namespace
}  // namespace srelab::telemetry
