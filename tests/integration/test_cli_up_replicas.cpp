// `sre-lab up --replicas 2` on free loopback ports: two service processes behind the gateway,
// sharing the lab's Postgres and Redis. The gateway spreads product requests over both, each
// replica says which it is in its log, chaos configured on one replica stays on it, and SIGINT
// stops every process the lab started.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "lab/ports.hpp"
#include "lab/process.hpp"
#include "support/cli_run.hpp"
#include "support/http_client.hpp"

namespace srelab {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

constexpr const char* kProductRequests =
    R"(http_server_requests_total{route="/products/{id}",status="200"})";

std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> pids;
  for (pid_t child; in >> child;) pids.push_back(child);
  return pids;
}

std::string command_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

// The value of a sample line "<series> <value>" of a Prometheus text; 0 when absent (a counter
// not yet incremented).
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::stod(text.substr(at + series.size() + 2));
}

std::string source_of(const testing::HttpReply& reply) {
  if (!reply.json.is_object() || !reply.json.as_object().contains("source")) return {};
  return std::string(reply.json.at("source").as_string());
}

// Two consecutive free ports, the first returned: the replicas' --port.
std::uint16_t pick_free_pair() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const std::uint16_t port = lab::pick_free_port();
    if (port < 65535 && lab::port_is_free("127.0.0.1", static_cast<std::uint16_t>(port + 1)))
      return port;
  }
  return 0;
}

class UpReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sre-lab-replicas-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::permissions(dir_, fs::perms(0755));
    ASSERT_NE(port_, 0) << "no two consecutive free ports";
  }
  void TearDown() override {
    if (up_.pid() > 0 && up_.running()) up_.stop(SIGTERM, 30s);
    fs::remove_all(dir_);
  }

  void start() {
    lab::SpawnOptions options;
    options.argv = {
        SRE_LAB_BINARY, "up", "--replicas=2", "--state-dir=" + (dir_ / "lab").string(),
        "--port=" + std::to_string(port_), "--gateway-port=" + std::to_string(gateway_port_),
        "--pg-port=" + std::to_string(lab::pick_free_port()),
        "--redis-port=" + std::to_string(lab::pick_free_port()), "--threads=1", "--products=1000",
        // Nothing listens there: each replica logs that its traces cannot be sent,
        // a line of its own to find in its log.
        "--trace-agent-url=http://127.0.0.1:" + std::to_string(lab::pick_free_port()),
        "--dogstatsd=off"};
    options.log_file = dir_ / "up.log";
    auto process = lab::Process::spawn(options);
    ASSERT_TRUE(process);
    up_ = std::move(*process);
  }

  // /readyz on `port`, up to 60 s (initdb and seeding).
  bool ready(std::uint16_t port) { return testing::answers_ready(up_, port, 60s); }

  std::uint16_t replica(int k) const { return static_cast<std::uint16_t>(port_ + k - 1); }

  double product_answers(int k) {
    return sample(testing::HttpClient(replica(k)).get("/metrics").body, kProductRequests);
  }

  fs::path dir_;
  std::uint16_t port_ = pick_free_pair();
  std::uint16_t gateway_port_ = lab::pick_free_port();
  lab::Process up_;
};

TEST_F(UpReplicasTest, TheGatewaySpreadsOverBothChaosStaysOnOneAndSigintStopsAll) {
  start();
  ASSERT_TRUE(ready(gateway_port_)) << testing::read_text(dir_ / "up.log");
  ASSERT_TRUE(ready(replica(1)) && ready(replica(2))) << testing::read_text(dir_ / "up.log");
  const std::string printed = testing::read_text(dir_ / "up.log");
  for (int k : {1, 2})
    EXPECT_NE(printed.find("replica " + std::to_string(k) +
                           "  http://127.0.0.1:" + std::to_string(replica(k)) + "/products/1"),
              std::string::npos)
        << printed;
  const std::string gateway_config = testing::read_text(dir_ / "lab" / "gateway.cfg");
  EXPECT_NE(gateway_config.find("server service2 127.0.0.1:" + std::to_string(replica(2))),
            std::string::npos)
      << gateway_config;

  // Product requests through the gateway: every one answered, by one replica or the other.
  testing::HttpClient gateway(gateway_port_);
  for (int id = 1; id <= 100; ++id)
    ASSERT_EQ(gateway.get("/products/" + std::to_string(id)).status, 200) << id;
  const double first = product_answers(1);
  const double second = product_answers(2);
  EXPECT_GT(first, 0) << "replica 1 answered none";
  EXPECT_GT(second, 0) << "replica 2 answered none";
  EXPECT_EQ(first + second, 100);

  // Chaos configured on replica 2 acts there only: replica 1 still reads Postgres.
  testing::HttpClient second_replica(replica(2));
  ASSERT_EQ(
      second_replica.request(http::verb::post, "/chaos/configure", R"({"db_failure_rate": 1.0})")
          .status,
      200);
  testing::HttpClient first_replica(replica(1));
  const testing::HttpReply healthy = first_replica.get("/products/501");
  EXPECT_EQ(healthy.status, 200) << healthy.body;
  EXPECT_EQ(source_of(healthy), "database") << healthy.body;
  const testing::HttpReply broken = second_replica.get("/products/502");
  EXPECT_EQ(source_of(broken), "fallback_emergency") << broken.body;
  const testing::HttpReply chaos_1 = first_replica.get("/chaos");
  EXPECT_EQ(chaos_1.json.at("settings").at("db_failure_rate").to_number<double>(), 0.0)
      << chaos_1.body;
  // Through the gateway, taken in turn: some answers from each side of the split.
  int from_database = 0;
  int from_fallback = 0;
  for (int id = 601; id <= 620; ++id) {
    const testing::HttpReply reply = gateway.get("/products/" + std::to_string(id));
    if (source_of(reply) == "database")
      ++from_database;
    else
      ++from_fallback;
  }
  EXPECT_GT(from_database, 0);
  EXPECT_GT(from_fallback, 0);

  // Each replica's log is its own and names it; replica 1 keeps the single service's file.
  std::string log_1;
  std::string log_2;
  testing::eventually(
      [&] {
        log_1 = testing::read_text(dir_ / "lab" / "sre-lab.log");
        log_2 = testing::read_text(dir_ / "lab" / "sre-lab-2.log");
        return log_1.find("\"replica\":1") != std::string::npos &&
               log_2.find("\"replica\":2") != std::string::npos;
      },
      10s);
  EXPECT_NE(log_1.find("\"replica\":1"), std::string::npos) << log_1.substr(0, 600);
  EXPECT_EQ(log_1.find("\"replica\":2"), std::string::npos);
  EXPECT_NE(log_2.find("\"replica\":2"), std::string::npos) << log_2.substr(0, 600);
  EXPECT_EQ(log_2.find("\"replica\":1"), std::string::npos);

  // SIGINT, as Ctrl-C: every process the lab started is gone, and it exits 0.
  const std::vector<pid_t> children = children_of(up_.pid());
  int services = 0;
  for (pid_t child : children) services += command_of(child) == "sre-lab" ? 1 : 0;
  EXPECT_EQ(services, 2) << "two replicas among the lab's processes";
  EXPECT_EQ(children.size(), 5u) << "postgres, redis, two replicas and the gateway";
  kill(up_.pid(), SIGINT);
  up_.wait(30s);
  EXPECT_FALSE(up_.running());
  EXPECT_EQ(up_.exit_status().value_or(-1), 0) << testing::read_text(dir_ / "up.log");
  for (pid_t child : children) EXPECT_NE(kill(child, 0), 0) << "stray process " << child;
}

// A taken port of replica 2 is named before anything starts.
TEST_F(UpReplicasTest, ATakenReplicaPortIsNamedAndNothingStarts) {
  boost::asio::io_context context;
  boost::asio::ip::tcp::acceptor holder(context,
                                        {boost::asio::ip::make_address("127.0.0.1"), replica(2)});
  start();
  up_.wait(30s);
  EXPECT_EQ(up_.exit_status().value_or(-1), 2);
  const std::string printed = testing::read_text(dir_ / "up.log");
  EXPECT_NE(printed.find("port " + std::to_string(replica(2)) + " (replica 2) is already in use"),
            std::string::npos)
      << printed;
  EXPECT_FALSE(fs::exists(dir_ / "lab" / "postgres")) << "nothing started";
}

}  // namespace
}  // namespace srelab
