#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/strict_v04.hpp"
#include "telemetry/datadog/datadog_agent.hpp"

namespace srelab::telemetry {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

SpanData span(std::uint64_t trace, std::uint64_t id, std::uint64_t parent) {
  SpanData s;
  s.service = "catalog";
  s.name = parent == 0 ? "http.request" : "postgres.query";
  s.resource = "GET /products/{id}";
  s.type = "web";
  s.trace_id = {0, trace};
  s.span_id = id;
  s.parent_id = parent;
  s.start = 1767225600'000000000;
  s.duration = 1'500'000;
  s.set_tag("env", "lab");
  s.set_metric(kSamplingPriorityMetric, 1);
  return s;
}

TEST(DatadogAgentDestination, PostsTheV04BodyWithTheAgentHeaders) {
  DatadogAgentDestination destination({"http://localhost:8126", "0.1.0"});
  EXPECT_EQ(destination.name(), "datadog-agent");
  const std::vector<TraceChunk> traces{
      {span(1, 10, 11), span(1, 11, 0)}, {span(2, 20, 0)}, {span(3, 30, 0)}};
  const ExportRequest request = destination.encode(traces);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "http://localhost:8126/v0.4/traces");
  EXPECT_EQ(request.headers, (Headers{{"Content-Type", "application/msgpack"},
                                      {"Datadog-Meta-Lang", "cpp"},
                                      {"Datadog-Meta-Lang-Version", "202002"},
                                      {"Datadog-Meta-Tracer-Version", "0.1.0"},
                                      {"X-Datadog-Trace-Count", "3"}}));

  EXPECT_EQ(testing::v04_violations(request.body), std::vector<std::string>{});
  const auto body = decode_v04(request.body);
  ASSERT_TRUE(body.has_value());
  ASSERT_EQ(body->size(), 3u);
  EXPECT_EQ((*body)[0].size(), 2u);
  const SpanData& root = (*body)[0][1];
  EXPECT_EQ(root.trace_id.low, 1u);
  EXPECT_EQ(root.span_id, 11u);
  EXPECT_EQ(root.parent_id, 0u);
  EXPECT_EQ(root.meta.at("env"), "lab");
}

TEST(DatadogAgentDestination, TraceCountFollowsTheBatch) {
  DatadogAgentDestination destination({"http://agent:9000/", "1.2.3"});
  EXPECT_EQ(destination.traces_url(), "http://agent:9000/v0.4/traces");  // no double slash
  const auto empty = destination.encode({});
  EXPECT_EQ(empty.headers.back(),
            (std::pair<std::string, std::string>{"X-Datadog-Trace-Count", "0"}));
  EXPECT_EQ(empty.body, std::string(1, static_cast<char>(0x90)));
  std::vector<TraceChunk> many(20, TraceChunk{span(5, 6, 0)});
  const auto request = destination.encode(many);
  EXPECT_EQ(request.headers.back().second, "20");
  EXPECT_EQ(request.headers[3].second, "1.2.3");
  EXPECT_EQ(decode_v04(request.body)->size(), 20u);
}

TEST(DatadogAgentDestination, LanguageVersionIsTheCppStandard) {
  EXPECT_EQ(cpp_language_version(), "202002");  // __cplusplus of C++20, as dd-trace-cpp sends it
}

std::string header(const ExportRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers)
    if (key == name) return value;
  return "<absent>";
}

TEST(DatadogAgentDestination, WithoutAGivenVersionTheTracerVersionIsTheBuiltOne) {
  DatadogAgentDestination destination({"http://localhost:8126", ""});
  const std::string version = header(destination.encode({}), "Datadog-Meta-Tracer-Version");
  EXPECT_FALSE(version.empty());
  EXPECT_NE(version, "<absent>");
  EXPECT_EQ(std::count(version.begin(), version.end(), '.'), 2) << "major.minor.patch: " << version;
}

TEST(DatadogAgentDestination, TheContainerGoesAsTheEntityIdAndOnlyInAContainer) {
  const auto with = [](std::string entity) {
    DatadogAgentSettings settings;
    settings.entity_id = std::move(entity);
    return DatadogAgentDestination(settings).encode({});
  };
  const auto container = with("ci-abc123");
  EXPECT_EQ(header(container, "Datadog-Entity-ID"), "ci-abc123");
  EXPECT_EQ(header(container, "Datadog-Container-ID"), "abc123");
  const auto inode = with("in-4026531835");
  EXPECT_EQ(header(inode, "Datadog-Entity-ID"), "in-4026531835");
  EXPECT_EQ(header(inode, "Datadog-Container-ID"), "<absent>");
  const auto host = with("");
  EXPECT_EQ(header(host, "Datadog-Entity-ID"), "<absent>");
  EXPECT_EQ(header(host, "Datadog-Container-ID"), "<absent>");
}

TEST(AgentSamplingRates, NoRatesMeansKeepEverything) {
  const AgentSamplingRates rates;
  EXPECT_EQ(rates.size(), 0u);
  EXPECT_EQ(rates.rate_for("catalog", "lab"), 1.0);
}

TEST(AgentSamplingRates, ExactKeyThenDefaultThenOne) {
  AgentSamplingRates rates;
  ASSERT_TRUE(rates.update_from_json(
      R"({"rate_by_service":{"service:catalog,env:lab":0.25,"service:catalog,env:":0.75,"service:,env:":0.5}})"));
  EXPECT_EQ(rates.size(), 3u);
  EXPECT_EQ(rates.rate_for("catalog", "lab"), 0.25);
  EXPECT_EQ(rates.rate_for("catalog", ""), 0.75);
  EXPECT_EQ(rates.rate_for("catalog", "prod"), 0.5);  // the default
  EXPECT_EQ(rates.rate_for("other", "lab"), 0.5);

  ASSERT_TRUE(rates.update_from_json(R"({"rate_by_service":{"service:catalog,env:lab":1}})"));
  EXPECT_EQ(rates.rate_for("catalog", "lab"), 1.0);  // an integer is a number
  EXPECT_EQ(rates.rate_for("other", "lab"), 1.0);    // replaced, not merged: no default now
}

// Each thread remembers its last answer; that memory must follow every change of the rates and
// never mix two instances up.
TEST(AgentSamplingRates, RememberedAnswersFollowChangesAndInstances) {
  AgentSamplingRates first;
  AgentSamplingRates second;
  ASSERT_TRUE(first.update_from_json(R"({"rate_by_service":{"service:s,env:e":0.25}})"));
  ASSERT_TRUE(second.update_from_json(R"({"rate_by_service":{"service:s,env:e":0.75}})"));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(first.rate_for("s", "e"), 0.25);
    EXPECT_EQ(second.rate_for("s", "e"), 0.75);
    EXPECT_EQ(first.rate_for("s", "other"), 1.0);
  }
  ASSERT_TRUE(first.update_from_json(R"({"rate_by_service":{"service:s,env:e":0.25}})"));
  EXPECT_EQ(first.rate_for("s", "e"), 0.25);  // the same rates again: nothing changes
  ASSERT_TRUE(first.update_from_json(R"({"rate_by_service":{"service:s,env:e":0.5}})"));
  EXPECT_EQ(first.rate_for("s", "e"), 0.5);
  std::thread other([&] { EXPECT_EQ(first.rate_for("s", "e"), 0.5); });
  other.join();
}

TEST(AgentSamplingRates, GarbageChangesNothing) {
  AgentSamplingRates rates;
  ASSERT_TRUE(rates.update_from_json(R"({"rate_by_service":{"service:,env:":0.5}})"));
  for (const char* body :
       {"", "not json", "[1,2]", "{}", R"({"rate_by_service":3})", R"({"rate_by_service":[]})",
        R"({"rate_by_service":{"service:,env:":0.1})", "null"}) {
    EXPECT_FALSE(rates.update_from_json(body)) << body;
    EXPECT_EQ(rates.rate_for("x", "y"), 0.5) << body;
  }
}

TEST(AgentSamplingRates, BadEntriesAreSkipped) {
  AgentSamplingRates rates;
  ASSERT_TRUE(rates.update_from_json(R"({"rate_by_service":{
      "service:a,env:e": "0.5", "service:b,env:e": 1.5, "service:c,env:e": -0.1,
      "service:d,env:e": null, "svc:e,env:e": 0.3, "service:f": 0.3,
      "service:g,env:e": 0, "service:h,env:e": 0.125}})"));
  EXPECT_EQ(rates.size(), 2u);
  EXPECT_EQ(rates.rate_for("g", "e"), 0.0);
  EXPECT_EQ(rates.rate_for("h", "e"), 0.125);
  EXPECT_EQ(rates.rate_for("a", "e"), 1.0);
  EXPECT_EQ(rates.rate_for("b", "e"), 1.0);
}

TEST(AgentSamplingRates, EmptyRatesObjectClearsThem) {
  AgentSamplingRates rates;
  ASSERT_TRUE(rates.update_from_json(R"({"rate_by_service":{"service:,env:":0.5}})"));
  ASSERT_TRUE(rates.update_from_json(R"({"rate_by_service":{}})"));
  EXPECT_EQ(rates.size(), 0u);
  EXPECT_EQ(rates.rate_for("x", "y"), 1.0);
}

TEST(DatadogAgentDestination, OnlyA200TeachesRates) {
  DatadogAgentDestination destination({"http://localhost:8126", "0.1.0"});
  const std::string body = R"({"rate_by_service":{"service:catalog,env:lab":0.2}})";
  destination.on_response({500, body, std::nullopt});
  destination.on_response({400, body, std::nullopt});
  EXPECT_EQ(destination.rates().rate_for("catalog", "lab"), 1.0);
  destination.on_response({200, body, std::nullopt});
  EXPECT_EQ(destination.rates().rate_for("catalog", "lab"), 0.2);
  destination.on_response({200, "OK", std::nullopt});  // older agents answer plain text
  EXPECT_EQ(destination.rates().rate_for("catalog", "lab"), 0.2);
}

// ---- agent_url_from ----

using Opt = std::optional<std::string_view>;

std::string url_of(Opt url, Opt host, Opt port) {
  const auto r = agent_url_from(url, host, port);
  return r ? *r : "error: " + r.error().message;
}

TEST(AgentUrlFrom, DefaultsAndHostPort) {
  EXPECT_EQ(url_of({}, {}, {}), "http://localhost:8126");
  EXPECT_EQ(url_of({}, "dd-agent", {}), "http://dd-agent:8126");
  EXPECT_EQ(url_of({}, {}, "9126"), "http://localhost:9126");
  EXPECT_EQ(url_of({}, "10.0.0.7", "8127"), "http://10.0.0.7:8127");
  EXPECT_EQ(url_of("", "", ""), "http://localhost:8126");  // empty is unset
}

TEST(AgentUrlFrom, Ipv6HostsAreBracketed) {
  EXPECT_EQ(url_of({}, "::1", {}), "http://[::1]:8126");
  EXPECT_EQ(url_of({}, "fd00::2:3", "1"), "http://[fd00::2:3]:1");
  EXPECT_EQ(url_of({}, "[::1]", {}), "http://[::1]:8126");  // already bracketed
}

TEST(AgentUrlFrom, TheUrlWins) {
  EXPECT_EQ(url_of("http://agent:1234", "ignored", "1"), "http://agent:1234");
  EXPECT_EQ(url_of("http://agent:1234/", {}, {}), "http://agent:1234");
  EXPECT_EQ(url_of("http://agent", {}, {}), "http://agent");
  EXPECT_EQ(url_of("http://[::1]:8126", {}, {}), "http://[::1]:8126");
  EXPECT_EQ(url_of("http://proxy:80/datadog/", {}, {}), "http://proxy:80/datadog");
  // a bad host or port is not looked at when the URL is given
  EXPECT_EQ(url_of("http://agent:1234", "bad host", "x"), "http://agent:1234");
}

TEST(AgentUrlFrom, UnixSocketsInTheTracersTwoSpellings) {
  EXPECT_EQ(url_of("unix:///var/run/datadog/apm.socket", "ignored", "1"),
            "unix:///var/run/datadog/apm.socket");
  EXPECT_EQ(url_of("http+unix:///var/run/datadog/apm.socket", {}, {}),
            "unix:///var/run/datadog/apm.socket");
}

TEST(DatadogAgentDestination, OverAUnixSocketTheRequestNamesTheSocket) {
  DatadogAgentDestination destination({"unix:///var/run/datadog/apm.socket", "0.1.0"});
  EXPECT_EQ(destination.socket_path(), "/var/run/datadog/apm.socket");
  const ExportRequest request = destination.encode({TraceChunk{span(1, 2, 0)}});
  EXPECT_EQ(request.unix_socket, "/var/run/datadog/apm.socket");
  EXPECT_EQ(request.url, "http://localhost/v0.4/traces");
  EXPECT_EQ(DatadogAgentDestination({"http://localhost:8126", ""}).encode({}).unix_socket, "");
}

TEST(AgentUrlFrom, BadValuesNameTheirVariable) {
  struct Case {
    Opt url, host, port;
    std::string variable;
    std::string detail;
  };
  const std::vector<Case> cases{
      {{}, {}, "abc", "DD_TRACE_AGENT_PORT", "1..65535"},
      {{}, {}, "0", "DD_TRACE_AGENT_PORT", "\"0\""},
      {{}, {}, "65536", "DD_TRACE_AGENT_PORT", "\"65536\""},
      {{}, {}, "80 ", "DD_TRACE_AGENT_PORT", "1..65535"},
      {{}, {}, "-1", "DD_TRACE_AGENT_PORT", "1..65535"},
      {{}, "bad host", {}, "DD_AGENT_HOST", "\"bad host\""},
      {{}, "http://agent", {}, "DD_AGENT_HOST", "host name"},
      {{}, "[::1", {}, "DD_AGENT_HOST", "host name"},
      {"localhost:8126", {}, {}, "DD_TRACE_AGENT_URL", "http://host"},
      {"ftp://agent", {}, {}, "DD_TRACE_AGENT_URL", "http://host"},
      {"http://", {}, {}, "DD_TRACE_AGENT_URL", "http://host"},
      {"http://agent:port", {}, {}, "DD_TRACE_AGENT_URL", "1..65535"},
      {"http://agent:0", {}, {}, "DD_TRACE_AGENT_URL", "1..65535"},
      {"http://agent:", {}, {}, "DD_TRACE_AGENT_URL", "1..65535"},
      {"http://user@agent:8126", {}, {}, "DD_TRACE_AGENT_URL", "http://host"},
      {"http://[::1:8126", {}, {}, "DD_TRACE_AGENT_URL", "http://host"},
      {"http://agent:8126?x=1", {}, {}, "DD_TRACE_AGENT_URL", "1..65535"},
      {"http://agent/a?x=1", {}, {}, "DD_TRACE_AGENT_URL", "http://host"},
      {"unix://var/run/apm.socket", {}, {}, "DD_TRACE_AGENT_URL", "absolute path"},
      {"unix://", {}, {}, "DD_TRACE_AGENT_URL", "absolute path"},
      {"unix:///", {}, {}, "DD_TRACE_AGENT_URL", "absolute path"},
      {"unix:///var/run/apm.socket?x", {}, {}, "DD_TRACE_AGENT_URL", "absolute path"},
      {"https+unix:///var/run/apm.socket", {}, {}, "DD_TRACE_AGENT_URL", "https"},
      {"https://agent:8126", {}, {}, "DD_TRACE_AGENT_URL", "https"},
  };
  for (const auto& c : cases) {
    const auto r = agent_url_from(c.url, c.host, c.port);
    ASSERT_FALSE(r.has_value()) << c.url.value_or("") << c.host.value_or("") << c.port.value_or("");
    const std::string& message = r.error().message;
    EXPECT_TRUE(message.starts_with(c.variable)) << message;
    EXPECT_NE(message.find(c.detail), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(AgentUrlFrom, ValueOnAnErrorThrowsTheMessage) {
  const auto r = agent_url_from({}, {}, "nope");
  try {
    (void)r.value();
    FAIL() << "no throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), r.error().message);
  }
}

}  // namespace
}  // namespace srelab::telemetry
