// The service and a Datadog Agent as the official tracers meet one: with no DD_AGENT_HOST, traces
// go to the Agent's trace port and metrics to its DogStatsD port on this host (here fakes on the
// ports DD_TRACE_AGENT_PORT and DD_DOGSTATSD_PORT name); over unix sockets when the URLs say so;
// a last metrics flush when the service stops; and with no Agent at all (or a DogStatsD socket
// that refuses), one warning, answers as usual, a note in /readyz, and one info line when the
// Agent comes back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "support/fake_agent.hpp"
#include "support/fake_dogstatsd.hpp"
#include "support/service_fixture.hpp"
#include "telemetry/export/trace_exporter.hpp"

namespace srelab::testing {
namespace {

using namespace std::chrono_literals;

std::string unique_path(const std::string& what) {
  return ::testing::TempDir() + "sre-lab-" + what + "-" + std::to_string(::getpid());
}

bool has_distribution(const FakeDogStatsd& statsd, const std::string& name) {
  for (const DogStatsdMessage& message : statsd.messages())
    if (message.name == name && message.type == "d" && !message.values.empty()) return true;
  return false;
}

// Traces for a product lookup are among these requests.
bool has_lookup(const std::vector<RecordedRequest>& requests) {
  for (const RecordedRequest& request : requests) {
    const auto chunks = decode_v04(request.body);
    if (!chunks) continue;
    for (const auto& chunk : *chunks)
      for (const auto& span : chunk)
        if (span.resource == "GET /products/{id}") return true;
  }
  return false;
}

class AgentDefaultsTest : public ServiceTest {
 protected:
  AgentDefaultsTest() {
    // No agent-host: the default host, on the ports the variables give.
    flags_["trace-agent-port"] = std::to_string(agent_.port());
    flags_["dogstatsd-port"] = std::to_string(statsd_.port());
    flags_["trace-flush-interval"] = "0.05";
    flags_["dogstatsd-interval"] = "0.1";
  }

  FakeAgent agent_;
  FakeDogStatsd statsd_;
};

TEST_F(AgentDefaultsTest, TheLocalAgentGetsTracesAndMetricsWithNothingSet) {
  EXPECT_EQ(service_->config().tracing.agent_url,
            "http://localhost:" + std::to_string(agent_.port()));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(get("/products/3").status, 200);  // 1 miss, 2 hits

  EXPECT_TRUE(agent_.wait_for(has_lookup, 10s));
  EXPECT_TRUE(statsd_.receive_until(
      [&](const auto&) {
        return statsd_.count_of("catalog.cache.hit") == 2 &&
               has_distribution(statsd_, "catalog.db.query.duration") &&
               has_distribution(statsd_, "http.server.request.duration");
      },
      10s))
      << statsd_.lines().size() << " lines";
  for (const DogStatsdMessage& message : statsd_.messages()) {
    ASSERT_FALSE(message.name.empty()) << "every line parses";
    EXPECT_TRUE(message.type == "c" || message.type == "g" || message.type == "d") << message.name;
    if (message.type == "c") {
      EXPECT_NE(message.values.at(0), 0) << message.name << ": no zeros";
    }
  }
  for (const std::string& datagram : statsd_.datagrams()) EXPECT_LE(datagram.size(), 1432u);
}

// A long interval: nothing goes out until the service stops, and then everything recorded does.
class FinalFlushTest : public ServiceTest {
 protected:
  FinalFlushTest() {
    flags_["dogstatsd-port"] = std::to_string(statsd_.port());
    flags_["dogstatsd-interval"] = "3600";
    flags_["trace-enabled"] = "false";
  }
  FakeDogStatsd statsd_;
};

TEST_F(FinalFlushTest, StoppingSendsWhatWasRecordedSinceTheLastFlush) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(get("/products/4").status, 200);  // 1 miss, 2 hits
  statsd_.receive_for(300ms);
  EXPECT_TRUE(statsd_.datagrams().empty()) << "the first tick is an hour away";

  service_->stop();  // as SIGTERM does in run_serve
  statsd_.receive_for(300ms);
  EXPECT_EQ(statsd_.count_of("catalog.cache.hit"), 2);
  EXPECT_EQ(statsd_.count_of("catalog.cache.miss"), 1);
  double weight = 0;
  for (const DogStatsdMessage& message : statsd_.messages())
    if (message.name == "catalog.db.query.duration" && message.type == "d")
      weight += static_cast<double>(message.values.size()) / message.rate.value_or(1);
  EXPECT_NEAR(weight, 1, 1e-6) << "the one query of the miss";
}

// The service's log goes to a file too, read back as JSON lines.
class LoggedServiceTest : public ServiceTest {
 protected:
  explicit LoggedServiceTest(const std::string& name) : log_path_(unique_path(name) + ".log") {
    std::remove(log_path_.c_str());
    flags_["log-file"] = log_path_;
  }
  ~LoggedServiceTest() override { std::remove(log_path_.c_str()); }

  // Lines of `logger` at `level` in the service's log file.
  int log_lines(const std::string& logger, const std::string& level) {
    int count = 0;
    std::ifstream file(log_path_);
    for (std::string line; std::getline(file, line);) {
      boost::system::error_code ec;
      const auto value = boost::json::parse(line, ec);
      if (ec || !value.is_object()) continue;
      const auto& object = value.as_object();
      const auto* name = object.if_contains("logger");
      const auto* at = object.if_contains("level");
      count += name && at && name->is_string() && at->is_string() && name->as_string() == logger &&
               at->as_string() == level;
    }
    return count;
  }

  std::string log_path_;
};

// Nothing listens on either port.
class NoAgentTest : public LoggedServiceTest {
 protected:
  NoAgentTest() : LoggedServiceTest("no-agent") {
    agent_.stop();  // its port stays known, and free, until the test starts it again
    flags_["trace-agent-port"] = std::to_string(agent_.port());
    flags_["dogstatsd-port"] = std::to_string(closed_udp_port());
    flags_["trace-flush-interval"] = "0.05";
    flags_["dogstatsd-interval"] = "0.05";
  }

  static std::uint16_t closed_udp_port() {
    FakeDogStatsd probe;  // bound and closed again: nothing listens there afterwards
    return probe.port();
  }

  std::uint64_t failed_requests() {
    return service_->traces()->exporters().at(0).exporter->stats().failed_requests;
  }

  FakeAgent agent_;
};

TEST_F(NoAgentTest, OneWarningAnswersAsUsualANoteInReadyzAndOneLineWhenItIsBack) {
  for (int i = 0; i < 50; ++i) ASSERT_EQ(get("/products/" + std::to_string(i % 7 + 1)).status, 200);
  ASSERT_TRUE(eventually([&] { return failed_requests() >= 3; }, 20s))
      << "the exporter kept retrying (with backoff)";
  for (int i = 0; i < 50; ++i) ASSERT_EQ(get("/products/" + std::to_string(i % 7 + 1)).status, 200);

  EXPECT_EQ(log_lines("telemetry.trace_export", "warning"), 1) << "one line, not one per retry";
  EXPECT_LE(log_lines("telemetry.dogstatsd", "warning"), 1) << "never one per datagram";
  const HttpReply ready = get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_NE(field(ready, "notes").find("cannot reach the Datadog Agent"), std::string::npos)
      << ready.body;

  agent_.start();
  EXPECT_TRUE(eventually([&] { return log_lines("telemetry.trace_export", "info") == 1; }, 40s))
      << "the retry after the backoff finds it";
  EXPECT_TRUE(agent_.wait_for(has_lookup, 10s));
  EXPECT_EQ(log_lines("telemetry.trace_export", "warning"), 1);
  EXPECT_EQ(field(get("/readyz"), "notes"), "?") << "nothing to say any more";
}

// DogStatsD on a unix socket nobody has opened yet: every datagram is refused.
class DogStatsdSocketAwayTest : public LoggedServiceTest {
 protected:
  DogStatsdSocketAwayTest()
      : LoggedServiceTest("dsd-away"), socket_path_(unique_path("dsd-away") + ".socket") {
    ::unlink(socket_path_.c_str());
    flags_["dogstatsd-url"] = "unix://" + socket_path_;
    flags_["dogstatsd-interval"] = "0.05";
    flags_["trace-enabled"] = "false";
  }
  std::string socket_path_;
};

TEST_F(DogStatsdSocketAwayTest, OneWarningNotOnePerDatagramThenOneLineWhenItIsThere) {
  const auto refused = [&] { return service_->dogstatsd().datagrams_failed(); };
  const auto refused_after_requests = [&](std::uint64_t count) {
    return eventually(
        [&] {
          EXPECT_EQ(get("/products/2").status, 200);  // something new for every flush to send
          return refused() >= count;
        },
        10s);
  };
  ASSERT_TRUE(refused_after_requests(1)) << "the first flush";
  ASSERT_TRUE(refused_after_requests(refused() + 3)) << "later flushes tried again";
  EXPECT_EQ(log_lines("telemetry.dogstatsd", "warning"), 1);
  const HttpReply ready = get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_NE(field(ready, "notes").find("cannot reach DogStatsD"), std::string::npos) << ready.body;

  FakeDogStatsd statsd(socket_path_);
  EXPECT_TRUE(eventually(
      [&] {
        get("/products/2");  // something new to send
        return log_lines("telemetry.dogstatsd", "info") == 1;
      },
      10s));
  EXPECT_TRUE(statsd.receive_until(
      [&](const auto&) { return statsd.count_of("catalog.cache.hit") > 0; }, 10s));
  EXPECT_EQ(log_lines("telemetry.dogstatsd", "warning"), 1);
}

// DD_TRACE_AGENT_URL and DD_DOGSTATSD_URL naming the Agent's unix sockets.
class UnixSocketAgentTest : public ServiceTest {
 protected:
  UnixSocketAgentTest()
      : agent_(FakeAgent::UnixSocket{unique_path("apm") + ".socket"}),
        statsd_(unique_path("dsd") + ".socket") {
    flags_["trace-agent-url"] = agent_.url();
    flags_["dogstatsd-url"] = "unix://" + unique_path("dsd") + ".socket";
    flags_["trace-flush-interval"] = "0.05";
    flags_["dogstatsd-interval"] = "0.1";
  }
  FakeAgent agent_;
  FakeDogStatsd statsd_;
};

TEST_F(UnixSocketAgentTest, TracesAndMetricsGoThroughTheSockets) {
  for (int i = 0; i < 2; ++i) ASSERT_EQ(get("/products/9").status, 200);
  EXPECT_TRUE(agent_.wait_for(has_lookup, 10s));
  const auto requests = agent_.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.front().target, "/v0.4/traces");
  EXPECT_EQ(requests.front().header("content-type"), "application/msgpack");
  EXPECT_TRUE(statsd_.receive_until(
      [&](const auto&) {
        return statsd_.count_of("catalog.cache.hit") == 1 &&
               has_distribution(statsd_, "catalog.db.query.duration");
      },
      10s));
  EXPECT_EQ(service_->dogstatsd().datagrams_failed(), 0u);
}

}  // namespace
}  // namespace srelab::testing
