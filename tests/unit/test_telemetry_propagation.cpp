#include <gtest/gtest.h>

#include <map>
#include <string>

#include "telemetry/tracing/propagation.hpp"

namespace srelab::telemetry {
namespace {

using Headers = std::map<std::string, std::string, std::less<>>;

HeaderLookup lookup(const Headers& headers) {
  return [&headers](std::string_view name) -> std::optional<std::string_view> {
    auto it = headers.find(name);
    if (it == headers.end()) return std::nullopt;
    return std::string_view(it->second);
  };
}

Headers to_map(const TagList& list) {
  Headers out;
  for (const auto& [k, v] : list) {
    EXPECT_TRUE(out.emplace(k, v).second) << "duplicate header " << k;
  }
  return out;
}

constexpr std::string_view kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kParent = "00f067aa0ba902b7";

std::string traceparent(std::string_view version, std::string_view trace, std::string_view parent,
                        std::string_view flags) {
  return std::string(version) + "-" + std::string(trace) + "-" + std::string(parent) + "-" +
         std::string(flags);
}

// ---- Datadog ----------------------------------------------------------------------------------

TEST(ExtractDatadog, FullHeaders) {
  const Headers h{{"x-datadog-trace-id", "12345"},
                  {"x-datadog-parent-id", "678"},
                  {"x-datadog-sampling-priority", "2"},
                  {"x-datadog-origin", "synthetics"},
                  {"x-datadog-tags", "_dd.p.tid=640cfd8d00000000,_dd.p.dm=-4,other=x"}};
  const auto c = extract_datadog(lookup(h));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->trace_id.low, 12345u);
  EXPECT_EQ(c->trace_id.high, 0x640cfd8d00000000ULL);
  EXPECT_EQ(c->parent_id, 678u);
  EXPECT_EQ(c->sampling_priority, 2);
  EXPECT_EQ(c->origin, "synthetics");
  EXPECT_EQ(c->propagation_tags, (TagList{{"_dd.p.dm", "-4"}}));  // non-_dd.p. keys dropped
}

TEST(ExtractDatadog, MinimalAndNegativePriority) {
  const Headers h{{"x-datadog-trace-id", "18446744073709551615"},
                  {"x-datadog-sampling-priority", "-1"}};
  const auto c = extract_datadog(lookup(h));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->trace_id.low, ~0ULL);
  EXPECT_EQ(c->trace_id.high, 0u);
  EXPECT_EQ(c->parent_id, 0u);  // missing parent → 0
  EXPECT_EQ(c->sampling_priority, -1);
  EXPECT_TRUE(c->origin.empty());
}

TEST(ExtractDatadog, InvalidInputsYieldNothing) {
  const std::vector<Headers> cases{
      {},
      {{"x-datadog-trace-id", "0"}},
      {{"x-datadog-trace-id", ""}},
      {{"x-datadog-trace-id", "abc"}},
      {{"x-datadog-trace-id", "-5"}},
      {{"x-datadog-trace-id", "18446744073709551616"}},  // overflows 64 bits
      {{"x-datadog-trace-id", "12"}, {"x-datadog-parent-id", "x1"}},
      {{"x-datadog-parent-id", "12"}},  // no trace id
  };
  for (const auto& h : cases) {
    const auto c = extract_datadog(lookup(h));
    EXPECT_FALSE(c) << (h.contains("x-datadog-trace-id") ? h.at("x-datadog-trace-id") : "<none>");
  }
}

TEST(ExtractDatadog, BadOptionalHeadersAreIgnoredNotFatal) {
  Headers h{{"x-datadog-trace-id", "1"},
            {"x-datadog-parent-id", "2"},
            {"x-datadog-sampling-priority", "high"},
            {"x-datadog-tags", "_dd.p.tid=XYZ,_dd.p.dm=-4"}};
  auto c = extract_datadog(lookup(h));
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->sampling_priority);
  EXPECT_EQ(c->trace_id.high, 0u);                                // bad tid dropped...
  EXPECT_EQ(c->propagation_tags, (TagList{{"_dd.p.dm", "-4"}}));  // ...the rest kept

  h["x-datadog-tags"] = "_dd.p.dm=-4,garbage";  // malformed → all tags ignored
  c = extract_datadog(lookup(h));
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->propagation_tags.empty());

  h["x-datadog-tags"] = "_dd.p.tid=00000000000000ff,_dd.p.x=" + std::string(520, 'a');
  c = extract_datadog(lookup(h));  // over 512 bytes → all ignored, tid too
  ASSERT_TRUE(c);
  EXPECT_EQ(c->trace_id.high, 0u);
  EXPECT_TRUE(c->propagation_tags.empty());
}

// ---- W3C --------------------------------------------------------------------------------------

TEST(ExtractW3c, ValidTraceparentAndTracestate) {
  const Headers h{{"traceparent", traceparent("00", kTrace, kParent, "01")},
                  {"tracestate", "foo=bar, dd=s:2;p:000000000000002a;o:rum~x;t.dm:-4 ,x=y"}};
  const auto c = extract_w3c(lookup(h));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->trace_id.high, 0x4bf92f3577b34da6ULL);
  EXPECT_EQ(c->trace_id.low, 0xa3ce929d0e0e4736ULL);
  EXPECT_EQ(c->parent_id, 0x00f067aa0ba902b7ULL);
  EXPECT_EQ(c->sampling_priority, 2);
  EXPECT_EQ(c->origin, "rum=x");  // '~' stands for '='
  EXPECT_EQ(c->last_datadog_parent, 42u);
  EXPECT_EQ(c->propagation_tags, (TagList{{"_dd.p.dm", "-4"}}));
}

// Found by fuzz/fuzz_propagation: an `o:` ending in a tab kept it, while x-datadog-origin is
// trimmed, so the origin changed between a request and the next hop's extraction of it.
TEST(ExtractW3c, OriginIsTrimmedAsTheDatadogHeaderIsAndRoundTrips) {
  const Headers h{{"traceparent", traceparent("00", kTrace, kParent, "01")},
                  {"tracestate", "dd=s:1;o:\t rum \t;p:000000000000002a"}};
  const auto c = extract_w3c(lookup(h));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->origin, "rum");
  const auto again = extract(lookup(to_map(inject(*c))));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->origin, c->origin);
}

// Found by fuzz/fuzz_propagation: tags over 512 bytes dropped x-datadog-tags whole, _dd.p.tid with
// them, so the next hop (Datadog headers first) cut a 128-bit trace id to its low half.
TEST(Inject, TheTraceIdsHighHalfSurvivesTagsOverTheLimit) {
  TraceContext context;
  context.trace_id = {0x640cfd8d00000000ULL, 12345};
  context.parent_id = 42;
  context.propagation_tags = {{"_dd.p.long", std::string(600, 'a')}};
  const Headers sent = to_map(inject(context));
  EXPECT_EQ(sent.at("x-datadog-tags"), "_dd.p.tid=640cfd8d00000000");
  const auto again = extract(lookup(sent));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->trace_id, context.trace_id);
}

// Found by fuzz/fuzz_propagation: a `t.` key with a character no tag key has ("t.tid=") was kept,
// and injected as a second _dd.p.tid that hid the real one from the next hop.
TEST(ExtractW3c, TagKeysATagCannotHaveAreIgnored) {
  const Headers h{{"traceparent", traceparent("00", kTrace, kParent, "01")},
                  {"tracestate", "dd=t.tid=:x;t.a b:y;t.dm:-4"}};
  const auto c = extract_w3c(lookup(h));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->propagation_tags, (TagList{{"_dd.p.dm", "-4"}}));
  const auto again = extract(lookup(to_map(inject(*c))));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->trace_id, c->trace_id);
}

TEST(ExtractW3c, PriorityComesFromTheFlagWhenTracestateDisagreesOrIsAbsent) {
  struct Case {
    std::string flags;
    std::optional<std::string> tracestate;
    int expected;
  };
  const std::vector<Case> cases{
      {"01", std::nullopt, 1}, {"00", std::nullopt, 0}, {"01", "dd=s:2", 2},
      {"00", "dd=s:-1", -1},   {"00", "dd=s:2", 0},     {"01", "dd=s:-1", 1},
      {"01", "dd=s:zz", 1},    {"03", std::nullopt, 1},  // other flag bits do not matter
  };
  for (const auto& tc : cases) {
    Headers h{{"traceparent", traceparent("00", kTrace, kParent, tc.flags)}};
    if (tc.tracestate) h["tracestate"] = *tc.tracestate;
    const auto c = extract_w3c(lookup(h));
    ASSERT_TRUE(c) << tc.flags;
    EXPECT_EQ(c->sampling_priority, tc.expected) << tc.flags << " " << tc.tracestate.value_or("-");
  }
}

TEST(ExtractW3c, InvalidTraceparentsAreIgnored) {
  const std::string zeros32(32, '0'), zeros16(16, '0');
  const std::vector<std::string> cases{
      traceparent("ff", kTrace, kParent, "01"),                     // version ff is invalid
      traceparent("00", zeros32, kParent, "01"),                    // all-zero trace id
      traceparent("00", kTrace, zeros16, "01"),                     // all-zero parent id
      traceparent("00", kTrace.substr(1), kParent, "01"),           // 31 hex
      traceparent("00", std::string(kTrace) + "0", kParent, "01"),  // 33 hex
      traceparent("00", kTrace, kParent.substr(1), "01"),           // 15 hex
      traceparent("00", kTrace, kParent, "1"),                      // 1-digit flags
      traceparent("00", kTrace, kParent, "01") + "-extra",  // version 00 has no extra fields
      traceparent("00", "4BF92F3577B34DA6A3CE929D0E0E4736", kParent, "01"),  // uppercase: rejected
      traceparent("00", kTrace, "00F067AA0BA902B7", "01"),
      traceparent("0g", kTrace, kParent, "01"),
      traceparent("00", kTrace, kParent, "0x"),
      "00_" + std::string(kTrace) + "-" + std::string(kParent) + "-01",
      "",
      "garbage",
  };
  for (const auto& tp : cases) {
    const Headers h{{"traceparent", tp}, {"tracestate", "dd=s:1"}};
    EXPECT_FALSE(extract_w3c(lookup(h))) << tp;
  }
}

TEST(ExtractW3c, FutureVersionsMayAppendFields) {
  Headers h{{"traceparent", traceparent("01", kTrace, kParent, "01") + "-what-ever"}};
  EXPECT_TRUE(extract_w3c(lookup(h)));
  h["traceparent"] = traceparent("01", kTrace, kParent, "01") + "x";
  EXPECT_FALSE(extract_w3c(lookup(h)));
}

TEST(ExtractW3c, TracestateWithoutDdMemberLeavesDatadogFieldsEmpty) {
  const Headers h{{"traceparent", traceparent("00", kTrace, kParent, "01")},
                  {"tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"}};
  const auto c = extract_w3c(lookup(h));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->sampling_priority, 1);
  EXPECT_TRUE(c->origin.empty());
  EXPECT_FALSE(c->last_datadog_parent);
  EXPECT_TRUE(c->propagation_tags.empty());
}

// ---- Both -------------------------------------------------------------------------------------

TEST(Extract, DatadogWinsWhenBothArePresent) {
  const Headers h{{"x-datadog-trace-id", "7"},
                  {"x-datadog-parent-id", "8"},
                  {"traceparent", traceparent("00", kTrace, kParent, "01")}};
  const auto c = extract(lookup(h));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->trace_id.low, 7u);
  EXPECT_EQ(c->parent_id, 8u);
}

TEST(Extract, FallsBackToW3cWhenDatadogIsInvalidOrAbsent) {
  const Headers h{{"x-datadog-trace-id", "0"},
                  {"traceparent", traceparent("00", kTrace, kParent, "00")}};
  const auto c = extract(lookup(h));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->trace_id.low, 0xa3ce929d0e0e4736ULL);
  EXPECT_EQ(c->sampling_priority, 0);
  EXPECT_FALSE(extract(lookup(Headers{})));
}

TEST(Inject, ProducesBothStyles) {
  TraceContext c;
  c.trace_id = {0x640cfd8d00000000ULL, 12345};
  c.parent_id = 0x2a;
  c.sampling_priority = 1;
  c.origin = "synthetics";
  c.propagation_tags = {{"_dd.p.dm", "-4"}};
  const Headers h = to_map(inject(c));
  EXPECT_EQ(h.at("x-datadog-trace-id"), "12345");
  EXPECT_EQ(h.at("x-datadog-parent-id"), "42");
  EXPECT_EQ(h.at("x-datadog-sampling-priority"), "1");
  EXPECT_EQ(h.at("x-datadog-origin"), "synthetics");
  EXPECT_EQ(h.at("x-datadog-tags"), "_dd.p.tid=640cfd8d00000000,_dd.p.dm=-4");
  EXPECT_EQ(h.at("traceparent"), "00-640cfd8d000000000000000000003039-000000000000002a-01");
  EXPECT_EQ(h.at("tracestate"), "dd=s:1;p:000000000000002a;o:synthetics;t.dm:-4");
}

TEST(Inject, MinimalContextAndDroppedPriority) {
  TraceContext c;
  c.trace_id = {0, 5};
  c.parent_id = 6;
  c.sampling_priority = 0;
  const Headers h = to_map(inject(c));
  EXPECT_FALSE(h.contains("x-datadog-origin"));
  EXPECT_FALSE(h.contains("x-datadog-tags"));  // nothing to carry: no high bits, no tags
  EXPECT_EQ(h.at("x-datadog-sampling-priority"), "0");
  EXPECT_EQ(h.at("traceparent"), "00-00000000000000000000000000000005-0000000000000006-00");
  EXPECT_EQ(h.at("tracestate"), "dd=s:0;p:0000000000000006");
}

TEST(Inject, TracestateStaysWithin256CharsAndEscapes) {
  TraceContext c;
  c.trace_id = {1, 2};
  c.parent_id = 3;
  c.sampling_priority = 2;
  c.origin = "a=b,c";
  for (int i = 0; i < 20; ++i) {
    c.propagation_tags.emplace_back("_dd.p.k" + std::to_string(i), std::string(10, 'v'));
  }
  const Headers h = to_map(inject(c));
  const std::string& ts = h.at("tracestate");
  EXPECT_LE(ts.size(), kMaxTracestateBytes);
  EXPECT_EQ(ts.rfind("dd=s:2;p:0000000000000003;o:a~b_c;t.k0:vvvvvvvvvv;t.k1:", 0), 0u) << ts;
  EXPECT_EQ(ts.find(','), std::string::npos);
}

TEST(Inject, ExtractRoundTripsBothStyles) {
  TraceContext c;
  c.trace_id = {0xdeadbeef00000000ULL, 0x1122334455667788ULL};
  c.parent_id = 0x99;
  c.sampling_priority = 2;
  c.origin = "lab";
  c.propagation_tags = {{"_dd.p.dm", "-3"}};
  const Headers all = to_map(inject(c));

  Headers dd, w3c;
  for (const auto& [k, v] : all) (k.rfind("x-datadog-", 0) == 0 ? dd : w3c).emplace(k, v);
  for (const Headers* h : std::initializer_list<const Headers*>{&dd, &w3c, &all}) {
    const auto back = extract(lookup(*h));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->trace_id, c.trace_id);
    EXPECT_EQ(back->parent_id, c.parent_id);
    EXPECT_EQ(back->sampling_priority, c.sampling_priority);
    EXPECT_EQ(back->origin, c.origin);
    EXPECT_EQ(back->propagation_tags, c.propagation_tags);
  }
}

}  // namespace
}  // namespace srelab::telemetry
