// `sre-lab up` with its API gateway: HAProxy in front of the service on free loopback ports, as
// a user's traffic meets it — the request id, trace context passed through, the JSON access
// log, a gateway timeout traced back to the service's trace, and the gateway.* metrics.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <array>
#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "gateway/access_log.hpp"
#include "lab/ports.hpp"
#include "lab/process.hpp"
#include "load/run_load.hpp"
#include "support/cli_run.hpp"
#include "support/http_client.hpp"

namespace srelab {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

using Headers = std::vector<std::pair<std::string, std::string>>;

std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> pids;
  for (pid_t child; in >> child;) pids.push_back(child);
  return pids;
}

// The value of a sample line "<name>{labels} <value>" of a Prometheus text; -1 when absent.
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

std::string command_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

class UpGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sre-lab-gateway-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::permissions(dir_, fs::perms(0755));
  }
  void TearDown() override {
    if (up_.pid() > 0 && up_.running()) up_.stop(SIGTERM, 30s);
    fs::remove_all(dir_);
  }

  void start(std::vector<std::string> extra) {
    std::vector<std::string> args{"up",
                                  "--state-dir=" + (dir_ / "lab").string(),
                                  "--port=" + std::to_string(port_),
                                  "--pg-port=" + std::to_string(lab::pick_free_port()),
                                  "--redis-port=" + std::to_string(lab::pick_free_port()),
                                  "--threads=1"};
    args.insert(args.end(), extra.begin(), extra.end());
    lab::SpawnOptions options;
    options.argv = {SRE_LAB_BINARY};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.log_file = dir_ / "up.log";
    auto process = lab::Process::spawn(options);
    ASSERT_TRUE(process);
    up_ = std::move(*process);
  }

  // /readyz through `port`, up to 60 s (initdb and seeding).
  bool ready(std::uint16_t port) { return testing::answers_ready(up_, port, 60s); }

  // The access log line of the request with this id, once HAProxy has written it.
  std::optional<gateway::AccessLogRecord> log_line(const std::string& request_id,
                                                   std::string* raw = nullptr) {
    std::optional<gateway::AccessLogRecord> found;
    testing::eventually(
        [&] {
          std::istringstream lines(testing::read_text(dir_ / "lab" / "gateway.log"));
          for (std::string line; std::getline(lines, line);) {
            auto record = gateway::parse_access_log_line(line);
            if (record && record->request_id == request_id) {
              found = record;
              if (raw) *raw = line;
            }
          }
          return found.has_value();
        },
        5s);
    return found;
  }

  void stop_and_check_children() {
    const std::vector<pid_t> children = children_of(up_.pid());
    kill(up_.pid(), SIGTERM);
    up_.wait(30s);
    EXPECT_FALSE(up_.running());
    EXPECT_EQ(up_.exit_status().value_or(-1), 0) << testing::read_text(dir_ / "up.log");
    for (pid_t child : children) EXPECT_NE(kill(child, 0), 0) << "stray process " << child;
  }

  fs::path dir_;
  std::uint16_t port_ = lab::pick_free_port();
  std::uint16_t gateway_port_ = lab::pick_free_port();
  lab::Process up_;
};

TEST_F(UpGatewayTest, TrafficThroughTheGatewayIsIdentifiedTracedLoggedAndCounted) {
  start({"--gateway-port=" + std::to_string(gateway_port_), "--gateway-timeout=1s"});
  ASSERT_TRUE(ready(gateway_port_)) << testing::read_text(dir_ / "up.log");

  const std::vector<pid_t> children = children_of(up_.pid());
  ASSERT_EQ(children.size(), 4u) << "postgres, redis, the service and the gateway";
  EXPECT_EQ(std::count_if(children.begin(), children.end(),
                          [](pid_t pid) { return command_of(pid) == "haproxy"; }),
            1);
  // The gateway may answer before `up` has printed its summary: wait for the summary.
  std::string log;
  EXPECT_TRUE(testing::eventually(
      [&] {
        return (log = testing::read_text(dir_ / "up.log")).find("sre-lab is up") !=
               std::string::npos;
      },
      10s));
  const std::string printed = log.substr(std::min(log.find("sre-lab is up"), log.size()));
  const auto gateway_url = "http://127.0.0.1:" + std::to_string(gateway_port_);
  EXPECT_NE(printed.find("  gateway    " + gateway_url), std::string::npos) << printed;
  EXPECT_LT(printed.find(gateway_url), printed.find("http://127.0.0.1:" + std::to_string(port_)))
      << "the gateway's URL comes first";

  // A request id is added, and the caller's trace context reaches the service untouched.
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  testing::HttpClient gateway(gateway_port_);
  const auto served =
      gateway.request(http::verb::get, "/products/1", {},
                      Headers{{"traceparent", "00-" + trace + "-00f067aa0ba902b7-01"}});
  EXPECT_EQ(served.status, 200) << served.body;
  const std::string request_id = served.header("X-Request-Id");
  EXPECT_FALSE(request_id.empty());
  EXPECT_EQ(served.header("X-Trace-Id"), trace) << "the service continued the caller's trace";
  std::string raw;
  const auto served_line = log_line(request_id, &raw);
  ASSERT_TRUE(served_line) << testing::read_text(dir_ / "lab" / "gateway.log");
  EXPECT_EQ(served_line->method, "GET");
  EXPECT_EQ(served_line->path, "/products/1");
  EXPECT_EQ(served_line->status, 200);
  EXPECT_EQ(served_line->termination, "----");
  EXPECT_EQ(served_line->trace_id, trace);
  EXPECT_GE(served_line->ta_ms, 0);
  EXPECT_TRUE(boost::json::parse(raw).is_object()) << raw;

  // The caller's own request id is kept.
  const auto kept = gateway.request(http::verb::get, "/products/2", {},
                                    Headers{{"X-Request-Id", "learner-request-1"}});
  EXPECT_EQ(kept.header("X-Request-Id"), "learner-request-1");
  EXPECT_TRUE(log_line("learner-request-1"));

  // The database slower than the gateway's 1 s: a 504 at the gateway, whose log line names the
  // trace that the service recorded once it finished.
  testing::HttpClient service(port_);
  ASSERT_EQ(service.request(http::verb::post, "/chaos/configure", R"({"db_latency": 2})").status,
            200);
  const auto timed_out = testing::HttpClient(gateway_port_).get("/products/4242");
  EXPECT_EQ(timed_out.status, 504) << timed_out.body;
  EXPECT_NE(timed_out.body.find("Gateway Timeout"), std::string::npos) << timed_out.body;
  const auto timeout_line = log_line(timed_out.header("X-Request-Id"));
  ASSERT_TRUE(timeout_line);
  EXPECT_EQ(timeout_line->status, 504);
  EXPECT_EQ(timeout_line->termination.substr(0, 2), "sH") << "server-side timeout, in headers";
  EXPECT_TRUE(timeout_line->answered_by_gateway());
  ASSERT_EQ(timeout_line->trace_id.size(), 32u);
  int trace_status = 0;
  EXPECT_TRUE(testing::eventually(
      [&] {
        trace_status = service.get("/console/api/traces/" + timeout_line->trace_id).status;
        return trace_status == 200;
      },
      10s))
      << "no trace " << timeout_line->trace_id << " in the console (" << trace_status << ")";
  ASSERT_EQ(service.request(http::verb::post, "/chaos/reset").status, 200);

  // The gateway's numbers in the service's metrics.
  std::string metrics;
  EXPECT_TRUE(testing::eventually(
      [&] {
        metrics = service.get("/metrics").body;
        return metrics.find("gateway_own_responses_total{status=\"504\"} 1") != std::string::npos;
      },
      5s))
      << metrics;
  // The /readyz polls above went through the gateway too.
  EXPECT_GE(sample(metrics, "gateway_requests_total{status_class=\"2xx\"}"), 3) << metrics;
  EXPECT_GE(sample(metrics, "gateway_requests_total{status_class=\"5xx\"}"), 1) << metrics;
  EXPECT_GE(sample(metrics, "gateway_request_duration_seconds_count"), 4) << metrics;
  EXPECT_GE(sample(metrics, "gateway_queue_duration_seconds_count"), 4) << metrics;
  stop_and_check_children();
}

// The guide's steady state, run as a learner would: `sre-lab load`'s engine, open loop, with 90 %
// of the requests on 100 ids, through the gateway. The hit rate is the guide's ~90 %, and the
// three views of the same traffic (the generator's answers, the gateway's log, the service's
// route metrics) count the same requests.
TEST_F(UpGatewayTest, HotSetLoadThroughTheGatewayHitsTheCacheAndEveryViewCountsTheSame) {
  start({"--gateway-port=" + std::to_string(gateway_port_)});
  ASSERT_TRUE(ready(gateway_port_)) << testing::read_text(dir_ / "up.log");
  testing::HttpClient service(port_);
  const auto counts = [&] {
    const std::string text = service.get("/metrics").body;
    return std::array<double, 4>{
        sample(text, "gateway_requests_total{status_class=\"2xx\"}"),
        sample(text, R"(http_server_requests_total{route="/products/{id}",status="200"})"),
        sample(text, "catalog_cache_hit_total"), sample(text, "catalog_cache_miss_total")};
  };

  load::LoadPlan plan;
  plan.target = {"127.0.0.1", gateway_port_};
  plan.rate = 150;
  plan.threads = 1;
  plan.ids = *load::IdDistribution::parse("hot:90%:100:1-10000");
  // The hot ids into the cache first, one at a time (a burst on a cold cache would meet the
  // pool's limits, more so in a sanitizer build).
  for (int id = 1; id <= 100; ++id)
    ASSERT_EQ(testing::HttpClient(gateway_port_).get("/products/" + std::to_string(id)).status,
              200);
  // The service reads the gateway's log a few times a second: counts settle once it caught up.
  const auto settled = [&] {
    std::array<double, 4> last = counts();
    for (int i = 0; i < 20; ++i) {
      std::this_thread::sleep_for(600ms);
      const std::array<double, 4> now = counts();
      if (now == last) break;
      last = now;
    }
    return last;
  };
  const std::array<double, 4> before = settled();
  EXPECT_GE(before[0], 100);

  plan.duration = 4s;
  const load::LoadReport run = load::run_load(plan, {}, {});
  ASSERT_TRUE(run.error.empty()) << run.error;
  EXPECT_EQ(run.total.errors() + run.total.dropped, 0u);
  const std::uint64_t ok = run.total.statuses.count(200) ? run.total.statuses.at(200) : 0;
  EXPECT_EQ(ok, run.total.answered) << "every answer a 200";
  EXPECT_GT(run.total.answered, 400u) << "150/s over 4 s";

  const std::array<double, 4> after = settled();
  EXPECT_EQ(after[0] - before[0], static_cast<double>(ok)) << "the gateway's 2xx";
  EXPECT_EQ(after[1] - before[1], static_cast<double>(ok)) << "the service's 200s";
  const double hits = after[2] - before[2], misses = after[3] - before[3];
  EXPECT_EQ(hits + misses, static_cast<double>(ok)) << "one cache lookup an answer";
  const double hit_rate = hits / (hits + misses);
  EXPECT_GT(hit_rate, 0.85) << "the hot 90 % are cached, the rest mostly not";
  EXPECT_LT(hit_rate, 0.97);
  const auto cached = run.total.sources.find("cache");
  ASSERT_NE(cached, run.total.sources.end());
  EXPECT_EQ(static_cast<double>(cached->second), hits) << "the answers' source says the same";
  stop_and_check_children();
}

TEST_F(UpGatewayTest, GatewayOffStartsNoHaproxy) {
  start({"--gateway=off", "--gateway-port=" + std::to_string(gateway_port_)});
  ASSERT_TRUE(ready(port_)) << testing::read_text(dir_ / "up.log");
  const std::vector<pid_t> children = children_of(up_.pid());
  EXPECT_EQ(children.size(), 3u);
  for (pid_t child : children) EXPECT_NE(command_of(child), "haproxy");
  EXPECT_TRUE(lab::port_is_free("127.0.0.1", gateway_port_));
  EXPECT_EQ(testing::read_text(dir_ / "up.log").find("gateway "), std::string::npos);
  stop_and_check_children();
}

}  // namespace
}  // namespace srelab
