// `sre-lab up --prometheus` on free loopback ports: a real Prometheus scrapes the service (its
// target up, the gateway's numbers among its metrics), evaluates the dashboard's recording rules
// on real traffic, and is gone when the lab stops; a bad port, a taken one or no prometheus
// installed is one line, exit 2.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <regex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lab/ports.hpp"
#include "lab/process.hpp"
#include "support/cli_run.hpp"
#include "support/http_client.hpp"

namespace srelab {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;

class UpPrometheusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sre-lab-prometheus-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::permissions(dir_, fs::perms(0755));
  }
  void TearDown() override {
    if (up_.pid() > 0 && up_.running()) up_.stop(SIGTERM, 30s);
    fs::remove_all(dir_);
  }

  std::vector<std::string> args(std::vector<std::string> extra) const {
    std::vector<std::string> argv{SRE_LAB_BINARY,
                                  "up",
                                  "--state-dir=" + (dir_ / "lab").string(),
                                  "--port=" + std::to_string(port_),
                                  "--pg-port=" + std::to_string(lab::pick_free_port()),
                                  "--redis-port=" + std::to_string(lab::pick_free_port()),
                                  "--gateway=off",
                                  "--threads=1",
                                  "--dogstatsd=off",
                                  "--trace-enabled=false"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // `up` with these flags, to its end (a refusal), with PATH as given when not empty.
  std::pair<int, std::string> refused(std::vector<std::string> extra, std::string path = {}) {
    lab::SpawnOptions options;
    options.argv = args(std::move(extra));
    options.log_file = dir_ / "refused.log";
    if (!path.empty()) options.extra_env.push_back("PATH=" + path);
    auto process = lab::Process::spawn(options);
    if (!process) return {-1, "not started"};
    const auto status = process->wait(60s);
    return {status.value_or(-1), testing::read_text(options.log_file)};
  }

  // The JSON answer of Prometheus' HTTP API at `target`.
  json::value api(const std::string& target) {
    return testing::HttpClient(prometheus_port_).get(target).json;
  }

  fs::path dir_;
  std::uint16_t port_ = lab::pick_free_port();
  std::uint16_t gateway_port_ = lab::pick_free_port();
  std::uint16_t prometheus_port_ = lab::pick_free_port();
  lab::Process up_;
};

TEST_F(UpPrometheusTest, PrometheusScrapesTheServiceRecordsThePanelsAndStopsWithTheLab) {
  lab::SpawnOptions options;
  options.argv = args({"--prometheus", "--prometheus-port=" + std::to_string(prometheus_port_),
                       "--gateway=on", "--gateway-port=" + std::to_string(gateway_port_)});
  options.log_file = dir_ / "up.log";
  auto process = lab::Process::spawn(options);
  ASSERT_TRUE(process);
  up_ = std::move(*process);
  ASSERT_TRUE(testing::answers_ready(up_, port_, 60s)) << testing::read_text(dir_ / "up.log");

  // Prometheus starts after the service: its URL and pid are printed with the others.
  std::smatch printed;
  const std::regex line("  Prometheus http://127\\.0\\.0\\.1:" + std::to_string(prometheus_port_) +
                        "/graph   \\(pid ([0-9]+);");
  std::string log;
  ASSERT_TRUE(testing::eventually(
      [&] { return std::regex_search(log = testing::read_text(dir_ / "up.log"), printed, line); },
      60s))
      << log;
  const pid_t prometheus = std::stoi(printed[1].str());
  EXPECT_EQ(::kill(prometheus, 0), 0);
  EXPECT_TRUE(fs::exists(dir_ / "lab" / "prometheus" / "prometheus.yml"));
  EXPECT_TRUE(fs::exists(dir_ / "lab" / "prometheus" / "data"));

  // The service's target, scraped already when its URL is printed: a learner's first query
  // answers. One job, one instance.
  std::string health;
  const json::value targets = api("/api/v1/targets");
  for (const json::value& target : targets.at("data").at("activeTargets").as_array())
    if (target.at("labels").at("job") == "sre-lab")
      health = json::value_to<std::string>(target.at("health"));
  EXPECT_EQ(health, "up") << targets;
  const json::value scraped = api("/api/v1/query?query=up%7Bjob%3D%22sre-lab%22%7D");
  ASSERT_EQ(scraped.at("data").at("result").as_array().size(), 1u) << scraped;
  EXPECT_EQ(json::value_to<std::string>(
                scraped.at("data").at("result").as_array()[0].at("metric").at("instance")),
            "127.0.0.1:" + std::to_string(port_));

  // Reads of a few products through the gateway, again and again: misses, then hits; the
  // recorded hit rate follows.
  testing::HttpClient gateway(gateway_port_);
  double hit_rate = -1;
  EXPECT_TRUE(testing::eventually(
      [&] {
        for (int id = 1; id <= 5; ++id) gateway.get("/products/" + std::to_string(id));
        const json::value answer = api("/api/v1/query?query=sre_lab:cache_hit_rate");
        const auto& result = answer.at("data").at("result").as_array();
        if (result.empty()) return false;
        hit_rate = std::stod(json::value_to<std::string>(result[0].at("value").as_array()[1]));
        return std::isfinite(hit_rate) && hit_rate > 0;
      },
      30s))
      << "sre_lab:cache_hit_rate " << hit_rate;
  EXPECT_LE(hit_rate, 1.0);
  // The gateway's own numbers come with the service's scrape (read from its access log).
  EXPECT_TRUE(testing::eventually(
      [&] {
        return !api("/api/v1/query?query=gateway_requests_total")
                    .at("data")
                    .at("result")
                    .as_array()
                    .empty();
      },
      10s));

  ASSERT_EQ(::kill(up_.pid(), SIGTERM), 0);
  const auto status = up_.wait(60s);
  ASSERT_TRUE(status) << "up did not stop";
  EXPECT_EQ(*status, 0) << testing::read_text(dir_ / "up.log");
  EXPECT_NE(::kill(prometheus, 0), 0) << "Prometheus (pid " << prometheus << ") still runs";
}

TEST_F(UpPrometheusTest, ABadOrTakenPortIsOneLineNamingTheFlag) {
  auto [status, output] = refused({"--prometheus", "--prometheus-port=70000"});
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("--prometheus-port"), std::string::npos) << output;
  EXPECT_NE(output.find("1..65535"), std::string::npos) << output;

  // Taken by another server: found before anything starts.
  boost::asio::io_context context;
  boost::asio::ip::tcp::acceptor holder(
      context, {boost::asio::ip::make_address("127.0.0.1"), prometheus_port_});
  std::tie(status, output) =
      refused({"--prometheus", "--prometheus-port=" + std::to_string(prometheus_port_)});
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(
      output.find("port " + std::to_string(prometheus_port_) + " (Prometheus) is already in use"),
      std::string::npos)
      << output;
  EXPECT_NE(output.find("--prometheus-port"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir_ / "lab" / "postgres")) << "nothing was started";
}

TEST_F(UpPrometheusTest, NoPrometheusInstalledIsOneLineAndExitTwo) {
  const auto [status, output] = refused(
      {"--prometheus", "--prometheus-port=" + std::to_string(prometheus_port_)}, "/nonexistent");
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("prometheus is not installed"), std::string::npos) << output;
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1) << output;
}

}  // namespace
}  // namespace srelab
