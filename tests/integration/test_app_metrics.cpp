// GET /metrics on the real service: the guide's metrics move with the traffic that should move
// them, and Prometheus' own linter (promtool, from Debian's prometheus package) accepts the text.
#include <gtest/gtest.h>

#include <cstdio>

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
  EXPECT_EQ(sample(text, "catalog_app_memory_leak_size_bytes"), 2 * 1024 * 1024);
  EXPECT_EQ(sample(text, R"(catalog_db_pool_connections{state="size"})"), 5);
  EXPECT_EQ(sample(text, "resilience_circuit_breaker_state"), 0);
  EXPECT_EQ(sample(text, R"(http_server_requests_total{route="/products/{id}",status="200"})"), 4);
  EXPECT_GT(sample(text, "process_resident_memory_bytes"), 1e6);
  del("/chaos/leak");
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

}  // namespace
}  // namespace srelab::app
