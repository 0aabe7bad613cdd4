// The console API's query strings: decoding, every parameter's range, and the errors that name
// the parameter at fault.
#include <gtest/gtest.h>

#include "console/console_query.hpp"

namespace srelab::console {
namespace {

using namespace std::chrono_literals;

TEST(DecodeQuery, PercentEscapesAndPlusAreDecoded) {
  FieldError error;
  const auto params = decode_query("tag=app.fallback_used%3Atrue&text=stale+copy%21&&flag", error);
  ASSERT_TRUE(params) << error.detail;
  ASSERT_EQ(params->size(), 3u);
  EXPECT_EQ((*params)[0],
            std::make_pair(std::string("tag"), std::string("app.fallback_used:true")));
  EXPECT_EQ((*params)[1], std::make_pair(std::string("text"), std::string("stale copy!")));
  EXPECT_EQ((*params)[2], std::make_pair(std::string("flag"), std::string()));
}

TEST(DecodeQuery, AMalformedEscapeNamesItsParameter) {
  for (const char* query : {"text=%zz", "text=%4", "text=abc%"}) {
    FieldError error;
    EXPECT_FALSE(decode_query(query, error)) << query;
    EXPECT_EQ(error.key, "text") << query;
  }
}

TEST(TraceQuery, DefaultsWhenEmpty) {
  FieldError error;
  const auto filter = parse_trace_query("", error);
  ASSERT_TRUE(filter);
  EXPECT_EQ(filter->status, TraceStatus::any);
  EXPECT_EQ(filter->min_duration, 0ns);
  EXPECT_EQ(filter->resource, "");
  EXPECT_EQ(filter->tag, "");
  EXPECT_EQ(filter->limit, 50u);
}

TEST(TraceQuery, EveryParameterIsRead) {
  FieldError error;
  const auto filter = parse_trace_query(
      "status=error&min_ms=2.5&resource=%2Fproducts&tag=resilience.circuit_breaker.state:OPEN"
      "&limit=500",
      error);
  ASSERT_TRUE(filter) << error.detail;
  EXPECT_EQ(filter->status, TraceStatus::error);
  EXPECT_EQ(filter->min_duration, 2500us);
  EXPECT_EQ(filter->resource, "/products");
  EXPECT_EQ(filter->tag, "resilience.circuit_breaker.state:OPEN");
  EXPECT_EQ(filter->limit, 500u);
}

TEST(TraceQuery, TheLastOfARepeatedParameterCounts) {
  FieldError error;
  const auto filter = parse_trace_query("limit=5&limit=7", error);
  ASSERT_TRUE(filter);
  EXPECT_EQ(filter->limit, 7u);
}

struct BadQuery {
  const char* query;
  const char* key;
  const char* detail;  // a part of it
};

class BadTraceQuery : public ::testing::TestWithParam<BadQuery> {};

TEST_P(BadTraceQuery, IsRefusedNamingTheParameter) {
  FieldError error;
  EXPECT_FALSE(parse_trace_query(GetParam().query, error));
  EXPECT_EQ(error.key, GetParam().key);
  EXPECT_NE(error.detail.find(GetParam().detail), std::string::npos) << error.detail;
}

INSTANTIATE_TEST_SUITE_P(All, BadTraceQuery,
                         ::testing::Values(BadQuery{"status=failed", "status",
                                                    "any, ok or error, got 'failed'"},
                                           BadQuery{"min_ms=-1", "min_ms", "0..86400000, got '-1'"},
                                           BadQuery{"min_ms=abc", "min_ms", "got 'abc'"},
                                           BadQuery{"min_ms=nan", "min_ms", "got 'nan'"},
                                           BadQuery{"min_ms=1e3", "min_ms", "got '1e3'"},
                                           BadQuery{"min_ms=86400001", "min_ms", "0..86400000"},
                                           BadQuery{"limit=0", "limit", "1..500, got '0'"},
                                           BadQuery{"limit=501", "limit", "1..500"},
                                           BadQuery{"limit=", "limit", "got ''"},
                                           BadQuery{"limit=5x", "limit", "got '5x'"},
                                           BadQuery{"tag=:true", "tag", "a tag key before the ':'"},
                                           BadQuery{"foo=1", "foo", "unknown parameter 'foo'"}));

TEST(TraceQuery, LongTextIsRefused) {
  FieldError error;
  EXPECT_FALSE(parse_trace_query("resource=" + std::string(257, 'a'), error));
  EXPECT_EQ(error.key, "resource");
  EXPECT_TRUE(parse_trace_query("resource=" + std::string(256, 'a'), error));
}

TEST(LogQuery, DefaultsWhenEmpty) {
  FieldError error;
  const auto filter = parse_log_query("", error);
  ASSERT_TRUE(filter);
  EXPECT_EQ(filter->min_level, telemetry::LogLevel::debug);
  EXPECT_EQ(filter->text, "");
  EXPECT_EQ(filter->trace_id, "");
  EXPECT_EQ(filter->after_sequence, 0u);
  EXPECT_EQ(filter->limit, 200u);
}

TEST(LogQuery, EveryParameterIsRead) {
  FieldError error;
  const auto filter = parse_log_query(
      "level=warning&text=stale%20copy&trace_id=0123456789ABCDEF0123456789abcdef&after=41"
      "&limit=1000",
      error);
  ASSERT_TRUE(filter) << error.detail;
  EXPECT_EQ(filter->min_level, telemetry::LogLevel::warning);
  EXPECT_EQ(filter->text, "stale copy");
  EXPECT_EQ(filter->trace_id, "0123456789abcdef0123456789abcdef") << "lowercased";
  EXPECT_EQ(filter->after_sequence, 41u);
  EXPECT_EQ(filter->limit, 1000u);
}

TEST(LogQuery, TheLowHalfOfATraceIdIsAccepted) {
  FieldError error;
  const auto filter = parse_log_query("trace_id=0123456789abcdef", error);
  ASSERT_TRUE(filter) << error.detail;
  EXPECT_EQ(filter->trace_id, "0123456789abcdef");
}

class BadLogQuery : public ::testing::TestWithParam<BadQuery> {};

TEST_P(BadLogQuery, IsRefusedNamingTheParameter) {
  FieldError error;
  EXPECT_FALSE(parse_log_query(GetParam().query, error));
  EXPECT_EQ(error.key, GetParam().key);
  EXPECT_NE(error.detail.find(GetParam().detail), std::string::npos) << error.detail;
}

INSTANTIATE_TEST_SUITE_P(
    All, BadLogQuery,
    ::testing::Values(BadQuery{"level=warn", "level", "debug, info, warning or error, got 'warn'"},
                      BadQuery{"trace_id=xyz", "trace_id", "32 hex digits"},
                      BadQuery{"trace_id=0123456789abcdef0123456789abcdeg", "trace_id", "hex"},
                      BadQuery{"trace_id=0123456789abcdef0", "trace_id", "hex"},
                      BadQuery{"after=-1", "after", "got '-1'"},
                      BadQuery{"after=18446744073709551616", "after", "integer"},
                      BadQuery{"limit=1001", "limit", "1..1000"},
                      BadQuery{"limit=0", "limit", "1..1000"},
                      BadQuery{"since=5", "since", "unknown parameter 'since'"}));

TEST(TimelineQuery, SinceIsMillisecondsSinceTheEpoch) {
  FieldError error;
  const auto since = parse_timeline_query("since=1767225600123", error);
  ASSERT_TRUE(since) << error.detail;
  EXPECT_EQ(since->time_since_epoch(), 1767225600124ms - 1ns) << "the whole millisecond is past";
  const auto all = parse_timeline_query("", error);
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, Clock::wall_time{});
}

TEST(TimelineQuery, BadValuesAreRefused) {
  for (const char* query : {"since=abc", "since=-5", "since=1.5", "since=9223372036854"}) {
    FieldError error;
    EXPECT_FALSE(parse_timeline_query(query, error)) << query;
    EXPECT_EQ(error.key, "since") << query;
  }
  FieldError error;
  EXPECT_FALSE(parse_timeline_query("limit=5", error));
  EXPECT_EQ(error.key, "limit");
}

TEST(NormalizeTraceId, ThirtyTwoHexDigitsInEitherCase) {
  EXPECT_EQ(normalize_trace_id("0123456789ABCDEF0123456789abcdef"),
            "0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(normalize_trace_id("0123456789abcdef"));
  EXPECT_FALSE(normalize_trace_id("0123456789abcdef0123456789abcdeg"));
  EXPECT_FALSE(normalize_trace_id(""));
}

}  // namespace
}  // namespace srelab::console
