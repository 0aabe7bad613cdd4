#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/strict_v04.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "telemetry/datadog/datadog_payload.hpp"

namespace srelab::telemetry {
namespace {

using testing::v04_violations;

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

void expect_same_span(const SpanData& got, const SpanData& sent) {
  EXPECT_EQ(got.trace_id.low, sent.trace_id.low);
  testing::expect_same_span(got, sent);
}

TEST(DatadogPayload, EmptyPayloadIsAnEmptyArray) {
  EXPECT_EQ(encode_v04({}), std::string(1, static_cast<char>(0x90)));
}

TEST(DatadogPayload, SpanFieldsValuesAndTypes) {
  SpanData s = sample_span();
  s.set_error("timeout", "boom");
  const std::string body = encode_v04({{s}});
  EXPECT_EQ(v04_violations(body), std::vector<std::string>{});
  const auto decoded = decode_v04(body);
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), 1u);
  ASSERT_EQ((*decoded)[0].size(), 1u);
  const SpanData& span = (*decoded)[0][0];
  expect_same_span(span, s);
  EXPECT_EQ(span.error, 1);
  EXPECT_EQ(span.meta.size(), 4u);
  EXPECT_EQ(span.meta.at("error.type"), "timeout");
  EXPECT_EQ(span.meta.at("error.message"), "boom");
  EXPECT_EQ(span.metrics.at("_sampling_priority_v1"), 1.0);
}

// Byte by byte: the packer would take the smallest format for a small number, and a strict
// receiver wants the wide ones.
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
  const std::string body = encode_v04({{s}});
  EXPECT_EQ(v04_violations(body), std::vector<std::string>{});
  const auto after = [&body](std::string_view key) {
    const std::string encoded =
        std::string(1, static_cast<char>(0xa0 | key.size())) + std::string(key);
    const auto at = body.find(encoded);
    return at == std::string::npos ? std::string()
                                   : body.substr(at + encoded.size(), 9);  // lead byte + 8
  };
  EXPECT_EQ(after("parent_id"), std::string("\xcf\0\0\0\0\0\0\0\x02", 9));
  EXPECT_EQ(after("start"), std::string("\xd3\0\0\0\0\0\0\0\x04", 9));
  EXPECT_EQ(after("error").substr(0, 5), std::string("\xd2\0\0\0\0", 5));
  EXPECT_EQ(after("meta").substr(0, 1), "\x80");  // an empty map, not nil
  const auto decoded = decode_v04(body);
  ASSERT_TRUE(decoded.has_value());
  expect_same_span((*decoded)[0][0], s);
}

// An internal span has no type, and "" is not one: the key is left out, as the official tracers
// leave it out; a typed span has all 12 keys, type last.
TEST(DatadogPayload, AnEmptyTypeIsNeverSent) {
  SpanData typed = sample_span();
  SpanData internal = sample_span();
  internal.type.clear();
  const std::string body = encode_v04({{typed, internal}});
  EXPECT_EQ(v04_violations(body), std::vector<std::string>{});
  // array of 1 trace, array of 2 spans, then the first span's map header.
  ASSERT_GT(body.size(), 3u);
  EXPECT_EQ(static_cast<unsigned char>(body[2]), 0x8c) << "12 keys";
  const std::string type_key = std::string(1, static_cast<char>(0xa4)) + "type";
  EXPECT_EQ(body.find(type_key), body.rfind(type_key)) << "one type key in the body";
  const auto second_span = body.find(std::string(1, static_cast<char>(0x8b)) +
                                     std::string(1, static_cast<char>(0xa7)) + "service");
  EXPECT_NE(second_span, std::string::npos) << "the untyped span is an 11-key map";
  EXPECT_LT(body.find(type_key), second_span);
  const auto decoded = decode_v04(body);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ((*decoded)[0][0].type, "web");
  EXPECT_EQ((*decoded)[0][1].type, "");
}

TEST(DatadogPayload, ASentEmptyTypeIsAViolation) {
  // What an encoder that wrote "" would send: a 12-key map whose type is empty.
  const std::string good = encode_v04({{sample_span()}});
  std::string body(good);
  const std::string web = std::string(1, static_cast<char>(0xa3)) + "web";
  ASSERT_EQ(body.substr(body.size() - web.size()), web);
  body.replace(body.size() - web.size(), web.size(), std::string(1, static_cast<char>(0xa0)));
  EXPECT_EQ(v04_violations(good), std::vector<std::string>{});
  const auto problems = v04_violations(body);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("empty type"), std::string::npos) << problems[0];
}

TEST(DatadogPayload, ManyTracesAndSpansFromTheTracer) {
  Random random(11);
  ManualClock clock;
  Tracer tracer(TracerSettings{"catalog", "lab", "1.0", {}}, random, clock);
  std::vector<TraceChunk> traces(20);
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

  const std::string body = encode_v04(traces);
  EXPECT_EQ(v04_violations(body), std::vector<std::string>{});
  EXPECT_EQ(static_cast<unsigned char>(body[0]), 0xdc);  // array16
  const auto decoded = decode_v04(body);
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), 20u);
  for (std::size_t t = 0; t < traces.size(); ++t) {
    const TraceChunk& chunk = (*decoded)[t];
    ASSERT_EQ(chunk.size(), 18u);
    const SpanData& root = chunk.front();  // the local root starts first
    EXPECT_EQ(root.parent_id, 0u);
    EXPECT_EQ(root.error, 1);
    EXPECT_EQ(root.duration, 170'000);
    EXPECT_EQ(root.metrics.at("_sampling_priority_v1"), 1.0);
    for (std::size_t i = 0; i < chunk.size(); ++i) expect_same_span(chunk[i], traces[t][i]);
  }
}

TEST(DatadogPayload, StringsOfEveryHeaderSizeComeOutWhole) {
  TraceChunk trace;
  for (std::size_t size : {0u, 31u, 32u, 255u, 256u, 65535u, 65536u}) {
    SpanData s = sample_span();
    s.service.assign(size, 's');
    s.resource.assign(size, 'r');
    s.set_tag(std::string(size, 'k'), std::string(size, 'v'));
    s.set_tag("replaced", std::string(size, 'o'));
    s.set_tag("replaced", "new");
    for (int i = 0; i < 20; ++i) s.set_metric("m" + std::to_string(i), i);
    trace.push_back(s);
  }
  const std::string body = encode_v04({trace, trace});
  EXPECT_EQ(v04_violations(body), std::vector<std::string>{});
  const auto decoded = decode_v04(body);
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), 2u);
  for (const TraceChunk& chunk : *decoded) {
    ASSERT_EQ(chunk.size(), trace.size());
    for (std::size_t i = 0; i < trace.size(); ++i) expect_same_span(chunk[i], trace[i]);
  }
}

// As the exporter builds a request: each trace on its own, then joined (an array16 header here).
TEST(DatadogPayload, TracesEncodedOneByOneAndJoinedAreTheWholeBody) {
  std::vector<TraceChunk> traces;
  std::vector<std::string> pieces;
  for (std::uint64_t t = 1; t <= 40; ++t) {
    SpanData s = sample_span();
    s.trace_id.low = t;
    traces.push_back({s, s});
    pieces.push_back(encode_v04_trace(traces.back()));
  }
  const std::string joined =
      join_v04_traces(std::vector<std::string_view>(pieces.begin(), pieces.end()));
  EXPECT_EQ(joined, encode_v04(traces));
  EXPECT_EQ(joined.substr(0, 3), std::string("\xdc\x00\x28", 3));
  EXPECT_EQ(v04_violations(joined), std::vector<std::string>{});
  EXPECT_EQ(join_v04_traces({}), std::string(1, static_cast<char>(0x90)));
}

TEST(DatadogPayload, WhatIsNotAPayloadDoesNotDecode) {
  for (const std::string& body : {std::string(), std::string("\xc1", 1), std::string("\x91\x01", 2),
                                  std::string("\x91\x91\x80", 3), encode_v04({}) + "x"}) {
    EXPECT_FALSE(decode_v04(body).has_value()) << body.size();
  }
}

// Found by fuzz/fuzz_msgpack_trace: headers counting more elements than the body has bytes made
// msgpack-cxx allocate for all of them first (96 GiB for the array32 below, which the ASan build
// aborts on; a plain build got bad_alloc, or gigabytes of address space for smaller counts).
TEST(DatadogPayload, CountsLargerThanTheBodyAreRefusedBeforeAllocating) {
  for (const std::string& body :
       {std::string("\xdd\xff\xff\xff\xff", 5), std::string("\xdf\xff\xff\xff\xff", 5),
        std::string("\x91\xdd\x10\x00\x00\x00", 6), std::string("\xdc\xff\xff\x90", 4)}) {
    EXPECT_FALSE(decode_v04(body).has_value()) << body.size();
  }
}

}  // namespace
}  // namespace srelab::telemetry
