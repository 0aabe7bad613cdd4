// GET /metrics on the real service: the guide's metrics move with the traffic that should move
// them, and Prometheus' own linter (promtool, from Debian's prometheus package) accepts the text.
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <thread>

#include "support/service_fixture.hpp"

namespace srelab::app {
namespace {

using namespace srelab::testing;

// The value of the first sample line that starts with `series` (e.g. `catalog_cache_hit_total`).
double sample(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
    at += series.size();
  }
  return -1;
}

using MetricsTest = ServiceTest;

TEST_F(MetricsTest, TheGuidesMetricsMoveWithTraffic) {
  const std::string before = get("/metrics").body;
  EXPECT_EQ(sample(before, "catalog_cache_hit_total"), 0) << before.substr(0, 500);
  for (int i = 0; i < 3; ++i) get("/products/5");  // 1 miss, 2 hits
  get("/products/6");                              // 1 miss
  post("/chaos/leak", R"({"mb": 2})");

  const HttpReply scraped = get("/metrics");
  EXPECT_EQ(scraped.status, 200);
  EXPECT_EQ(scraped.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = scraped.body;
  EXPECT_EQ(sample(text, "catalog_cache_hit_total"), 2);
  EXPECT_EQ(sample(text, "catalog_cache_miss_total"), 2);
  EXPECT_EQ(sample(text, "catalog_db_query_duration_seconds_count"), 2);
  EXPECT_EQ(sample(text, "catalog_cache_duration_seconds_count"), 4) << "every lookup, hit or miss";
  EXPECT_EQ(sample(text, "catalog_app_memory_leak_size_bytes"), 2 * 1024 * 1024);
  EXPECT_EQ(sample(text, R"(catalog_db_pool_connections{state="size"})"), 5);
  EXPECT_EQ(sample(text, "resilience_circuit_breaker_state"), 0);
  EXPECT_EQ(sample(text, R"(http_server_requests_total{route="/products/{id}",status="200"})"), 4);
  EXPECT_GT(sample(text, "process_resident_memory_bytes"), 1e6);
  del("/chaos/leak");
}

// The guide's "Service CPU" is a share of the machine: a core kept busy here (the service runs in
// this process) must show as a clear share of the cores, never above 1.
TEST_F(MetricsTest, ServiceCpuIsAShareOfTheMachine) {
  const double cores = sample(get("/metrics").body, "process_cpu_available_cores");
  ASSERT_GE(cores, 1);
  EXPECT_LE(cores, std::thread::hardware_concurrency());
  // The figure moves on once a second whoever reads it (the console samples it too), so what a
  // scrape sees may end up to a second ago: two seconds busy cover a whole window either way.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2200);
  volatile std::uint64_t spins = 0;
  while (std::chrono::steady_clock::now() < until) spins = spins + 1;
  const double utilization = sample(get("/metrics").body, "process_cpu_utilization_ratio");
  EXPECT_GT(utilization, 0.2 / cores) << "a busy core is at least a fifth of one core's share";
  EXPECT_LE(utilization, 1.0);
}

TEST_F(MetricsTest, PromtoolAcceptsTheExposition) {
  for (int i = 0; i < 3; ++i) get("/products/" + std::to_string(i + 1));
  const std::string text = get("/metrics").body;
  const char* promtool = "/usr/bin/promtool";
  ASSERT_EQ(access(promtool, X_OK), 0) << "promtool comes with Debian's prometheus package";
  FILE* pipe = popen("/usr/bin/promtool check metrics > /tmp/sre-lab-promtool.out 2>&1", "w");
  ASSERT_NE(pipe, nullptr);
  std::fwrite(text.data(), 1, text.size(), pipe);
  const int status = pclose(pipe);
  std::FILE* out = std::fopen("/tmp/sre-lab-promtool.out", "r");
  std::string said;
  for (int c; out && (c = std::fgetc(out)) != EOF;) said += static_cast<char>(c);
  if (out) std::fclose(out);
  EXPECT_EQ(status, 0) << said;
  EXPECT_TRUE(said.empty()) << said;
}

// DogStatsD: datagrams received on a loopback UDP socket parse, stay under 1432 bytes, carry the
// unified service tags, send no zero counts, carry timings as distributions, and their counter
// deltas add up to the traffic.
class DogStatsdTest : public ServiceTest {
 protected:
  DogStatsdTest() : receiver_(context_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    flags_["agent-host"] = "127.0.0.1";
    flags_["dogstatsd-port"] = std::to_string(receiver_.local_endpoint().port());
    flags_["dogstatsd-interval"] = "0.1";
    flags_["trace-enabled"] = "false";
    flags_["dd-env"] = "lab-test";
    flags_["dd-version"] = "1.2.3";
  }

  // Every datagram that arrives within `window`.
  std::vector<std::string> receive_for(std::chrono::milliseconds window) {
    std::vector<std::string> datagrams;
    receiver_.non_blocking(true);
    const auto until = std::chrono::steady_clock::now() + window;
    char buffer[65536];
    while (std::chrono::steady_clock::now() < until) {
      boost::system::error_code ec;
      const std::size_t size = receiver_.receive(boost::asio::buffer(buffer), 0, ec);
      if (!ec)
        datagrams.emplace_back(buffer, size);
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return datagrams;
  }

  boost::asio::io_context context_;
  boost::asio::ip::udp::socket receiver_;
};

TEST_F(DogStatsdTest, DatagramsCarryTheMetricsWithTagsAndStayUnderTheLimit) {
  for (int i = 0; i < 4; ++i) get("/products/8");  // 1 miss, 3 hits
  const std::vector<std::string> datagrams = receive_for(std::chrono::milliseconds(800));
  ASSERT_FALSE(datagrams.empty());
  double hits = 0;
  int distributions = 0;
  bool tagged = false;
  for (const std::string& datagram : datagrams) {
    EXPECT_LE(datagram.size(), 1432u);
    std::istringstream lines(datagram);
    for (std::string line; std::getline(lines, line);) {
      // name:value|type|#tags
      const auto colon = line.find(':');
      const auto bar = line.find('|');
      ASSERT_TRUE(colon != std::string::npos && bar != std::string::npos && colon < bar) << line;
      const std::string type = line.substr(bar + 1, line.find('|', bar + 1) - bar - 1);
      EXPECT_TRUE(type == "c" || type == "g" || type == "d") << line;
      if (type == "c") {
        EXPECT_NE(line.substr(colon + 1, bar - colon - 1), "0") << line;
      }
      distributions += line.rfind("catalog.db.query.duration:", 0) == 0 && type == "d";
      if (line.rfind("catalog.cache.hit:", 0) == 0) {
        hits += std::stod(line.substr(colon + 1, bar - colon - 1));
        tagged = line.find("|#env:lab-test,service:sre-lab,version:1.2.3") != std::string::npos;
      }
    }
  }
  EXPECT_EQ(hits, 3) << "the deltas of all flushes add up to the hits";
  EXPECT_GE(distributions, 1) << "the miss's query, as a distribution";
  EXPECT_TRUE(tagged) << datagrams.front();
  EXPECT_GT(service_->dogstatsd().datagrams_sent(), 0u);
}

}  // namespace
}  // namespace srelab::app
