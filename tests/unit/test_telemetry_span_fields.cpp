// What every span carries beyond its name and times, as the official tracers send it: the
// process's identity (language, runtime-id, process_id), _dd.top_level on the local root, the
// error fields Error Tracking reads (a type name, the message, a stack of the call path), and
// client spans as their own services with the peer tags.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "telemetry/tracing/client_span.hpp"
#include "telemetry/tracing/error_stack.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::telemetry {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return lines;
    start = end + 1;
  }
}

class SpanFieldsTest : public ::testing::Test {
 protected:
  TracerSettings settings() {
    TracerSettings s{"sre-lab", "lab", "1.2.3", {}};
    s.runtime_id = "6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5";
    s.process_id = 4242;
    return s;
  }
  TraceSink sink() {
    return [this](TraceChunk&& chunk) { chunks_.push_back(std::move(chunk)); };
  }
  const SpanData& span_named(std::string_view name) {
    for (const auto& chunk : chunks_)
      for (const auto& span : chunk)
        if (span.name == name) return span;
    throw std::runtime_error("no span " + std::string(name));
  }

  Random random_{3};
  ManualClock clock_;
  Tracer tracer_{settings(), random_, clock_};
  std::vector<TraceChunk> chunks_;
};

TEST_F(SpanFieldsTest, EverySpanCarriesTheProcessAndTheRootIsTopLevel) {
  {
    Span root = tracer_.start_root(sink(), "http.request", "GET /x");
    Span child = root.child("work");
  }
  ASSERT_EQ(chunks_.size(), 1u);
  for (const SpanData& span : chunks_[0]) {
    EXPECT_EQ(span.meta.at("language"), "cpp") << span.name;
    EXPECT_EQ(span.meta.at("runtime-id"), "6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5") << span.name;
    EXPECT_EQ(span.metrics.at("process_id"), 4242.0) << span.name;
  }
  EXPECT_EQ(span_named("http.request").metrics.at("_dd.top_level"), 1.0);
  EXPECT_FALSE(span_named("work").metrics.contains("_dd.top_level"));
}

TEST_F(SpanFieldsTest, WithoutAnIdentityNoRuntimeIdNorProcessId) {
  Random random(1);
  Tracer plain(TracerSettings{"s", "", "", {}}, random, clock_);
  plain.start_root(sink(), "op");
  ASSERT_EQ(chunks_.size(), 1u);
  EXPECT_FALSE(chunks_[0][0].meta.contains("runtime-id"));
  EXPECT_FALSE(chunks_[0][0].metrics.contains("process_id"));
  EXPECT_EQ(chunks_[0][0].meta.at("language"), "cpp");
}

TEST_F(SpanFieldsTest, AnErrorStackIsTheDriverTheFunctionAndTheSpansAbove) {
  {
    Span root = tracer_.start_root(sink(), "http.request", "GET /products/{id}");
    Span fallback = root.child("logic.fallback", "stale_copy");
    Span read = fallback.child("redis.command", "GET");
    read.set_error("redis.ReplyError", "chaos: injected cache failure", "hiredis (client)");
  }
  const SpanData& read = span_named("redis.command");
  EXPECT_EQ(read.error, 1);
  EXPECT_EQ(read.meta.at("error.type"), "redis.ReplyError");
  EXPECT_EQ(read.meta.at("error.message"), "chaos: injected cache failure");
  const auto lines = lines_of(read.meta.at("error.stack"));
  ASSERT_EQ(lines.size(), 5u) << read.meta.at("error.stack");
  EXPECT_EQ(lines[0], "redis.ReplyError: chaos: injected cache failure");
  EXPECT_EQ(lines[1], "    at hiredis (client)");
  // This test's body is the failing function; its file from tests/ on has no src/ to cut at.
  EXPECT_NE(lines[2].find("SpanFieldsTest_AnErrorStackIsTheDriverTheFunctionAndTheSpansAbove"),
            std::string::npos)
      << lines[2];
  EXPECT_NE(lines[2].find("test_telemetry_span_fields.cpp:"), std::string::npos) << lines[2];
  EXPECT_EQ(lines[3], "    at logic.fallback (stale_copy)");
  EXPECT_EQ(lines[4], "    at http.request (GET /products/{id})");
}

TEST_F(SpanFieldsTest, AServerSpanFailingBecauseOfAChildTakesTheChildsFrames) {
  {
    Span root = tracer_.start_root(sink(), "http.request", "GET /products/{id}");
    {
      Span query = root.child("postgres.query", "product.by_id");
      query.set_error("postgres.QueryCanceled", "statement timeout", "libpq");
    }
    root.set_error_from_descendants("http.ServiceUnavailable", "database: statement timeout");
  }
  const SpanData& root = span_named("http.request");
  EXPECT_EQ(root.meta.at("error.type"), "http.ServiceUnavailable");
  const auto lines = lines_of(root.meta.at("error.stack"));
  ASSERT_EQ(lines.size(), 4u) << root.meta.at("error.stack");
  EXPECT_EQ(lines[0], "http.ServiceUnavailable: database: statement timeout");
  EXPECT_EQ(lines[1], "    at libpq");
  EXPECT_EQ(lines[3], "    at http.request (GET /products/{id})");
}

TEST_F(SpanFieldsTest, WithNoFailedChildTheStackIsTheCallersOwn) {
  {
    Span root = tracer_.start_root(sink(), "http.request", "GET /x");
    Span sibling_trace_child = root.child("fine");
    root.set_error_from_descendants("http.InternalServerError", "");
  }
  const auto lines = lines_of(span_named("http.request").meta.at("error.stack"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "http.InternalServerError");
  EXPECT_NE(lines[1].find("WithNoFailedChildTheStackIsTheCallersOwn"), std::string::npos);
}

TEST(ErrorStack, TypeNamesArePascalCaseUnderADomain) {
  EXPECT_EQ(error_type_name("http", "Service Unavailable"), "http.ServiceUnavailable");
  EXPECT_EQ(error_type_name("postgres", "query_canceled"), "postgres.QueryCanceled");
  EXPECT_EQ(error_type_name("catalog", "Pool Exhausted"), "catalog.PoolExhausted");
  EXPECT_EQ(error_type_name("http", "Non-Authoritative (x)"), "http.NonAuthoritativeX");
}

std::source_location where_here() {
  return std::source_location::current();
}

TEST(ErrorStack, ACodeFrameIsTheQualifiedNameAndTheFile) {
  const std::string frame = code_frame(where_here());
  EXPECT_EQ(frame.find("srelab::"), std::string::npos) << frame;
  EXPECT_TRUE(frame.starts_with("telemetry::")) << frame;
  EXPECT_NE(frame.find("::where_here (tests/unit/test_telemetry_span_fields.cpp:"),
            std::string::npos)
      << frame;
  EXPECT_EQ(frame.find("std::source_location"), std::string::npos) << "no return type: " << frame;
  EXPECT_EQ(frame.back(), ')');
}

TEST_F(SpanFieldsTest, AClientSpanIsItsPeersServiceWithThePeerTags) {
  PeerEndpoint postgres{"postgres", "sql",     "postgresql", "libpq", "db.internal",
                        5433,       "catalog", "lab",        true};
  PeerEndpoint redis{"redis", "redis", "redis", "hiredis", "127.0.0.1", 6379, "0", "", false};
  {
    Span root = tracer_.start_root(sink(), "http.request", "GET /x");
    Span query = root.child("postgres.query", "product.by_id");
    tag_client_span(query, postgres);
    Span command = root.child("redis.command", "GET");
    tag_client_span(command, redis);
  }
  const SpanData& query = span_named("postgres.query");
  EXPECT_EQ(query.service, "sre-lab-postgres");
  EXPECT_EQ(query.type, "sql");
  EXPECT_EQ(query.meta.at("_dd.base_service"), "sre-lab");
  EXPECT_FALSE(query.meta.contains("version")) << "the version is the base service's";
  EXPECT_EQ(query.meta.at("env"), "lab");
  EXPECT_EQ(query.meta.at("span.kind"), "client");
  EXPECT_EQ(query.meta.at("component"), "libpq");
  EXPECT_EQ(query.meta.at("db.system"), "postgresql");
  EXPECT_EQ(query.meta.at("db.type"), "postgresql");
  EXPECT_EQ(query.meta.at("out.host"), "db.internal");
  EXPECT_EQ(query.metrics.at("network.destination.port"), 5433.0);
  EXPECT_EQ(query.meta.at("db.name"), "catalog");
  EXPECT_EQ(query.meta.at("db.user"), "lab");
  EXPECT_EQ(query.meta.at("peer.service"), "catalog");
  EXPECT_EQ(query.meta.at("_dd.peer.service.source"), "db.name");
  EXPECT_EQ(query.metrics.at("_dd.measured"), 1.0);

  const SpanData& command = span_named("redis.command");
  EXPECT_EQ(command.service, "sre-lab-redis");
  EXPECT_EQ(command.type, "redis");
  EXPECT_EQ(command.meta.at("peer.service"), "127.0.0.1");
  EXPECT_EQ(command.meta.at("_dd.peer.service.source"), "out.host");
  EXPECT_FALSE(command.meta.contains("db.user"));

  const SpanData& root = span_named("http.request");
  EXPECT_EQ(root.service, "sre-lab");
  EXPECT_FALSE(root.meta.contains("_dd.base_service"));
  EXPECT_EQ(root.meta.at("version"), "1.2.3");
}

TEST_F(SpanFieldsTest, BackToTheBaseServiceDropsTheBaseServiceTag) {
  {
    Span root = tracer_.start_root(sink(), "op");
    root.set_service("elsewhere");
    root.set_service("sre-lab");
  }
  EXPECT_EQ(span_named("op").service, "sre-lab");
  EXPECT_FALSE(span_named("op").meta.contains("_dd.base_service"));
}

}  // namespace
}  // namespace srelab::telemetry
