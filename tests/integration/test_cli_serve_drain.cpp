// `sre-lab serve` stopped by SIGTERM while requests wait on Postgres (the chaos DB latency, a
// pg_sleep on the pooled connection): a request that finishes within --drain-timeout gets its
// answer; one that does not gets 503 JSON with Connection: close at the deadline, its query is
// cancelled, the process exits 0 and Postgres is left with no backend working for it.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lab/ports.hpp"
#include "lab/process.hpp"
#include "support/http_client.hpp"
#include "support/test_servers.hpp"

namespace srelab {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// What one client saw: the answer, or the exception a reset or EOF raised, and when.
struct Outcome {
  testing::HttpReply reply;
  std::string failure;
  Clock::time_point at;
};

class ServeDrain : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& servers = testing::TestServers::instance();
    servers.flush_redis();  // every product read below is a cache miss: it waits on Postgres
    char pattern[] = "/tmp/sre-lab-drain-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    port_ = lab::pick_free_port();
    // Its own application_name: pg_stat_activity then shows this service's backends only.
    database_url_ = servers.database_url() + "?application_name=" + kApplication;
  }
  void TearDown() override {
    join_clients();
    if (service_.pid() > 0 && service_.running()) service_.stop(SIGKILL);
    if (HasFailure()) std::fprintf(stderr, "the service's output:\n%s\n", log().c_str());
    fs::remove_all(dir_);
  }

  void start(const std::string& drain_timeout) {
    lab::SpawnOptions options;
    options.argv = {SRE_LAB_BINARY,
                    "serve",
                    "--port=" + std::to_string(port_),
                    "--threads=2",
                    "--database-url=" + database_url_,
                    "--redis-url=" + testing::TestServers::instance().redis_url(),
                    "--drain-timeout=" + drain_timeout,
                    "--dogstatsd=off",
                    "--trace-enabled=false"};
    options.log_file = dir_ / "serve.log";
    auto spawned = lab::Process::spawn(options);
    ASSERT_TRUE(spawned);
    service_ = std::move(*spawned);
    const auto until = Clock::now() + 20s;
    while (Clock::now() < until && ready_status() != 200) std::this_thread::sleep_for(100ms);
    ASSERT_EQ(ready_status(), 200) << log();
  }

  int ready_status() {
    try {
      return testing::HttpClient(port_).get("/readyz").status;
    } catch (const std::exception&) {
      return 0;
    }
  }

  void set_db_latency(double seconds) {
    testing::HttpClient client(port_);
    const auto reply = client.request(boost::beast::http::verb::post, "/chaos/configure",
                                      "{\"db_latency\": " + std::to_string(seconds) + "}");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }

  // One client thread per id, each on its own connection.
  void send_product_requests(const std::vector<int>& ids) {
    outcomes_.resize(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      clients_.emplace_back([this, i, id = ids[i]] {
        try {
          outcomes_[i].reply = testing::HttpClient(port_).get("/products/" + std::to_string(id));
        } catch (const std::exception& e) {
          outcomes_[i].failure = e.what();
        }
        outcomes_[i].at = Clock::now();
      });
    }
  }

  void join_clients() {
    for (std::thread& client : clients_) client.join();
    clients_.clear();
  }

  // This service's backends running the chaos sleep now, as Postgres itself reports them.
  int sleeping_backends() {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(
        PQconnectdb(testing::TestServers::instance().database_url().c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) return -1;
    const std::string sql =
        std::string("SELECT count(*) FROM pg_stat_activity WHERE application_name = '") +
        kApplication + "' AND state = 'active' AND query LIKE '%pg_sleep%'";
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), &PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) return -1;
    return std::stoi(PQgetvalue(result.get(), 0, 0));
  }

  bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto until = Clock::now() + limit;
    while (Clock::now() < until) {
      if (done()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return done();
  }

  std::string log() const {
    std::FILE* file = std::fopen((dir_ / "serve.log").c_str(), "r");
    if (file == nullptr) return {};
    std::string text;
    char chunk[4096];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, file)) > 0;) text.append(chunk, n);
    std::fclose(file);
    return text;
  }

  static constexpr const char* kApplication = "sre-lab-drain-test";
  fs::path dir_;
  std::uint16_t port_ = 0;
  std::string database_url_;
  lab::Process service_;
  std::vector<std::thread> clients_;
  std::vector<Outcome> outcomes_;
};

TEST_F(ServeDrain, RequestsPastTheDeadlineAre503AndTheirQueriesCancelled) {
  start("1");
  set_db_latency(10);
  send_product_requests({101, 202, 303});
  ASSERT_TRUE(eventually([&] { return sleeping_backends() == 3; }, 10s)) << sleeping_backends();

  const auto signalled = Clock::now();
  ASSERT_EQ(::kill(service_.pid(), SIGTERM), 0);
  join_clients();
  const auto status = service_.wait(15s);

  for (const Outcome& outcome : outcomes_) {
    ASSERT_TRUE(outcome.failure.empty())
        << "a reset or EOF instead of an answer: " << outcome.failure << "\n"
        << log();
    EXPECT_EQ(outcome.reply.status, 503) << outcome.reply.body;
    EXPECT_EQ(outcome.reply.header("Connection"), "close");
    EXPECT_EQ(outcome.reply.header("Content-Type").rfind("application/json", 0), 0u);
    ASSERT_TRUE(outcome.reply.json.is_object()) << outcome.reply.body;
    EXPECT_EQ(outcome.reply.json.at("error").as_string(), "Service Unavailable");
    EXPECT_NE(outcome.reply.body.find("did not finish within the drain timeout (1 s)"),
              std::string::npos)
        << outcome.reply.body;
    // Answered at the 1 s deadline, far from the 10 s the query would have slept: a generous
    // bound, not a measure of speed.
    EXPECT_LT(outcome.at - signalled, 6s);
  }
  ASSERT_TRUE(status) << "still running 15 s after SIGTERM\n" << log();
  EXPECT_EQ(*status, 0) << log();
  EXPECT_NE(log().find("answered 503 and their queries cancelled"), std::string::npos) << log();
  // The sleeps were cancelled, not left to run out their 10 s after the service exited.
  EXPECT_TRUE(eventually([&] { return sleeping_backends() == 0; }, 3s)) << sleeping_backends();
}

TEST_F(ServeDrain, RequestsFinishingWithinTheDrainGetTheirAnswers) {
  start("5");
  set_db_latency(1.5);
  send_product_requests({404, 505});
  ASSERT_TRUE(eventually([&] { return sleeping_backends() == 2; }, 10s)) << sleeping_backends();

  ASSERT_EQ(::kill(service_.pid(), SIGTERM), 0);
  join_clients();
  const auto status = service_.wait(15s);

  for (const Outcome& outcome : outcomes_) {
    ASSERT_TRUE(outcome.failure.empty()) << outcome.failure << "\n" << log();
    EXPECT_EQ(outcome.reply.status, 200) << outcome.reply.body;
    EXPECT_EQ(outcome.reply.header("Connection"), "close") << "the service is stopping";
    ASSERT_TRUE(outcome.reply.json.is_object()) << outcome.reply.body;
    EXPECT_EQ(outcome.reply.json.at("source").as_string(), "database");
  }
  ASSERT_TRUE(status) << log();
  EXPECT_EQ(*status, 0) << log();
  EXPECT_EQ(log().find("answered 503"), std::string::npos) << log();
}

}  // namespace
}  // namespace srelab
