// The lab guide's experiments (Parts 3 and 4) against the real service, Postgres and Redis:
// saturation, circuit breaker, pool exhaustion, graceful degradation, memory leak, chaos expiry
// and seeds, and the validation of every admin endpoint.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <future>
#include <numeric>

#include "support/service_fixture.hpp"

namespace srelab::app {
namespace {

using namespace srelab::testing;
using namespace std::chrono_literals;

using ChaosTest = ServiceTest;

std::vector<double> latencies(const HttpReply& bulk) {
  std::vector<double> out;
  for (const auto& row : bulk.json.at("results").as_array())
    out.push_back(row.at("latency_ms").to_number<double>());
  return out;
}

double mean(const std::vector<double>& values, std::size_t from, std::size_t count) {
  return std::accumulate(values.begin() + static_cast<long>(from),
                         values.begin() + static_cast<long>(from + count), 0.0) /
         static_cast<double>(count);
}

std::string breaker_state(const HttpReply& resilience) {
  return std::string(resilience.json.at("circuit_breaker").at("state").as_string());
}

// The value of the Prometheus sample `series` in a scrape of /metrics; 0 when it is absent.
double sample(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
    at += series.size();
  }
  return 0;
}

std::string product_requests(const char* status) {
  return std::string(R"(http_server_requests_total{route="/products/{id}",status=")") + status +
         "\"}";
}

// An emergency record: the id, every other field unavailable (web/openapi.json, Product).
void expect_emergency_record(const HttpReply& reply, int id) {
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(source_of(reply), "fallback_emergency") << reply.body;
  ASSERT_TRUE(reply.json.is_object()) << reply.body;
  EXPECT_EQ(reply.json.at("id").to_number<int>(), id);
  EXPECT_TRUE(reply.json.at("stale").is_null()) << reply.body;
  for (const char* unavailable : {"name", "description", "category", "price"})
    EXPECT_TRUE(reply.json.at(unavailable).is_null()) << unavailable << ": " << reply.body;
  EXPECT_EQ(boost::json::serialize(reply.json.at("unavailable")),
            R"(["name","description","category","price"])");
}

// Rows of pg_stat_activity of the lab's database running the injected pg_sleep right now.
int sleeping_backends() {
  PGconn* connection = PQconnectdb(TestServers::instance().database_url().c_str());
  PGresult* result = PQexec(connection,
                            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                            "AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()");
  const int count =
      PQresultStatus(result) == PGRES_TUPLES_OK ? std::atoi(PQgetvalue(result, 0, 0)) : -1;
  PQclear(result);
  PQfinish(connection);
  return count;
}

long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Guide, Part 3.1: clear the cache, bulk 15 — later lookups queue on the pool and pay saturation.
TEST_F(ChaosTest, SaturationMakesLaterLookupsSlowerAndP99FarAboveP50) {
  EXPECT_EQ(field(get("/resilience"), "pool"), R"({"size":5,"active":0,"idle":5,"waiting":0})")
      << "the service fills its pool at start";
  ASSERT_EQ(post("/chaos/clear_cache").status, 200);
  const HttpReply bulk = get("/products/bulk/test?requests=15&seed=3");
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  const auto& summary = bulk.json.at("summary");
  EXPECT_EQ(summary.at("by_status").at("200").to_number<int>(), 15) << bulk.body;
  EXPECT_EQ(summary.at("by_source").at("database").to_number<int>(), 15);
  EXPECT_EQ(summary.at("pool_high_water").to_number<int>(), 5);

  const std::vector<double> times = latencies(bulk);
  ASSERT_EQ(times.size(), 15u);
  EXPECT_GT(mean(times, 10, 5), 2.0 * mean(times, 0, 5)) << bulk.body;
  const double p50 = summary.at("latency_ms").at("p50").to_number<double>();
  const double p99 = summary.at("latency_ms").at("p99").to_number<double>();
  EXPECT_GT(p99, 1.5 * p50) << bulk.body;
}

// Guide, Part 3.2: 100 % DB errors open the breaker; while OPEN no query reaches Postgres. The
// fallback is set to let failures stand, so each answer shows what happened to its lookup.
TEST_F(ChaosTest, BreakerOpensOnFailuresRejectsWithoutDbWorkThenRecovers) {
  ASSERT_EQ(post("/resilience/configure", R"({"open_wait_s": 1, "fallback_without_copy": "error"})")
                .status,
            200);
  ASSERT_EQ(post("/chaos/configure", R"({"db_failure_rate": 1.0})").status, 200);

  int requests_until_open = 0;
  for (int id = 1; id <= 20 && breaker_state(get("/resilience")) == "CLOSED"; ++id) {
    const HttpReply reply = get("/products/" + std::to_string(id));
    EXPECT_EQ(reply.status, 500) << reply.body;
    EXPECT_NE(field(reply, "detail").find("chaos: injected database failure"), std::string::npos)
        << "a real Postgres error: " << reply.body;
    ++requests_until_open;
  }
  EXPECT_EQ(requests_until_open, 5) << "minimum_calls = 5, failure threshold 50 %";
  ASSERT_EQ(breaker_state(get("/resilience")), "OPEN");

  const auto queries_before = service_->repository().queries_sent();
  for (int id = 100; id < 120; ++id) {
    const auto started = std::chrono::steady_clock::now();
    const HttpReply reply = get("/products/" + std::to_string(id));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(reply.status, 503) << reply.body;
    EXPECT_EQ(field(reply, "error"), "Circuit Open");
    EXPECT_LT(elapsed, 50ms);
  }
  EXPECT_EQ(service_->repository().queries_sent(), queries_before) << "no DB work while OPEN";

  ASSERT_EQ(post("/chaos/configure", R"({"db_failure_rate": 0})").status, 200);
  std::this_thread::sleep_for(1100ms);
  for (int id = 200; id < 203; ++id) EXPECT_EQ(get("/products/" + std::to_string(id)).status, 200);
  const HttpReply after = get("/resilience");
  EXPECT_EQ(breaker_state(after), "CLOSED") << after.body;
  std::vector<std::string> path;
  for (const auto& transition : after.json.at("circuit_breaker").at("transitions").as_array())
    path.push_back(std::string(transition.at("to").as_string()));
  EXPECT_EQ(path, (std::vector<std::string>{"OPEN", "HALF_OPEN", "CLOSED"})) << after.body;
  const auto& opened = after.json.at("circuit_breaker").at("transitions").as_array()[0];
  EXPECT_NE(std::string(opened.at("reason").as_string()).find("failure rate"), std::string::npos);
  EXPECT_EQ(opened.at("window").as_array().size(), 5u) << "the window as it stood";
}

TEST_F(ChaosTest, ResilienceResetClosesAnOpenBreaker) {
  ASSERT_EQ(post("/chaos/configure", R"({"db_failure_rate": 1.0})").status, 200);
  for (int id = 1; id <= 5; ++id) get("/products/" + std::to_string(id));
  ASSERT_EQ(breaker_state(get("/resilience")), "OPEN");
  ASSERT_EQ(post("/chaos/reset").status, 200);
  const HttpReply reset = post("/resilience/reset");
  EXPECT_EQ(breaker_state(reset), "CLOSED") << reset.body;
  EXPECT_EQ(source_of(get("/products/6")), "database");
}

// Guide, Part 4.1: DB latency with pool timeout 0 — 5 lookups hold the 5 connections, 5 fail fast.
TEST_F(ChaosTest, PoolExhaustionFailsTheOverflowAtOnceWhileFiveConnectionsSleepInPostgres) {
  ASSERT_EQ(post("/resilience/configure", R"({"db_pool_timeout_s": 0})").status, 200);
  // 1.5 s stays under the breaker's 2 s slow-call threshold, so only exhaustion could open it.
  ASSERT_EQ(post("/chaos/configure", R"({"db_latency": 1.5, "saturation_ms_per_query": 0})").status,
            200);
  ASSERT_EQ(post("/chaos/clear_cache").status, 200);
  const std::string before = get("/metrics").body;

  auto bulk = std::async(std::launch::async,
                         [&] { return get("/products/bulk/test?requests=10&seed=11"); });
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(sleeping_backends(), 5) << "latency is spent inside Postgres, on pooled connections";
  const HttpReply extra = get("/products/9999");
  EXPECT_EQ(extra.status, 503) << extra.body;
  EXPECT_EQ(field(extra, "error"), "Pool Exhausted");
  EXPECT_EQ(field(extra, "pool"), R"({"active":5,"size":5,"waiting":0})") << extra.body;

  const HttpReply result = bulk.get();
  ASSERT_EQ(result.status, 200) << result.body;
  int served = 0, exhausted = 0;
  for (const auto& row : result.json.at("results").as_array()) {
    const double ms = row.at("latency_ms").to_number<double>();
    if (row.at("status").to_number<int>() == 200) {
      ++served;
      EXPECT_GE(ms, 1400) << "held a connection for the latency";
    } else {
      ++exhausted;
      EXPECT_EQ(row.at("status").to_number<int>(), 503);
      EXPECT_EQ(row.at("error").as_string(), "Pool Exhausted");
      EXPECT_LT(ms, 500) << "failed at once";
    }
  }
  EXPECT_EQ(served, 5) << result.body;
  EXPECT_EQ(exhausted, 5) << result.body;
  EXPECT_EQ(result.json.at("summary").at("failed").to_number<int>(), 5) << result.body;

  // Where the guide's error-rate panel looks: each inner lookup under its own outcome, beside the
  // one real GET /products/9999 above.
  const std::string after = get("/metrics").body;
  EXPECT_EQ(sample(after, product_requests("503")) - sample(before, product_requests("503")), 6)
      << after;
  EXPECT_EQ(sample(after, product_requests("200")) - sample(before, product_requests("200")), 5);
  EXPECT_EQ(result.json.at("summary").at("breaker_after").as_string(), "CLOSED")
      << "pool exhaustion is not a database failure (5 of 10 would have opened it)";
}

// Guide, Part 4.2: breaker OPEN — seen ids come back stale, never-seen ids as emergency records
// (503 again when the fallback is set to `error`).
TEST_F(ChaosTest, OpenBreakerServesStaleCopiesOfSeenProductsAndEmergencyRecordsOfOthers) {
  for (int id : {21, 22, 23})
    ASSERT_EQ(source_of(get("/products/" + std::to_string(id))), "database");
  ASSERT_EQ(post("/chaos/clear_cache").status, 200);  // the fresh copies go, the stale ones stay
  ASSERT_EQ(post("/resilience/configure", R"({"mode": "forced_open"})").status, 200);

  for (int id : {21, 22, 23}) {
    const HttpReply reply = get("/products/" + std::to_string(id));
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(source_of(reply), "fallback_emergency");
    EXPECT_EQ(field(reply, "stale"), "true");
    EXPECT_GE(reply.json.at("stale_age_s").to_number<double>(), 0.0);
    EXPECT_EQ(reply.json.at("id").to_number<int>(), id);
  }
  expect_emergency_record(get("/products/24"), 24);
  // The database cannot be asked, so an id without a row is no different.
  expect_emergency_record(get("/products/99999999"), 99999999);
  const HttpReply forced = get("/resilience");
  EXPECT_EQ(breaker_state(forced), "OPEN") << "the state the guide filters on";
  EXPECT_EQ(forced.json.at("circuit_breaker").at("forced"), true) << forced.body;

  ASSERT_EQ(post("/resilience/configure", R"({"fallback_without_copy": "error"})").status, 200);
  const HttpReply unseen = get("/products/25");
  EXPECT_EQ(unseen.status, 503) << unseen.body;
  EXPECT_EQ(field(unseen, "error"), "Circuit Open");
  EXPECT_NE(field(unseen, "detail").find("(forced open)"), std::string::npos) << unseen.body;
  EXPECT_EQ(source_of(get("/products/21")), "fallback_emergency") << "a stale copy still serves";

  // Redis down as well: the in-process copy still answers.
  TestServers::instance().stop_redis();
  EXPECT_EQ(source_of(get("/products/22")), "fallback_emergency");
  TestServers::instance().start_redis();

  ASSERT_EQ(post("/resilience/configure", R"({"fallback_enabled": false})").status, 200);
  EXPECT_EQ(get("/products/21").status, 503) << "without the fallback, the failure stands";
}

// Guide, Part 4.2 exactly as written: 100 % DB errors, then a request for a product never read
// answers 200 with emergency data, before the breaker opens and after; `error` brings back 503.
TEST_F(ChaosTest, GuidePart42SequenceAnswers200WithEmergencyData) {
  ASSERT_EQ(post("/chaos/configure", R"({"db_failure_rate": 1.0})").status, 200);
  expect_emergency_record(get("/products/4242"), 4242);
  for (int id = 4300; id < 4320 && breaker_state(get("/resilience")) != "OPEN"; ++id)
    expect_emergency_record(get("/products/" + std::to_string(id)), id);
  ASSERT_EQ(breaker_state(get("/resilience")), "OPEN");
  expect_emergency_record(get("/products/4343"), 4343);
  const std::string metrics = get("/metrics").body;
  EXPECT_GE(sample(metrics, R"(catalog_fallback_total{answer="emergency"})"), 6) << metrics;
  EXPECT_EQ(sample(metrics, R"(catalog_fallback_total{answer="stale"})"), 0);

  ASSERT_EQ(post("/resilience/configure", R"({"fallback_without_copy": "error"})").status, 200);
  const HttpReply failed = get("/products/4444");
  EXPECT_EQ(failed.status, 503) << failed.body;
  EXPECT_EQ(field(failed, "error"), "Circuit Open");
}

// Guide, Part 4.3: the leak really grows RSS and is given back.
TEST_F(ChaosTest, LeakGrowsResidentMemoryAndDeleteFreesIt) {
  const long before = resident_kib();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(post("/chaos/leak").status, 200);
  const HttpReply state = get("/chaos");
  EXPECT_EQ(state.json.at("leak").at("size_mb").to_number<int>(), 30) << state.body;
  EXPECT_GE(resident_kib() - before, 25 * 1024);
  const HttpReply freed = del("/chaos/leak");
  EXPECT_EQ(freed.json.at("freed_mb").to_number<int>(), 30) << freed.body;
  EXPECT_EQ(get("/chaos").json.at("leak").at("size_mb").to_number<int>(), 0);
  EXPECT_LT(resident_kib() - before, 10 * 1024) << "the memory went back to the system";
}

TEST_F(ChaosTest, LeakBeyondTheCapIsAConflictAndAddsNothing) {
  service_->stop();
  flags_["leak-cap-mb"] = "25";
  SetUp();
  EXPECT_EQ(post("/chaos/leak", R"({"mb": 20})").status, 200);
  const HttpReply over = post("/chaos/leak", R"({"mb": 10})");
  EXPECT_EQ(over.status, 409) << over.body;
  EXPECT_EQ(get("/chaos").json.at("leak").at("size_mb").to_number<int>(), 20);
  del("/chaos/leak");
}

// Dependency faults need `sre-lab up` (test_cli_up_supervision.cpp): a standalone service says
// so, and one whose `up` is gone says that.
TEST_F(ChaosTest, DependencyFaultsWithoutUpAre409AndWithUpGone503) {
  HttpReply reply = post("/chaos/dependency", R"({"redis": "kill"})");
  EXPECT_EQ(reply.status, 409) << reply.body;
  EXPECT_NE(reply.body.find("sre-lab up"), std::string::npos) << reply.body;
  EXPECT_EQ(get("/chaos/dependency").json.at("supervised"), false);
  EXPECT_EQ(post("/chaos/dependency", R"({"redis": "reboot"})").status, 422);

  service_->stop();
  flags_["control-socket"] = "/tmp/sre-lab-no-such-up.sock";
  SetUp();
  reply = post("/chaos/dependency", R"({"postgres": "pause", "duration_s": 5})");
  EXPECT_EQ(reply.status, 503) << reply.body;
  EXPECT_NE(reply.body.find("/tmp/sre-lab-no-such-up.sock"), std::string::npos) << reply.body;
  EXPECT_EQ(get("/chaos/dependency").status, 503);
  EXPECT_EQ(get("/products/3").status, 200);  // the rest of the service does not care
}

TEST_F(ChaosTest, DurationRevertsTheFaultsByThemselves) {
  const HttpReply set = post("/chaos/configure", R"({"db_failure_rate": 1, "duration_s": 1})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_TRUE(set.json.at("expires_at").is_string()) << set.body;
  EXPECT_EQ(source_of(get("/products/31")), "fallback_emergency") << "the failure is on";
  std::this_thread::sleep_for(1200ms);
  const HttpReply after = get("/chaos");
  EXPECT_EQ(after.json.at("settings").at("db_failure_rate").to_number<double>(), 0.0) << after.body;
  EXPECT_TRUE(after.json.at("expires_at").is_null());
  EXPECT_EQ(source_of(get("/products/32")), "database");
}

TEST_F(ChaosTest, TheSameSeedFailsTheSameRequests) {
  ASSERT_EQ(
      post("/resilience/configure", R"({"mode": "disabled", "fallback_enabled": false})").status,
      200);
  auto run = [&] {
    TestServers::instance().flush_redis();
    EXPECT_EQ(post("/chaos/configure", R"({"db_failure_rate": 0.5, "seed": 7})").status, 200);
    std::string pattern;
    for (int id = 40; id < 70; ++id)
      pattern += get("/products/" + std::to_string(id)).status == 200 ? '.' : 'x';
    return pattern;
  };
  const std::string first = run();
  const std::string second = run();
  EXPECT_EQ(first, second);
  EXPECT_NE(first.find('x'), std::string::npos) << first;
  EXPECT_NE(first.find('.'), std::string::npos) << first;
}

// Every rejected admin request answers with the right 4xx and JSON, and changes nothing.
TEST_F(ChaosTest, BadAdminRequestsAreRejectedAndChangeNothing) {
  struct Case {
    const char* method;
    const char* target;
    const char* body;
    int status;
    const char* names;  // in the detail or key
  };
  const Case cases[] = {
      {"POST", "/chaos/configure", R"({"db_latency": 61})", 422, "db_latency"},
      {"POST", "/chaos/configure", R"({"db_latency": -1})", 422, "db_latency"},
      {"POST", "/chaos/configure", R"({"db_latency": "2"})", 422, "db_latency"},
      {"POST", "/chaos/configure", R"({"db_failure_rate": 1.5})", 422, "db_failure_rate"},
      {"POST", "/chaos/configure", R"({"db_failure_rate": true})", 422, "db_failure_rate"},
      {"POST", "/chaos/configure", R"({"cache_latency": 11})", 422, "cache_latency"},
      {"POST", "/chaos/configure", R"({"cache_failure_rate": -0.1})", 422, "cache_failure_rate"},
      {"POST", "/chaos/configure", R"({"saturation_ms_per_query": -5})", 422,
       "saturation_ms_per_query"},
      {"POST", "/chaos/configure", R"({"duration_s": 0})", 422, "duration_s"},
      {"POST", "/chaos/configure", R"({"seed": -1})", 422, "seed"},
      {"POST", "/chaos/configure", R"({"seed": 1.5})", 422, "seed"},
      {"POST", "/chaos/configure", R"({"db_latency": 1, "bogus": 2})", 422, "bogus"},
      {"POST", "/chaos/configure", R"({"db_latency": null})", 422, "db_latency"},
      {"POST", "/chaos/configure", R"({"db_latency": [1]})", 422, "db_latency"},
      {"POST", "/chaos/configure", R"({"db_latency": 1e999})", 422, "db_latency"},
      {"POST", "/chaos/configure", R"({"db_latency": 1)", 400, "JSON"},
      {"POST", "/chaos/configure", R"([1, 2])", 400, "JSON object"},
      {"POST", "/chaos/configure", "not json", 400, "JSON"},
      {"POST", "/chaos/clear_cache", R"({"include_stale": "yes"})", 422, "include_stale"},
      {"POST", "/chaos/clear_cache", R"({"everything": true})", 422, "everything"},
      {"POST", "/chaos/leak", R"({"mb": 0})", 422, "mb"},
      {"POST", "/chaos/leak", R"({"mb": 257})", 422, "mb"},
      {"POST", "/chaos/leak", R"({"mb": "10"})", 422, "mb"},
      {"POST", "/resilience/configure", R"({"failure_rate_threshold": 0})", 422,
       "failure_rate_threshold"},
      {"POST", "/resilience/configure", R"({"failure_rate_threshold": 1.01})", 422,
       "failure_rate_threshold"},
      {"POST", "/resilience/configure", R"({"window_size": 0})", 422, "window_size"},
      {"POST", "/resilience/configure", R"({"minimum_calls": 11})", 422, "minimum_calls"},
      {"POST", "/resilience/configure", R"({"mode": "sideways"})", 422, "mode"},
      {"POST", "/resilience/configure", R"({"db_pool_timeout_s": 61})", 422, "db_pool_timeout_s"},
      {"POST", "/resilience/configure", R"({"fallback_enabled": 1})", 422, "fallback_enabled"},
      {"POST", "/resilience/configure", R"({"fallback_without_copy": "503"})", 422,
       "fallback_without_copy"},
      {"POST", "/resilience/configure", R"({"open_wait_s": -1})", 422, "open_wait_s"},
      {"POST", "/resilience/configure", "{", 400, "JSON"},
      {"GET", "/products/bulk/test?requests=0", "", 422, "requests"},
      {"GET", "/products/bulk/test?requests=1001", "", 422, "requests"},
      {"GET", "/products/bulk/test?requests=abc", "", 422, "requests"},
      {"GET", "/products/bulk/test?requests=5&concurrency=6", "", 422, "concurrency"},
      {"GET", "/products/bulk/test?id_min=10&id_max=5", "", 422, "id_min"},
      {"GET", "/products/bulk/test?bogus=1", "", 422, "bogus"},
      {"PUT", "/chaos/configure", "{}", 405, "POST"},
  };
  const std::string chaos_before = boost::json::serialize(get("/chaos").json.at("settings"));
  const std::string resilience_before =
      boost::json::serialize(get("/resilience").json.at("settings"));
  for (const Case& c : cases) {
    const auto verb = boost::beast::http::string_to_verb(c.method);
    const HttpReply reply = HttpClient(service_->port()).request(verb, c.target, c.body);
    EXPECT_EQ(reply.status, c.status) << c.target << " " << c.body << " → " << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    const std::string said = field(reply, "detail") + " " + field(reply, "key");
    EXPECT_NE(said.find(c.names), std::string::npos) << c.body << " → " << reply.body;
    EXPECT_EQ(boost::json::serialize(get("/chaos").json.at("settings")), chaos_before) << c.body;
    EXPECT_EQ(boost::json::serialize(get("/resilience").json.at("settings")), resilience_before)
        << c.body;
  }
}

class PublicBindTest : public ServiceTest {
 protected:
  PublicBindTest() { flags_["host"] = "0.0.0.0"; }
};

TEST_F(PublicBindTest, AdminEndpointsAreClosedWithoutATokenButProductsServe) {
  EXPECT_EQ(get("/products/1").status, 200);
  for (const char* target : {"/chaos", "/resilience", "/products/bulk/test?requests=1"}) {
    const HttpReply reply = get(target);
    EXPECT_EQ(reply.status, 403) << target;
    EXPECT_NE(field(reply, "detail").find("SRE_LAB_ADMIN_TOKEN"), std::string::npos) << reply.body;
  }
  EXPECT_EQ(post("/chaos/configure", R"({"db_failure_rate": 1})").status, 403);
  EXPECT_EQ(get("/chaos").status, 403);
  EXPECT_EQ(get("/products/2").status, 200) << "the refused request changed nothing";
}

class TokenTest : public ServiceTest {
 protected:
  TokenTest() {
    flags_["host"] = "0.0.0.0";
    flags_["admin-token"] = "s3cret-token";
  }
};

TEST_F(TokenTest, AdminEndpointsNeedTheBearerToken) {
  EXPECT_EQ(get("/chaos").status, 401);
  auto with = [&](const std::string& token) {
    namespace http = boost::beast::http;
    boost::asio::io_context context;
    boost::asio::ip::tcp::socket socket(context);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), service_->port()});
    http::request<http::string_body> request{http::verb::get, "/chaos", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::authorization, "Bearer " + token);
    http::write(socket, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return response.result_int();
  };
  EXPECT_EQ(with("wrong"), 401u);
  EXPECT_EQ(with("s3cret-token"), 200u);
}

}  // namespace
}  // namespace srelab::app
