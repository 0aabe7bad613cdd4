// A real Prometheus server (Debian's `prometheus`, found on PATH) scrapes the running service's
// GET /metrics every second: the target is up without a scrape error, and the cache hit rate
// PromQL computes from the scraped counters is the one the traffic we sent implies. Prometheus
// listens on loopback only, keeps its TSDB in a temporary directory and is stopped by its pid.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "lab/ports.hpp"
#include "lab/process.hpp"
#include "support/service_fixture.hpp"

namespace srelab::app {
namespace {

using namespace srelab::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using SteadyTime = std::chrono::steady_clock::time_point;

// The first executable `name` in a PATH directory; empty when there is none.
fs::path find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

std::string percent_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::chrono::milliseconds left_until(SteadyTime deadline) {
  return std::max(0ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                           deadline - std::chrono::steady_clock::now()));
}

// The value of the sample line `series value` in an exposition, or -1 when there is none.
double sample(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
    at += series.size();
  }
  return -1;
}

// A string member of a JSON object; "?" when it is not there.
std::string field_of(const boost::json::value& object, const char* name) {
  const auto* members = object.if_object();
  const auto* value = members ? members->if_contains(name) : nullptr;
  return value && value->is_string() ? std::string(value->as_string()) : "?";
}

class PrometheusScrapeTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    char pattern[] = "/tmp/sre-lab-prometheus-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }

  void TearDown() override {
    // Prometheus first: it would otherwise scrape a service that is going away.
    if (prometheus_.running()) prometheus_.stop(SIGTERM, 5s);
    ServiceTest::TearDown();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Writes the config and starts Prometheus on a free loopback port; false (with a failure
  // recorded) when the binary is missing or does not start.
  bool start_prometheus() {
    const fs::path binary = find_on_path("prometheus");
    if (binary.empty()) {
      ADD_FAILURE() << "no `prometheus` executable on PATH: this test needs a real Prometheus "
                       "server (Debian package `prometheus`, which the test command installs)";
      return false;
    }
    std::ofstream(dir_ / "prometheus.yml") << "global:\n"
                                              "  scrape_interval: 1s\n"
                                              "  scrape_timeout: 1s\n"
                                              "  evaluation_interval: 1s\n"
                                              "scrape_configs:\n"
                                              "  - job_name: sre-lab\n"
                                              "    metrics_path: /metrics\n"
                                              "    static_configs:\n"
                                              "      - targets: ['127.0.0.1:"
                                           << service_->port() << "']\n";
    port_ = lab::pick_free_port();
    lab::SpawnOptions options;
    options.argv = {binary.string(), "--config.file=" + (dir_ / "prometheus.yml").string(),
                    "--storage.tsdb.path=" + (dir_ / "tsdb").string(),
                    "--web.listen-address=127.0.0.1:" + std::to_string(port_)};
    options.log_file = dir_ / "prometheus.log";
    options.parent_death_signal = SIGKILL;  // a crashed test binary leaves no server behind
    std::string error;
    auto spawned = lab::Process::spawn(options, error);
    if (!spawned) {
      ADD_FAILURE() << "cannot start " << binary << ": " << error;
      return false;
    }
    prometheus_ = std::move(*spawned);
    return true;
  }

  std::string prometheus_log() const {
    std::ifstream in(dir_ / "prometheus.log");
    std::stringstream text;
    text << in.rdbuf();
    const std::string all = text.str();
    return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
  }

  // A GET on Prometheus' HTTP API; nothing while it does not accept connections.
  std::optional<HttpReply> prometheus_get(const std::string& target) {
    try {
      return HttpClient(port_).get(target);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

  // The value of a PromQL query whose result is a single sample; NaN when it is empty or fails.
  double query(const std::string& promql) {
    const auto reply = prometheus_get("/api/v1/query?query=" + percent_encode(promql));
    if (!reply || reply->status != 200 || !reply->json.is_object()) return std::nan("");
    const auto* result = reply->json.at_pointer("/data/result").if_array();
    if (result == nullptr || result->size() != 1) return std::nan("");
    const auto* value = result->at(0).at_pointer("/value/1").if_string();
    return value ? std::stod(std::string(*value)) : std::nan("");
  }

  // Our one scrape target as /api/v1/targets reports it; null when not there (yet).
  boost::json::value target() {
    const auto reply = prometheus_get("/api/v1/targets?state=active");
    if (!reply || reply->status != 200 || !reply->json.is_object()) return nullptr;
    const auto* active = reply->json.at_pointer("/data/activeTargets").if_array();
    if (active == nullptr || active->size() != 1) return nullptr;
    return active->at(0);
  }

  fs::path dir_;
  std::uint16_t port_ = 0;
  lab::Process prometheus_;
};

TEST_F(PrometheusScrapeTest, PrometheusScrapesTheServiceAndComputesTheCacheHitRate) {
  const SteadyTime deadline = std::chrono::steady_clock::now() + 50s;
  ASSERT_TRUE(start_prometheus());

  ASSERT_TRUE(eventually(
      [&] {
        const auto ready = prometheus_get("/-/ready");
        return (ready && ready->status == 200) || !prometheus_.running();
      },
      std::min(left_until(deadline), std::chrono::milliseconds(20s))));
  ASSERT_TRUE(prometheus_.running()) << "Prometheus exited:\n" << prometheus_log();
  ASSERT_EQ(prometheus_get("/-/ready")->status, 200) << prometheus_log();

  // One scrape before any product traffic: the counters' first samples are zero, so rate()
  // covers exactly the traffic below.
  ASSERT_TRUE(eventually([&] { return field_of(target(), "health") == "up"; },
                         std::min(left_until(deadline), std::chrono::milliseconds(10s))))
      << boost::json::serialize(target()) << "\n"
      << prometheus_log();

  // 4 misses (first sight of each id), then 60 hits on the same few ids.
  const int ids[] = {1, 2, 3, 4};
  for (int id : ids) ASSERT_EQ(get("/products/" + std::to_string(id)).status, 200);
  for (int round = 0; round < 15; ++round)
    for (int id : ids) ASSERT_EQ(get("/products/" + std::to_string(id)).status, 200);

  const std::string exposed = get("/metrics").body;
  const double hits = sample(exposed, "catalog_cache_hit_total");
  const double misses = sample(exposed, "catalog_cache_miss_total");
  ASSERT_EQ(hits, 60) << exposed.substr(0, 1500);
  ASSERT_EQ(misses, 4);

  // Wait until Prometheus has scraped at least 3 times and its latest scrape saw all of it.
  const bool scraped = eventually(
      [&] {
        return query(R"(count_over_time(up{job="sre-lab"}[1m]))") >= 3 &&
               query(R"(sum(catalog_cache_hit_total{job="sre-lab"}))") == hits &&
               query(R"(sum(catalog_cache_miss_total{job="sre-lab"}))") == misses;
      },
      std::min(left_until(deadline), std::chrono::milliseconds(15s)));
  ASSERT_TRUE(scraped) << "scrapes: " << query(R"(count_over_time(up{job="sre-lab"}[1m]))")
                       << ", hits seen: " << query("sum(catalog_cache_hit_total)") << "\n"
                       << prometheus_log();

  // The window reaches back past the pre-traffic scrape (the test is far shorter than 1m), and
  // both counters come from the same scrapes, so the ratio of the rates is exactly hits / all.
  const double hit_rate = query(
      "sum(rate(catalog_cache_hit_total[1m])) / (sum(rate(catalog_cache_hit_total[1m])) + "
      "sum(rate(catalog_cache_miss_total[1m])))");
  EXPECT_GT(hit_rate, 0.5);
  EXPECT_LE(hit_rate, 1.0);
  EXPECT_NEAR(hit_rate, hits / (hits + misses), 1e-9);  // 60 / 64

  EXPECT_EQ(query(R"(up{job="sre-lab"})"), 1);
  const boost::json::value scrape_target = target();
  EXPECT_EQ(field_of(scrape_target, "health"), "up") << boost::json::serialize(scrape_target);
  EXPECT_EQ(field_of(scrape_target, "lastError"), "") << boost::json::serialize(scrape_target);
  EXPECT_EQ(field_of(scrape_target, "scrapeUrl"),
            "http://127.0.0.1:" + std::to_string(service_->port()) + "/metrics");
  EXPECT_GT(left_until(deadline).count(), 0) << "the whole test stays under its bound";
}

}  // namespace
}  // namespace srelab::app
