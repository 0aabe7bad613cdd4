#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "telemetry/tracing/span.hpp"
#include "telemetry/tracing/trace_id.hpp"

namespace srelab::telemetry {
namespace {

TEST(TraceId, HexIsLowercaseZeroPaddedAndRoundTrips) {
  const TraceId id{0x0123456789abcdefULL, 0xfULL};
  EXPECT_EQ(to_hex(id), "0123456789abcdef000000000000000f");
  EXPECT_EQ(to_hex16(0), "0000000000000000");
  EXPECT_EQ(to_hex16(~0ULL), "ffffffffffffffff");
  // Every digit in every place, both halves of the word.
  EXPECT_EQ(to_hex16(0x0123456789abcdefULL), "0123456789abcdef");
  EXPECT_EQ(to_hex16(0xfedcba9876543210ULL), "fedcba9876543210");
  EXPECT_EQ(to_hex16(0x9a00000000000000ULL), "9a00000000000000");
  EXPECT_EQ(to_hex16(0x00000000000000a9ULL), "00000000000000a9");
  EXPECT_EQ(parse_trace_id_hex(to_hex(id)), id);

  Random random(7);
  for (int i = 0; i < 1000; ++i) {
    const TraceId t = generate_trace_id(random);
    const auto hex = to_hex(t);
    ASSERT_EQ(hex.size(), 32u);
    ASSERT_EQ(parse_trace_id_hex(hex), t);
    const SpanId s = generate_span_id(random);
    ASSERT_EQ(parse_hex16(to_hex16(s)), s);
  }
}

TEST(TraceId, ParsingRejectsWrongLengthsUppercaseAndNonHex) {
  EXPECT_FALSE(parse_hex16("0123456789abcde"));
  EXPECT_FALSE(parse_hex16("0123456789abcdef0"));
  EXPECT_FALSE(parse_hex16("0123456789ABCDEF"));
  EXPECT_FALSE(parse_hex16("0123456789abcdeg"));
  EXPECT_FALSE(parse_hex16(""));
  EXPECT_EQ(parse_hex16("0000000000000000"), 0u);  // zero parses; callers decide if it is valid
  EXPECT_FALSE(parse_trace_id_hex("0123456789abcdef0123456789abcde"));
  EXPECT_FALSE(parse_trace_id_hex("0123456789abcdef0123456789abcdeF"));
}

TEST(TraceId, DecimalParsing) {
  EXPECT_EQ(parse_decimal_u64("0"), 0u);
  EXPECT_EQ(parse_decimal_u64("18446744073709551615"), ~0ULL);
  EXPECT_FALSE(parse_decimal_u64("18446744073709551616"));
  EXPECT_FALSE(parse_decimal_u64("-1"));
  EXPECT_FALSE(parse_decimal_u64("+1"));
  EXPECT_FALSE(parse_decimal_u64("12a"));
  EXPECT_FALSE(parse_decimal_u64(""));
  EXPECT_FALSE(parse_decimal_u64(" 1"));
}

// A Random whose first draws are 0 shows the generators skip zeros rather than return them.
TEST(TraceId, SpanIdIsNeverZeroEvenWhenTheGeneratorYieldsZero) {
  // SplitMix64 outputs 0 for the state that makes z == 0 before mixing: seed = -golden.
  Random zero_first(0ULL - 0x9e3779b97f4a7c15ULL);
  Random probe(0ULL - 0x9e3779b97f4a7c15ULL);
  ASSERT_EQ(probe.next(), 0u);  // premise: the first draw really is zero
  EXPECT_NE(generate_span_id(zero_first), 0u);

  Random again(0ULL - 0x9e3779b97f4a7c15ULL);
  const TraceId t = generate_trace_id(again);
  EXPECT_EQ(t.high, 0u);  // the zero went to the high half...
  EXPECT_NE(t.low, 0u);   // ...and the low half, the agent's trace id, is not zero

  Random random(1);
  for (int i = 0; i < 10000; ++i) ASSERT_NE(generate_span_id(random), 0u);
}

TEST(TraceId, SameSeedSameIds) {
  Random a(42), b(42), c(43);
  std::vector<SpanId> from_a, from_b, from_c;
  for (int i = 0; i < 16; ++i) {
    from_a.push_back(generate_span_id(a));
    from_b.push_back(generate_span_id(b));
    from_c.push_back(generate_span_id(c));
  }
  EXPECT_EQ(from_a, from_b);
  EXPECT_NE(from_a, from_c);
  EXPECT_EQ(std::set<SpanId>(from_a.begin(), from_a.end()).size(), from_a.size());
}

TEST(TraceId, RuntimeIdIsAVersion4Uuid) {
  Random random(11);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = generate_runtime_id(random);
    ASSERT_EQ(id.size(), 36u) << id;
    for (std::size_t at : {8u, 13u, 18u, 23u}) EXPECT_EQ(id[at], '-') << id;
    EXPECT_EQ(id[14], '4') << "version 4: " << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << "variant 10: " << id;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef-"), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(SpanData, TagMetricAndErrorHelpers) {
  SpanData span;
  span.set_tag("http.method", "GET");
  span.set_tag("http.method", "POST");  // last write wins
  span.set_metric("_dd.measured", 1);
  EXPECT_EQ(span.error, 0);
  span.set_error("timeout", "db query took too long");
  EXPECT_EQ(span.error, 1);
  EXPECT_EQ(span.meta.at("http.method"), "POST");
  EXPECT_EQ(span.meta.at("error.type"), "timeout");
  EXPECT_EQ(span.meta.at("error.message"), "db query took too long");
  EXPECT_EQ(span.metrics.at("_dd.measured"), 1.0);
}

class TracerTest : public ::testing::Test {
 protected:
  Random random_{99};
  ManualClock clock_;
  std::vector<SpanData> finished_;
  int chunks_ = 0;
  TraceSink sink() {
    return [this](TraceChunk&& chunk) {
      ++chunks_;
      for (auto& span : chunk) finished_.push_back(std::move(span));
    };
  }
  Tracer tracer_{TracerSettings{"catalog", "lab", "1.2.3", {{"team", "sre"}}}, random_, clock_};
};

TEST_F(TracerTest, RootAndChildSpansRecordDurationsFromTheClock) {
  const std::int64_t wall_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.wall().time_since_epoch())
          .count();
  {
    Span root = tracer_.start_root(sink(), "http.request", "GET /products/{id}");
    clock_.advance(std::chrono::milliseconds(2));
    {
      Span child = root.child("redis.command", "GET");
      clock_.advance(std::chrono::microseconds(300));
    }
    EXPECT_TRUE(finished_.empty());  // the chunk goes out whole, when its last span is done
    clock_.advance(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(chunks_, 1);
  ASSERT_EQ(finished_.size(), 2u);
  const SpanData& root = finished_[0];  // in the order they started
  const SpanData& child = finished_[1];

  EXPECT_EQ(root.name, "http.request");
  EXPECT_EQ(root.resource, "GET /products/{id}");
  EXPECT_EQ(root.service, "catalog");
  EXPECT_EQ(root.parent_id, 0u);
  EXPECT_EQ(root.start, wall_ns);
  EXPECT_EQ(root.duration, 3'300'000);
  EXPECT_NE(root.span_id, 0u);
  EXPECT_EQ(root.metrics.at(std::string(kSamplingPriorityMetric)), 1.0);
  EXPECT_EQ(root.meta.at("_dd.p.tid"), to_hex16(root.trace_id.high));
  EXPECT_EQ(root.meta.at("env"), "lab");
  EXPECT_EQ(root.meta.at("version"), "1.2.3");
  EXPECT_EQ(root.meta.at("team"), "sre");

  EXPECT_EQ(child.trace_id, root.trace_id);
  EXPECT_EQ(child.parent_id, root.span_id);
  EXPECT_NE(child.span_id, root.span_id);
  EXPECT_EQ(child.start, wall_ns + 2'000'000);
  EXPECT_EQ(child.duration, 300'000);
  EXPECT_FALSE(child.metrics.contains(std::string(kSamplingPriorityMetric)));
  EXPECT_FALSE(child.meta.contains("_dd.p.tid"));
  EXPECT_EQ(child.meta.at("env"), "lab");
}

// A sink that leaves the chunk where it is: the tracer reuses those spans for the next trace,
// which must start from nothing.
TEST_F(TracerTest, AReusedSpanCarriesNothingFromTheTraceBefore) {
  std::vector<TraceChunk> seen;
  const TraceSink copying = [&seen](TraceChunk&& chunk) { seen.push_back(chunk); };
  {
    Span root = tracer_.start_root(copying, "first", "first resource");
    root.set_tag("leftover", std::string(100, 'x'));
    root.set_metric("leftover.metric", 7);
    root.set_type("web");
    Span child = root.child("first.child");
    child.set_error("boom", "it broke");
  }
  for (int i = 0; i < 3; ++i) {
    Span root = tracer_.start_root(copying, "second");
    Span child = root.child("second.child");
  }
  ASSERT_EQ(seen.size(), 4u);
  for (std::size_t t = 1; t < seen.size(); ++t) {
    const SpanData& root = seen[t][0];
    const SpanData& child = seen[t][1];
    EXPECT_EQ(root.name, "second");
    EXPECT_EQ(root.resource, "second");
    EXPECT_EQ(root.type, "");
    EXPECT_EQ(root.error, 0);
    EXPECT_FALSE(root.meta.contains("leftover"));
    EXPECT_FALSE(root.metrics.contains("leftover.metric"));
    EXPECT_EQ(child.name, "second.child");
    EXPECT_EQ(child.error, 0);
    EXPECT_FALSE(child.meta.contains("error.type"));
    EXPECT_EQ(child.meta.size(), 4u);  // env, version, team, language
    EXPECT_EQ(child.parent_id, root.span_id);
  }
}

TEST_F(TracerTest, FinishIsIdempotentAndMovedFromSpansRecordNothing) {
  Span root = tracer_.start_root(sink(), "op");
  EXPECT_EQ(root.data()->resource, "op");  // empty resource falls back to the name
  Span moved = std::move(root);
  moved.finish();
  moved.finish();
  EXPECT_EQ(finished_.size(), 1u);
}

TEST_F(TracerTest, ContinuesAnExtractedTrace) {
  TraceContext parent;
  parent.trace_id = {0xaaULL, 0xbbULL};
  parent.parent_id = 77;
  parent.sampling_priority = 2;
  parent.origin = "synthetics";
  parent.propagation_tags = {{"_dd.p.dm", "-4"}};
  {
    Span root = tracer_.start_root(sink(), "http.request", {}, parent);
    const TraceContext out = root.context();
    EXPECT_EQ(out.trace_id, parent.trace_id);
    EXPECT_EQ(out.parent_id, root.span_id());
    EXPECT_EQ(out.sampling_priority, 2);
    EXPECT_EQ(out.origin, "synthetics");
    EXPECT_EQ(out.propagation_tags, parent.propagation_tags);
  }
  ASSERT_EQ(finished_.size(), 1u);
  const SpanData& root = finished_[0];
  EXPECT_EQ(root.trace_id, parent.trace_id);
  EXPECT_EQ(root.parent_id, 77u);
  EXPECT_EQ(root.metrics.at(std::string(kSamplingPriorityMetric)), 2.0);
  EXPECT_EQ(root.meta.at("_dd.p.tid"), "00000000000000aa");
  EXPECT_EQ(root.meta.at("_dd.origin"), "synthetics");
  EXPECT_EQ(root.meta.at("_dd.p.dm"), "-4");
}

TEST_F(TracerTest, SameSeedSameTrace) {
  Random r1(5), r2(5);
  Tracer t1(TracerSettings{"s", "", "", {}}, r1, clock_);
  Tracer t2(TracerSettings{"s", "", "", {}}, r2, clock_);
  std::vector<SpanData> a, b;
  t1.start_root([&](TraceChunk&& c) { a = std::move(c); }, "x").child("y");
  t2.start_root([&](TraceChunk&& c) { b = std::move(c); }, "x").child("y");
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a[i].trace_id, b[i].trace_id);
    EXPECT_EQ(a[i].span_id, b[i].span_id);
  }
  EXPECT_FALSE(a[0].meta.contains("env"));  // empty env/version are not tagged
  EXPECT_FALSE(a[0].meta.contains("version"));
}

}  // namespace
}  // namespace srelab::telemetry
