// HttpExportTransport on real loopback sockets against the FakeAgent, alone and under a
// TraceExporter with the DatadogAgentDestination: what arrives is what a strict receiver wants,
// an absent agent costs bounded memory and counted drops, a restarted one gets the kept batch.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "http/http_export_transport.hpp"
#include "support/fake_agent.hpp"
#include "telemetry/datadog/datadog_agent.hpp"
#include "telemetry/export/trace_exporter.hpp"

namespace srelab::http {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using telemetry::ExportRequest;
using telemetry::TraceChunk;
using testing::FakeAgent;
using testing::FakeAgentReply;
using testing::traces_received;

ExportRequest post(const FakeAgent& agent, std::string body = "payload") {
  ExportRequest request;
  request.url = agent.url() + "/v0.4/traces";
  request.headers = {{"Content-Type", "application/msgpack"}, {"X-Test", "yes"}};
  request.body = std::move(body);
  return request;
}

// `count` traces of three spans (a root with two children), the odd ones with an error.
std::vector<TraceChunk> make_traces(std::size_t count, std::uint64_t seed = 7) {
  Random random(seed);
  ManualClock clock;
  telemetry::Tracer tracer(telemetry::TracerSettings{"catalog", "lab", "0.1.0", {}}, random, clock);
  std::vector<TraceChunk> traces;
  for (std::size_t i = 0; i < count; ++i) {
    TraceChunk out;
    {
      auto sink = [&out](TraceChunk&& chunk) { out = std::move(chunk); };
      telemetry::Span root = tracer.start_root(sink, "http.request", "GET /products/{id}");
      root.set_tag("http.status_code", i % 2 ? "500" : "200");
      {
        telemetry::Span cache = root.child("redis.command", "GET");
        clock.advance(200us);
      }
      {
        telemetry::Span db = root.child("postgres.query", "product_by_id");
        clock.advance(1ms);
        if (i % 2) db.set_error("db_timeout", "statement timeout");
      }
      if (i % 2) root.set_error("http.500", "upstream failed");
    }
    traces.push_back(std::move(out));
  }
  return traces;
}

// Waits, checking every few milliseconds, for a condition the exporter's thread will make true.
template <class Condition>
bool eventually(Condition condition, milliseconds timeout = 5s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// ---- the transport alone ----

TEST(HttpExportTransport, PostsTheRequestAndReadsTheAnswer) {
  FakeAgent agent;
  agent.set_reply({200, R"({"rate_by_service":{}})", {{"X-Reply", "1"}}});
  HttpExportTransport transport;
  const auto response = transport.send(post(agent, std::string(100'000, 'b')), 2s);
  ASSERT_TRUE(response.has_value()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"rate_by_service":{}})");
  EXPECT_FALSE(response->retry_after.has_value());

  const auto requests = agent.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/v0.4/traces");
  EXPECT_EQ(requests[0].header("content-type"), "application/msgpack");
  EXPECT_EQ(requests[0].header("X-Test"), "yes");
  EXPECT_EQ(requests[0].header("Host"), "127.0.0.1:" + std::to_string(agent.port()));
  EXPECT_EQ(requests[0].header("Content-Length"), "100000");
  EXPECT_EQ(requests[0].body, std::string(100'000, 'b'));
}

TEST(HttpExportTransport, AnyStatusIsAResponseAndRetryAfterIsRead) {
  FakeAgent agent;
  HttpExportTransport transport;
  agent.set_reply({429, "slow down", {{"Retry-After", " 3 "}}});
  auto response = transport.send(post(agent), 2s);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(response->body, "slow down");
  EXPECT_EQ(response->retry_after, std::chrono::seconds(3));

  agent.set_reply({503, "", {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}});
  response = transport.send(post(agent), 2s);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 503);
  EXPECT_FALSE(response->retry_after.has_value());  // a date is not read
}

TEST(HttpExportTransport, KeepsOneConnectionAlive) {
  FakeAgent agent;
  HttpExportTransport transport;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(transport.send(post(agent), 2s).has_value());
  EXPECT_EQ(agent.request_count(), 3u);
  EXPECT_EQ(agent.connections(), 1u);
}

TEST(HttpExportTransport, ReconnectsWhenThePeerClosedTheKeptConnection) {
  FakeAgent agent;
  FakeAgentReply reply;
  reply.close_silently = true;  // as an agent closing idle connections does
  agent.set_reply(reply);
  HttpExportTransport transport;
  for (int i = 0; i < 3; ++i) {
    const auto response = transport.send(post(agent, "n" + std::to_string(i)), 2s);
    ASSERT_TRUE(response.has_value()) << i << ": " << response.error().message();
    EXPECT_EQ(response->status, 200);
  }
  const auto requests = agent.requests();
  ASSERT_EQ(requests.size(), 3u);  // each sent once: the retry happened only on a dead connection
  EXPECT_EQ(requests[2].body, "n2");
  EXPECT_EQ(agent.connections(), 3u);
}

TEST(HttpExportTransport, SurvivesTheAgentRestartingBetweenSends) {
  FakeAgent agent;
  HttpExportTransport transport;
  ASSERT_TRUE(transport.send(post(agent), 2s).has_value());
  agent.stop();
  const auto refused = transport.send(post(agent), 2s);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error(), make_error_code(errc::timeout)) << refused.error().message();
  agent.start();
  const auto response = transport.send(post(agent), 2s);
  ASSERT_TRUE(response.has_value()) << response.error().message();
  EXPECT_EQ(agent.request_count(), 2u);
}

TEST(HttpExportTransport, ASlowAgentTimesOutWithinTheTimeout) {
  FakeAgent agent;
  FakeAgentReply slow;
  slow.delay = 3s;
  agent.set_reply(slow);
  HttpExportTransport transport;
  const auto started = std::chrono::steady_clock::now();
  const auto response = transport.send(post(agent), 300ms);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error(), make_error_code(errc::timeout)) << response.error().message();
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 1500ms);

  // The late answer must not be taken for the next request's: that one gets its own.
  agent.set_reply({202, "second", {}});
  const auto next = transport.send(post(agent), 2s);
  ASSERT_TRUE(next.has_value()) << next.error().message();
  EXPECT_EQ(next->status, 202);
  EXPECT_EQ(next->body, "second");
}

TEST(HttpExportTransport, RejectsWhatIsNotAnHttpUrl) {
  HttpExportTransport transport;
  for (const char* url : {"https://127.0.0.1:1/v0.4/traces", "unix:///var/run/apm.socket",
                          "not a url", "http:///nohost", "http://127.0.0.1:0/x"}) {
    ExportRequest request;
    request.url = url;
    const auto response = transport.send(request, 1s);
    ASSERT_FALSE(response.has_value()) << url;
    EXPECT_EQ(response.error(), make_error_code(errc::invalid_argument)) << url;
  }
}

// The Agent's apm.socket: the same HTTP on a unix domain stream socket, kept alive between sends,
// and a socket with nothing behind it is an error like a refused connection.
TEST(HttpExportTransport, SpeaksHttpOverAUnixSocket) {
  const std::string path =
      ::testing::TempDir() + "sre-lab-transport-" + std::to_string(::getpid()) + ".socket";
  FakeAgent agent(FakeAgent::UnixSocket{path});
  HttpExportTransport transport;
  ExportRequest request;
  request.url = "http://localhost/v0.4/traces";
  request.unix_socket = path;
  request.headers = {{"Content-Type", "application/msgpack"}};
  request.body = "payload";
  for (int i = 0; i < 2; ++i) {
    const auto response = transport.send(request, 2s);
    ASSERT_TRUE(response.has_value()) << response.error().message();
    EXPECT_EQ(response->status, 200);
  }
  const auto requests = agent.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/v0.4/traces");
  EXPECT_EQ(requests[0].header("Host"), "localhost");
  EXPECT_EQ(requests[0].body, "payload");
  EXPECT_EQ(agent.connections(), 1u) << "one connection kept alive";

  // The same URL over TCP is another destination: the kept socket is not used for it.
  FakeAgent tcp_agent;
  EXPECT_TRUE(transport.send(post(tcp_agent), 2s).has_value());
  EXPECT_EQ(tcp_agent.request_count(), 1u);

  agent.stop();
  ::unlink(path.c_str());
  const auto refused = transport.send(request, 2s);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error(), make_error_code(errc::timeout)) << refused.error().message();
}

TEST(HttpExportTransport, ReachesAnIpv6Literal) {
  std::unique_ptr<FakeAgent> agent;
  try {
    agent = std::make_unique<FakeAgent>(0, "::1");
  } catch (const std::exception& e) {
    GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
  }
  EXPECT_EQ(agent->url(), "http://[::1]:" + std::to_string(agent->port()));
  HttpExportTransport transport;
  const auto response = transport.send(post(*agent), 2s);
  ASSERT_TRUE(response.has_value()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(agent->requests().at(0).header("host"), "[::1]:" + std::to_string(agent->port()));
}

// ---- exporter + Datadog destination + transport ----

struct ExportPipeline {
  explicit ExportPipeline(telemetry::TraceExporterSettings settings, const FakeAgent& agent)
      : destination({agent.url(), "0.1.0-test"}),
        exporter(settings, destination, transport, clock) {}

  SteadyClock clock;
  HttpExportTransport transport;
  telemetry::DatadogAgentDestination destination;
  telemetry::TraceExporter exporter;
};

telemetry::TraceExporterSettings fast_settings() {
  telemetry::TraceExporterSettings s;
  s.flush_interval = 20ms;
  s.request_timeout = 1s;
  s.initial_backoff = 50ms;
  s.max_backoff = 100ms;
  return s;
}

TEST(TraceExportToAgent, EverySpanArrivesWithTheStrictV04Types) {
  FakeAgent agent;
  agent.set_reply(
      {200, R"({"rate_by_service":{"service:catalog,env:lab":0.5,"service:,env:":1}})", {}});
  auto settings = fast_settings();
  settings.max_traces_per_request = 10;  // 25 traces: at least three requests
  ExportPipeline pipeline(settings, agent);
  pipeline.exporter.start();

  const auto traces = make_traces(25);
  std::map<std::uint64_t, telemetry::SpanData> sent;  // by span id
  for (const auto& trace : traces) {
    for (const auto& span : trace) sent[span.span_id] = span;
  }
  for (auto trace : traces) pipeline.exporter.submit(std::move(trace));
  ASSERT_TRUE(agent.wait_for([](const auto& r) { return traces_received(r) == 25; }, 10s));
  pipeline.exporter.stop(2s);  // joins: the last answer has been handled

  const auto requests = agent.requests();
  ASSERT_GE(requests.size(), 3u);
  std::size_t spans = 0;
  for (const auto& request : requests) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/v0.4/traces");
    EXPECT_EQ(request.header("content-type"), "application/msgpack");
    EXPECT_EQ(request.header("datadog-meta-lang"), "cpp");
    EXPECT_EQ(request.header("datadog-meta-lang-version"), "202002");  // __cplusplus of C++20
    EXPECT_EQ(request.header("datadog-meta-tracer-version"), "0.1.0-test");
    EXPECT_EQ(testing::v04_violations(request.body), std::vector<std::string>{});
    const auto chunks = testing::decode_v04(request.body);
    ASSERT_TRUE(chunks.has_value());
    EXPECT_EQ(std::to_string(chunks->size()), request.header("x-datadog-trace-count"));
    EXPECT_LE(chunks->size(), 10u);

    for (const auto& chunk : *chunks) {
      ASSERT_EQ(chunk.size(), 3u);
      for (const auto& got : chunk) {
        ++spans;
        ASSERT_EQ(sent.count(got.span_id), 1u);
        const auto& want = sent.at(got.span_id);
        EXPECT_EQ(got.trace_id, want.trace_id);  // high half via _dd.p.tid
        testing::expect_same_span(got, want);
      }
    }
  }
  EXPECT_EQ(spans, 75u);
  const auto stats = pipeline.exporter.stats();
  EXPECT_EQ(stats.sent_traces, 25u);
  EXPECT_EQ(stats.sent_requests, requests.size());
  EXPECT_EQ(stats.queued_spans, 0u);
  EXPECT_EQ(stats.failed_requests, 0u);
  // The agent's answer taught the sampling rates.
  EXPECT_EQ(pipeline.destination.rates().rate_for("catalog", "lab"), 0.5);
  EXPECT_EQ(pipeline.destination.rates().rate_for("catalog", "prod"), 1.0);
}

TEST(TraceExportToAgent, AnAbsentAgentCostsBoundedMemoryThenGetsTheKeptBatch) {
  FakeAgent agent;
  const std::uint16_t port = agent.port();
  agent.stop();
  auto settings = fast_settings();
  settings.max_queued_spans = 30;  // ten traces of three spans
  ExportPipeline pipeline(settings, agent);

  const auto traces = make_traces(20);
  std::set<std::uint64_t> early_ids;
  std::uint64_t most_held = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    early_ids.insert(traces[i][0].trace_id.low);
    pipeline.exporter.submit(TraceChunk(traces[i]));
    most_held = std::max(most_held, pipeline.exporter.stats().queued_spans);
  }
  // The first flush fails (connection refused) and keeps those five as the batch to retry.
  pipeline.exporter.start();
  ASSERT_TRUE(eventually([&] { return pipeline.exporter.stats().failed_requests >= 1; }));
  for (std::size_t i = 5; i < 20; ++i) {
    pipeline.exporter.submit(TraceChunk(traces[i]));
    most_held = std::max(most_held, pipeline.exporter.stats().queued_spans);
  }
  ASSERT_TRUE(eventually([&] { return pipeline.exporter.stats().failed_requests >= 3; }));
  auto stats = pipeline.exporter.stats();
  EXPECT_LE(most_held, 30u);
  EXPECT_EQ(stats.queued_spans, 30u);
  EXPECT_EQ(stats.dropped_traces, 10u);  // the newest, beyond the bound
  EXPECT_EQ(stats.dropped_spans, 30u);
  EXPECT_EQ(stats.sent_traces, 0u);
  EXPECT_GE(stats.consecutive_failures, 3u);
  EXPECT_NE(stats.last_error.find("datadog-agent: "), std::string::npos) << stats.last_error;

  agent.start();  // the agent is back, on the same port
  ASSERT_EQ(agent.port(), port);
  ASSERT_TRUE(agent.wait_for([](const auto& r) { return traces_received(r) == 10; }, 5s));
  pipeline.exporter.stop(2s);
  const auto requests = agent.requests();
  ASSERT_GE(requests.size(), 2u);
  // The kept batch comes first, exactly the five early traces; then the five queued behind it.
  const auto first = testing::decode_v04(requests[0].body);
  ASSERT_TRUE(first.has_value());
  std::set<std::uint64_t> first_ids;
  for (const auto& chunk : *first) first_ids.insert(chunk[0].trace_id.low);
  EXPECT_EQ(first_ids, early_ids);
  std::set<std::uint64_t> all_ids;
  for (const auto& request : requests) {
    EXPECT_EQ(testing::v04_violations(request.body), std::vector<std::string>{});
    const auto chunks = testing::decode_v04(request.body);
    ASSERT_TRUE(chunks.has_value());
    for (const auto& chunk : *chunks) all_ids.insert(chunk[0].trace_id.low);
  }
  std::set<std::uint64_t> expected;
  for (std::size_t i = 0; i < 10; ++i) expected.insert(traces[i][0].trace_id.low);
  EXPECT_EQ(all_ids, expected);
  stats = pipeline.exporter.stats();
  EXPECT_EQ(stats.sent_traces, 10u);
  EXPECT_EQ(stats.queued_spans, 0u);
  EXPECT_EQ(stats.consecutive_failures, 0u);
}

TEST(TraceExportToAgent, ASlowAgentIsAFailureAfterTheRequestTimeout) {
  FakeAgent agent;
  FakeAgentReply slow;
  slow.delay = 3s;
  agent.set_reply(slow);
  auto settings = fast_settings();
  settings.request_timeout = 200ms;
  ExportPipeline pipeline(settings, agent);
  pipeline.exporter.start();
  const auto started = std::chrono::steady_clock::now();
  pipeline.exporter.submit(std::move(make_traces(1).front()));
  ASSERT_TRUE(eventually([&] { return pipeline.exporter.stats().failed_requests >= 1; }));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, 1s);  // one flush interval + the timeout, not the agent's 3 s
  const auto stats = pipeline.exporter.stats();
  EXPECT_EQ(stats.queued_spans, 3u);  // kept for the retry
  EXPECT_NE(stats.last_error.find("timed out"), std::string::npos) << stats.last_error;
  agent.set_reply({});
  ASSERT_TRUE(eventually([&] { return pipeline.exporter.stats().sent_traces == 1; }));
  pipeline.exporter.stop(1s);
}

}  // namespace
}  // namespace srelab::http
