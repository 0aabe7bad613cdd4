// `sre-lab up` supervising its children, on free loopback ports: Redis, Postgres or the service
// SIGKILLed under light load is restarted after its backoff while the service keeps answering;
// POST /chaos/dependency pauses Redis (resumed by its guardrail) and stops and starts Postgres;
// `--restart never` ends the lab on the first death. Each test prints the recovery times it
// measured ("recovery: ..."), the figures docs/ quotes.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>

#include "lab/ports.hpp"
#include "lab/process.hpp"
#include "support/cli_run.hpp"
#include "support/http_client.hpp"

namespace srelab {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Verb = boost::beast::http::verb;
using Steady = std::chrono::steady_clock;

// One request on a connection of its own; status -1 when the service did not answer at all.
testing::HttpReply call(std::uint16_t port, Verb verb, const std::string& target,
                        const std::string& body = {}) {
  try {
    return testing::HttpClient(port).request(verb, target, body);
  } catch (const std::exception& error) {
    testing::HttpReply reply;
    reply.status = -1;
    reply.body = error.what();
    return reply;
  }
}

testing::HttpReply get(std::uint16_t port, const std::string& target) {
  return call(port, Verb::get, target);
}

std::string text_at(const testing::HttpReply& reply, const char* key) {
  if (!reply.json.is_object()) return {};
  const auto* value = reply.json.as_object().if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

// Light load while a test breaks things: a GET of a product every 20 ms, ids 1..200 in turn,
// counting the answers by status (-1: no answer: the service died or hung up).
class LightLoad {
 public:
  explicit LightLoad(std::uint16_t port)
      : thread_([this, port](std::stop_token stop) {
          for (int i = 0; !stop.stop_requested(); ++i) {
            const int status = get(port, "/products/" + std::to_string(1 + i % 200)).status;
            {
              std::lock_guard lock(mutex_);
              ++statuses_[status];
            }
            std::this_thread::sleep_for(20ms);
          }
        }) {}
  std::map<int, int> stop() {
    thread_.request_stop();
    thread_.join();
    std::lock_guard lock(mutex_);
    return statuses_;
  }

 private:
  std::mutex mutex_;
  std::map<int, int> statuses_;
  std::jthread thread_;
};

// `pid` and its descendants, from /proc.
std::vector<pid_t> process_tree(pid_t pid) {
  std::vector<pid_t> out{pid};
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream children(task.path() / "children");
    for (pid_t child; children >> child;)
      for (pid_t below : process_tree(child)) out.push_back(below);
  }
  return out;
}

// The state letter of /proc/PID/stat: 'T' for stopped.
char state_of_process(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(") ");
  return close == std::string::npos ? '?' : stat[close + 2];
}

std::string describe(const std::map<int, int>& statuses) {
  std::string out;
  for (const auto& [status, count] : statuses)
    out += std::to_string(status) + ": " + std::to_string(count) + "  ";
  return out;
}

class UpSupervisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sre-lab-supervise-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::permissions(dir_, fs::perms(0755));
  }
  void TearDown() override {
    if (up_.pid() > 0 && up_.running()) up_.stop(SIGTERM, 60s);
    if (HasFailure()) std::fprintf(stderr, "%s\n", testing::read_text(dir_ / "up.log").c_str());
    fs::remove_all(dir_);
  }

  void start(std::vector<std::string> extra = {}) {
    lab::SpawnOptions options;
    options.argv = {SRE_LAB_BINARY,
                    "up",
                    "--state-dir=" + (dir_ / "lab").string(),
                    "--port=" + std::to_string(port_),
                    "--pg-port=" + std::to_string(lab::pick_free_port()),
                    "--redis-port=" + std::to_string(lab::pick_free_port()),
                    "--gateway=off",
                    "--threads=1",
                    "--products=1000",
                    "--dogstatsd=off",
                    "--trace-agent-url=http://127.0.0.1:" + std::to_string(lab::pick_free_port())};
    options.argv.insert(options.argv.end(), extra.begin(), extra.end());
    options.log_file = dir_ / "up.log";
    auto process = lab::Process::spawn(options);
    ASSERT_TRUE(process);
    up_ = std::move(*process);
    ASSERT_TRUE(testing::answers_ready(up_, port_, 90s)) << testing::read_text(dir_ / "up.log");
  }

  boost::json::object supervisor_view() {
    const auto reply = get(port_, "/chaos/dependency");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json.is_object() ? reply.json.as_object() : boost::json::object{};
  }
  boost::json::object child(const char* group, const char* name) {
    const auto view = supervisor_view();
    const auto* children = view.if_contains(group);
    const auto* one =
        children && children->is_object() ? children->as_object().if_contains(name) : nullptr;
    return one && one->is_object() ? one->as_object() : boost::json::object{};
  }
  pid_t dependency_pid(const char* name) {
    const auto one = child("dependencies", name);
    return one.contains("pid") && one.at("pid").is_int64()
               ? static_cast<pid_t>(one.at("pid").as_int64())
               : -1;
  }
  std::string state_of(const char* name) {
    const auto one = child("dependencies", name);
    return one.contains("state") ? std::string(one.at("state").as_string()) : std::string();
  }

  // /readyz answers `status` and, for a 503, names `dependency` in its detail.
  bool readiness_is(int status, const std::string& dependency = {}) {
    const auto reply = get(port_, "/readyz");
    return reply.status == status &&
           (dependency.empty() || text_at(reply, "detail").find(dependency) != std::string::npos);
  }

  // A product asked twice: whether the second answer came from the cache.
  bool cached(int id) {
    const std::string path = "/products/" + std::to_string(id);
    return get(port_, path).status == 200 && text_at(get(port_, path), "source") == "cache";
  }

  testing::HttpReply act(const std::string& body) {
    return call(port_, Verb::post, "/chaos/dependency", body);
  }

  fs::path dir_;
  std::uint16_t port_ = lab::pick_free_port();
  lab::Process up_;
};

TEST_F(UpSupervisionTest, ARedisKilledUnderLoadIsRestartedAndCachingResumes) {
  start();
  ASSERT_TRUE(cached(5));
  const pid_t redis = dependency_pid("redis");
  ASSERT_GT(redis, 0);
  LightLoad load(port_);
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(::kill(redis, SIGKILL), 0);
  const auto killed = Steady::now();

  EXPECT_TRUE(testing::eventually([&] { return readiness_is(503, "redis"); }, 3s));
  const auto product = get(port_, "/products/7");
  EXPECT_EQ(product.status, 200) << product.body;  // from Postgres meanwhile
  ASSERT_TRUE(testing::eventually([&] { return readiness_is(200); }, 15s));
  const double ready_after = seconds_since(killed);
  int id = 300;
  ASSERT_TRUE(testing::eventually([&] { return cached(++id); }, 15s));
  const double caching_after = seconds_since(killed);
  const auto statuses = load.stop();

  // Every product request was answered 200 (from Postgres while Redis was away).
  EXPECT_EQ(statuses.size(), 1u) << describe(statuses);
  EXPECT_GT(statuses.count(200) ? statuses.at(200) : 0, 0);
  const auto redis_now = child("dependencies", "redis");
  EXPECT_EQ(redis_now.at("state"), "running");
  EXPECT_EQ(redis_now.at("restarts"), 1);
  EXPECT_EQ(redis_now.at("last_exit"), "killed by SIGKILL");
  EXPECT_NE(dependency_pid("redis"), redis);
  const std::string printed = testing::read_text(dir_ / "up.log");
  EXPECT_NE(printed.find("sre-lab up: Redis (pid " + std::to_string(redis) +
                         ") killed by SIGKILL; restarting in 1 s (restart 1)"),
            std::string::npos)
      << printed;
  // The service logged it too (its JSON log, which the console shows), from the watch channel.
  EXPECT_TRUE(testing::eventually(
      [&] {
        const std::string log = testing::read_text(dir_ / "lab" / "sre-lab.log");
        return log.find(R"("logger":"lab.supervisor")") != std::string::npos &&
               log.find(R"("dependency":"redis")") != std::string::npos &&
               log.find("Redis restarted") != std::string::npos;
      },
      5s))
      << testing::read_text(dir_ / "lab" / "sre-lab.log");
  std::printf(
      "recovery: Redis SIGKILL -> /readyz 200 after %.1f s, caching after %.1f s; load %s\n",
      ready_after, caching_after, describe(statuses).c_str());
}

TEST_F(UpSupervisionTest, APostgresKilledUnderLoadIsRestartedAndNeverSeenIdsServedAgain) {
  start();
  for (int id = 1; id <= 20; ++id) ASSERT_TRUE(cached(id));
  const pid_t postgres = dependency_pid("postgres");
  ASSERT_GT(postgres, 0);
  LightLoad load(port_);
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(::kill(postgres, SIGKILL), 0);
  const auto killed = Steady::now();

  EXPECT_TRUE(testing::eventually([&] { return readiness_is(503, "postgres"); }, 3s));
  const auto hit = get(port_, "/products/3");
  EXPECT_EQ(hit.status, 200) << hit.body;
  EXPECT_EQ(text_at(hit, "source"), "cache");
  const auto miss = get(port_, "/products/900");
  std::printf("while Postgres is down: a cached id %d (%s), a never-seen id %d %s\n", hit.status,
              text_at(hit, "source").c_str(), miss.status, miss.body.c_str());
  EXPECT_NE(miss.status, -1);

  ASSERT_TRUE(testing::eventually([&] { return readiness_is(200); }, 40s));
  const double ready_after = seconds_since(killed);
  int id = 500;
  ASSERT_TRUE(testing::eventually(
      [&] {
        const auto fresh = get(port_, "/products/" + std::to_string(++id));
        return fresh.status == 200 && text_at(fresh, "source") == "database";
      },
      60s));
  const double database_after = seconds_since(killed);
  const auto statuses = load.stop();

  // The service never stopped answering: 200 (cache, or a stale copy) or a JSON 503.
  EXPECT_EQ(statuses.count(-1), 0u) << describe(statuses);
  for (const auto& [status, count] : statuses)
    EXPECT_TRUE(status == 200 || status == 503) << describe(statuses);
  EXPECT_EQ(child("dependencies", "postgres").at("restarts"), 1);
  // The catalog was not seeded again: the cluster and its rows came back as they were.
  EXPECT_EQ(get(port_, "/products/1000").status, 200);
  std::printf(
      "recovery: Postgres SIGKILL -> /readyz 200 after %.1f s, never-seen ids from Postgres "
      "after %.1f s; load %s\n",
      ready_after, database_after, describe(statuses).c_str());
}

TEST_F(UpSupervisionTest, TheEndpointPausesRedisUntilItsGuardrailAndStopsAndStartsPostgres) {
  start();
  auto reply = act(R"({"redis":"pause","duration_s":2})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto& paused = reply.json.at("dependencies").at("redis");
  EXPECT_EQ(paused.at("action"), "pause");
  EXPECT_EQ(paused.at("state"), "paused");
  EXPECT_EQ(paused.at("reverts_in_s").to_number<double>(), 2.0);
  const auto paused_at = Steady::now();

  // A paused Redis hangs: each command waits out the Redis timeout (0.5 s), then Postgres answers.
  const auto asked = Steady::now();
  const auto product = get(port_, "/products/11");
  const double product_took = seconds_since(asked);
  EXPECT_EQ(product.status, 200) << product.body;
  EXPECT_EQ(text_at(product, "source"), "database");
  const auto ready_asked = Steady::now();
  EXPECT_TRUE(readiness_is(503, "redis"));
  const double readyz_took = seconds_since(ready_asked);
  EXPECT_EQ(state_of("redis"), "paused");
  ASSERT_TRUE(testing::eventually([&] { return state_of("redis") == "running"; }, 5s));
  const double resumed_after = seconds_since(paused_at);
  EXPECT_TRUE(testing::eventually([&] { return readiness_is(200); }, 5s));
  EXPECT_TRUE(testing::eventually([&] { return cached(12); }, 5s));

  // Stop: not restarted by the policy; /readyz names it; start brings it back.
  reply = act(R"({"postgres":"stop"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("dependencies").at("postgres").at("state"), "stopped");
  EXPECT_TRUE(testing::eventually([&] { return readiness_is(503, "postgres"); }, 3s));
  std::this_thread::sleep_for(2500ms);  // past the restart backoff: still stopped
  EXPECT_EQ(state_of("postgres"), "stopped");
  reply = act(R"({"postgres":"pause"})");
  EXPECT_EQ(reply.status, 409) << reply.body;
  EXPECT_EQ(text_at(reply, "detail"), "postgres is stopped: nothing to pause");
  const auto starting = Steady::now();
  reply = act(R"({"postgres":"start"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("dependencies").at("postgres").at("state"), "running");
  EXPECT_TRUE(testing::eventually([&] { return readiness_is(200); }, 30s));
  const double start_ready = seconds_since(starting);
  EXPECT_EQ(child("dependencies", "postgres").at("restarts"), 0);  // not crashes

  // Pause reaches every process of Postgres: its backends, in sessions of their own, too.
  reply = act(R"({"postgres":"pause","duration_s":2})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto tree = process_tree(dependency_pid("postgres"));
  EXPECT_GT(tree.size(), 4u) << "the postmaster, its helpers and the pool's backends";
  // A signal takes effect when its process next runs: a busy one is 'R' a moment longer.
  for (pid_t pid : tree)
    EXPECT_TRUE(testing::eventually([&] { return state_of_process(pid) == 'T'; }, 1s))
        << "pid " << pid << " is " << state_of_process(pid);
  ASSERT_TRUE(testing::eventually([&] { return state_of("postgres") == "running"; }, 5s));
  for (pid_t pid : tree) EXPECT_NE(state_of_process(pid), 'T') << "pid " << pid;
  EXPECT_TRUE(testing::eventually([&] { return readiness_is(200); }, 10s));

  EXPECT_EQ(act(R"({"redis":"explode"})").status, 422);
  std::printf(
      "recovery: Redis paused -> GET /products a miss in %.2f s (database), /readyz 503 in "
      "%.2f s; resumed by its guardrail after %.1f s; Postgres start -> /readyz 200 after %.1f "
      "s\n",
      product_took, readyz_took, resumed_after, start_ready);
}

// A paused Postgres hangs instead of refusing: cached ids are answered at once, a miss waits out
// the query timeout (1 s) until the breaker opens, then fails fast; an explicit resume brings
// the database path back once the breaker's open wait has passed. The bounds are generous
// (a loaded machine); the measured figures are printed.
TEST_F(UpSupervisionTest, APausedPostgresBoundsMissesUntilTheBreakerOpensAndAResumeRecovers) {
  start();
  for (int id = 1; id <= 20; ++id) ASSERT_TRUE(cached(id));
  LightLoad load(port_);
  auto reply = act(R"({"postgres":"pause","duration_s":120})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto paused_at = Steady::now();

  auto asked = Steady::now();
  const auto hit = get(port_, "/products/3");
  const double hit_took = seconds_since(asked);
  EXPECT_EQ(hit.status, 200) << hit.body;
  EXPECT_EQ(text_at(hit, "source"), "cache");
  EXPECT_LT(hit_took, 0.5);

  asked = Steady::now();
  const auto miss = get(port_, "/products/901");
  const double miss_took = seconds_since(asked);
  EXPECT_TRUE(miss.status == 200 || miss.status == 503 || miss.status == 504) << miss.body;
  EXPECT_LT(miss_took, 5.0) << "bounded by the query timeout, not the statement timeout (30 s)";
  EXPECT_TRUE(testing::eventually([&] { return readiness_is(503, "postgres"); }, 5s));

  // Ids the load (1..200) and the cache (1..20) never touch, in turn within the catalog (1000):
  // a fallback answer is not cached, so an id may come round again.
  int turn = 0;
  const auto unseen_id = [&turn] { return std::to_string(300 + turn++ % 700); };
  // Once the breaker is open, a miss no longer waits for the database.
  double fast_miss = 0;
  EXPECT_TRUE(testing::eventually(
      [&] {
        const auto start = Steady::now();
        const auto answer = get(port_, "/products/" + unseen_id());
        fast_miss = seconds_since(start);
        return answer.status != -1 && fast_miss < 0.3;
      },
      30s));
  const double fast_after = seconds_since(paused_at);

  reply = act(R"({"postgres":"resume"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("dependencies").at("postgres").at("state"), "running");
  const auto resumed = Steady::now();
  EXPECT_TRUE(testing::eventually([&] { return readiness_is(200); }, 15s));
  const double ready_after = seconds_since(resumed);
  ASSERT_TRUE(testing::eventually(
      [&] {
        const auto fresh = get(port_, "/products/" + unseen_id());
        return fresh.status == 200 && text_at(fresh, "source") == "database";
      },
      60s));
  const double database_after = seconds_since(resumed);
  const auto statuses = load.stop();
  EXPECT_EQ(statuses.count(-1), 0u) << "the service always answered: " << describe(statuses);
  EXPECT_EQ(child("dependencies", "postgres").at("restarts"), 0);
  std::printf(
      "recovery: Postgres paused -> a cached id in %.2f s, a miss in %.2f s, misses fast (%.2f s) "
      "%.1f s after the pause; resumed -> /readyz 200 after %.1f s, never-seen ids from Postgres "
      "after %.1f s; load %s\n",
      hit_took, miss_took, fast_miss, fast_after, ready_after, database_after,
      describe(statuses).c_str());
}

// A stopped Redis refuses at once: every lookup from Postgres, /readyz names Redis; start brings
// caching back.
TEST_F(UpSupervisionTest, AStoppedRedisServesFromPostgresUntilStarted) {
  start();
  LightLoad load(port_);
  auto reply = act(R"({"redis":"stop"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("dependencies").at("redis").at("state"), "stopped");
  EXPECT_TRUE(testing::eventually([&] { return readiness_is(503, "redis"); }, 3s));
  const auto asked = Steady::now();
  const auto product = get(port_, "/products/15");
  const double took = seconds_since(asked);
  EXPECT_EQ(product.status, 200) << product.body;
  EXPECT_EQ(text_at(product, "source"), "database");
  EXPECT_LT(took, 2.0) << "a refused connection fails fast";
  reply = act(R"({"redis":"start"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto started = Steady::now();
  EXPECT_TRUE(testing::eventually([&] { return readiness_is(200); }, 15s));
  int id = 400;
  EXPECT_TRUE(testing::eventually([&] { return cached(++id); }, 15s));
  const double caching_after = seconds_since(started);
  const auto statuses = load.stop();
  EXPECT_EQ(statuses.size(), 1u) << "every lookup 200: " << describe(statuses);
  EXPECT_EQ(child("dependencies", "redis").at("restarts"), 0);
  std::printf(
      "recovery: Redis stopped -> a lookup from Postgres in %.2f s; started -> caching "
      "after %.1f s\n",
      took, caching_after);
}

TEST_F(UpSupervisionTest, AKilledServiceIsRestartedWithTheSameFlags) {
  start();
  const auto service = child("processes", "service");
  ASSERT_TRUE(service.contains("pid") && service.at("pid").is_int64()) << service;
  const auto pid = static_cast<pid_t>(service.at("pid").as_int64());
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const auto killed = Steady::now();
  ASSERT_TRUE(testing::answers_ready(up_, port_, 30s)) << testing::read_text(dir_ / "up.log");
  const double back_after = seconds_since(killed);
  const auto again = child("processes", "service");
  EXPECT_NE(again.at("pid"), pid);
  EXPECT_EQ(again.at("restarts"), 1);
  EXPECT_EQ(again.at("last_exit"), "killed by SIGKILL");
  // The same flags: still on the lab's stores, with the control channel.
  EXPECT_EQ(get(port_, "/products/3").status, 200);
  EXPECT_EQ(supervisor_view().at("supervised"), true);
  std::printf("recovery: service SIGKILL -> /readyz 200 after %.1f s\n", back_after);
}

TEST_F(UpSupervisionTest, WithRestartNeverADependencyDeathStopsTheLab) {
  start({"--restart=never"});
  const pid_t redis = dependency_pid("redis");
  ASSERT_GT(redis, 0);
  ASSERT_EQ(::kill(redis, SIGKILL), 0);
  const auto status = up_.wait(30s);
  ASSERT_TRUE(status) << "up kept running";
  EXPECT_NE(*status, 0);
  const std::string printed = testing::read_text(dir_ / "up.log");
  EXPECT_NE(printed.find("killed by SIGKILL; restarts are off"), std::string::npos) << printed;
  EXPECT_FALSE(fs::exists(dir_ / "lab" / "control.sock"));
}

// A SIGSTOPped server ignores SIGTERM until continued: up resumes what is paused before it stops.
TEST_F(UpSupervisionTest, StoppingTheLabWithPausedDependenciesLeavesNothingBehind) {
  start();
  std::vector<pid_t> servers = process_tree(dependency_pid("postgres"));
  servers.push_back(dependency_pid("redis"));
  const auto reply = act(R"({"postgres":"pause","redis":"pause"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_EQ(::kill(up_.pid(), SIGTERM), 0);
  const auto status = up_.wait(60s);
  ASSERT_TRUE(status) << "up did not stop";
  EXPECT_EQ(*status, 0);
  for (pid_t pid : servers) {  // gone, or a zombie that only waits for its reaper
    const char state = state_of_process(pid);
    EXPECT_TRUE(state == '?' || state == 'Z') << "pid " << pid << " is still there: " << state;
  }
  EXPECT_FALSE(fs::exists(dir_ / "lab" / "control.sock"));
}

TEST_F(UpSupervisionTest, ABadRestartValueIsOneLineAndExitTwo) {
  const auto run =
      testing::run_cli(SRE_LAB_BINARY, {"up", "--restart=sometimes"}, dir_ / "bad.log");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("restart"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("on-failure or never"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace srelab
