// The catalog service end to end, in-process exactly as `sre-lab serve` runs it, against the
// real Postgres and Redis of TestServers: cache-aside, TTL, Redis and Postgres outages.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/service_fixture.hpp"

namespace srelab::app {
namespace {

using namespace srelab::testing;
using namespace std::chrono_literals;

using CatalogTest = ServiceTest;

TEST_F(CatalogTest, MissThenHitWithTheSameProduct) {
  const HttpReply first = get("/products/42");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(source_of(first), "database");
  const auto& product = first.json.as_object();
  EXPECT_EQ(product.at("id").as_int64(), 42);
  for (const char* field : {"name", "description", "category"})
    EXPECT_FALSE(product.at(field).as_string().empty()) << field;
  EXPECT_GT(product.at("price").to_number<double>(), 0.0);
  EXPECT_EQ(first.header("Content-Type"), "application/json");

  const HttpReply second = get("/products/42");
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(source_of(second), "cache");
  auto without_source = [](boost::json::value v) {
    v.as_object().erase("source");
    return v;
  };
  EXPECT_EQ(without_source(first.json), without_source(second.json));
}

TEST_F(CatalogTest, KeepAliveConnectionServesManyRequests) {
  HttpClient client(service_->port());
  for (int id = 1; id <= 50; ++id)
    ASSERT_EQ(client.get("/products/" + std::to_string(id)).status, 200);
  for (int id = 1; id <= 50; ++id)
    ASSERT_EQ(source_of(client.get("/products/" + std::to_string(id))), "cache");
}

TEST_F(CatalogTest, MissingAndInvalidIds) {
  struct Case {
    const char* target;
    int status;
    const char* detail_has;
  };
  for (const Case& c :
       {Case{"/products/10001", 404, "does not exist"},
        Case{"/products/2147483647", 404, "does not exist"}, Case{"/products/0", 400, "zero"},
        Case{"/products/-3", 400, "negative"}, Case{"/products/abc", 400, "not a number"},
        Case{"/products/2147483648", 400, "out of range"},
        Case{"/products/99999999999999999999", 400, "out of range"},
        Case{"/products/1.5", 400, "not a number"}, Case{"/nowhere", 404, "/nowhere"}}) {
    const HttpReply reply = get(c.target);
    EXPECT_EQ(reply.status, c.status) << c.target << " " << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << c.target << " " << reply.body;
    EXPECT_TRUE(reply.json.as_object().contains("error")) << reply.body;
    const std::string detail(reply.json.at("detail").as_string());
    EXPECT_NE(detail.find(c.detail_has), std::string::npos) << c.target << ": " << detail;
  }
  const HttpReply wrong_method =
      HttpClient(service_->port()).request(boost::beast::http::verb::post, "/products/1", "{}");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_NE(wrong_method.header("Allow").find("GET"), std::string::npos);
}

TEST_F(CatalogTest, HealthAndReadiness) {
  EXPECT_EQ(get("/healthz").status, 200);
  const HttpReply ready = get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json.at("checks").at("postgres").as_string(), "ok");
  EXPECT_EQ(ready.json.at("checks").at("redis").as_string(), "ok");
}

TEST_F(CatalogTest, RedisDownServesFromPostgresThenCachingResumes) {
  ASSERT_EQ(source_of(get("/products/7")), "database");
  ASSERT_EQ(source_of(get("/products/7")), "cache");

  TestServers::instance().stop_redis();
  for (int i = 0; i < 5; ++i) {
    const auto started = std::chrono::steady_clock::now();
    const HttpReply reply = get("/products/7");
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(source_of(reply), "database");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "no hang on a dead cache";
  }
  const HttpReply not_ready = get("/readyz");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_NE(std::string(not_ready.json.at("detail").as_string()).find("redis"), std::string::npos)
      << not_ready.body;

  TestServers::instance().start_redis();
  EXPECT_TRUE(eventually([&] { return source_of(get("/products/7")) == "cache"; }, 10s))
      << "caching resumes without a restart";
  EXPECT_EQ(get("/readyz").status, 200);
}

TEST_F(CatalogTest, PostgresRestartIsSurvivedWithoutRestartingTheService) {
  ASSERT_EQ(get("/products/100").status, 200);
  TestServers::instance().restart_postgres();
  // Uncached ids need Postgres: they come back once the pool has reconnected.
  int id = 200;
  // The fallback answers 200 meanwhile (an emergency record): only "database" says it is back.
  EXPECT_TRUE(eventually(
      [&] { return source_of(get("/products/" + std::to_string(id++))) == "database"; }, 15s));
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(source_of(get("/products/" + std::to_string(300 + i))), "database");
  EXPECT_EQ(source_of(get("/products/100")), "cache") << "the cache kept serving meanwhile";
}

// By default the fallback answers an uncached product with an emergency record (the guide's
// Part 4.2); set to let failures stand, the answer is a 503 that names the database.
TEST_F(CatalogTest, PostgresDownIsAnEmergencyRecordOrA503NamingTheDatabaseAndReadinessSaysSo) {
  TestServers::instance().stop_postgres();
  const HttpReply emergency = get("/products/555");
  EXPECT_EQ(emergency.status, 200) << emergency.body;
  EXPECT_EQ(source_of(emergency), "fallback_emergency") << emergency.body;
  ASSERT_EQ(post("/resilience/configure", R"({"fallback_without_copy": "error"})").status, 200);
  const HttpReply reply = get("/products/556");
  EXPECT_EQ(reply.status, 503) << reply.body;
  EXPECT_EQ(field(reply, "error"), "Database Unavailable") << reply.body;
  const HttpReply not_ready = get("/readyz");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_NE(std::string(not_ready.json.at("detail").as_string()).find("postgres"),
            std::string::npos);
  TestServers::instance().start_postgres();
  EXPECT_TRUE(eventually([&] { return source_of(get("/products/555")) == "database"; }, 15s));
}

class CatalogTtlTest : public ServiceTest {
 protected:
  CatalogTtlTest() { flags_["cache-ttl"] = "1"; }
};

TEST_F(CatalogTtlTest, EntriesExpireAfterTheTtl) {
  ASSERT_EQ(source_of(get("/products/9")), "database");
  ASSERT_EQ(source_of(get("/products/9")), "cache");
  std::this_thread::sleep_for(2200ms);  // Redis expires keys with up to ~1 ms of lag past the TTL
  EXPECT_EQ(source_of(get("/products/9")), "database");
}

}  // namespace
}  // namespace srelab::app
