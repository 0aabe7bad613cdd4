// Every shipped experiment, run with `sre-lab experiment run` against one real lab (`sre-lab up`:
// Postgres, Redis, the gateway and the service on free loopback ports), in a shortened form set
// through its configuration (--var), returns the verdict the guide predicts (the Redis outage
// in full); a deliberately wrong hypothesis deviates (exit 1); Ctrl-C in the middle of the
// injection leaves no fault behind; bad files and remote targets are refused with exit 2.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

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

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  for (auto waited = 0ms; waited < limit; waited += 100ms) {
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return done();
}

using Outcome = testing::CliRun;
using testing::read_text;

// One `sre-lab up` per test suite, with the cache TTL given (seconds).
template <int kCacheTtl>
class LabFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/sre-lab-experiments-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::permissions(dir_, fs::perms(0755));
    service_port_ = lab::pick_free_port();
    gateway_port_ = lab::pick_free_port();
    lab::SpawnOptions options;
    options.argv = {SRE_LAB_BINARY,
                    "up",
                    "--state-dir=" + (dir_ / "lab").string(),
                    "--port=" + std::to_string(service_port_),
                    "--gateway-port=" + std::to_string(gateway_port_),
                    "--pg-port=" + std::to_string(lab::pick_free_port()),
                    "--redis-port=" + std::to_string(lab::pick_free_port()),
                    "--cache-ttl=" + std::to_string(kCacheTtl)};
    options.log_file = dir_ / "up.log";
    auto process = lab::Process::spawn(options);
    ASSERT_TRUE(process);
    up_ = new lab::Process(std::move(*process));
    const bool ready = eventually(
        [] {
          if (!up_->running()) return true;
          try {
            return testing::HttpClient(gateway_port_).get("/readyz").status == 200;
          } catch (const std::exception&) {
            return false;
          }
        },
        90s);
    ASSERT_TRUE(ready && up_->running()) << read_text(dir_ / "up.log");
  }

  static void TearDownTestSuite() {
    if (up_ != nullptr && up_->running()) up_->stop(SIGTERM, 30s);
    delete up_;
    up_ = nullptr;
    fs::remove_all(dir_);
  }

  void SetUp() override {
    if (up_ == nullptr || !up_->running()) GTEST_SKIP() << "the lab did not start";
  }

  static std::string service_url() { return "http://127.0.0.1:" + std::to_string(service_port_); }

  // Redis is running and the service ready again: a run leaves no dependency down.
  static void expect_redis_back() {
    EXPECT_EQ(get_json("/chaos/dependency").at("dependencies").at("redis").at("state"), "running");
    EXPECT_TRUE(eventually(
        [] { return testing::HttpClient(service_port_).get("/readyz").status == 200; }, 10s));
  }

  // Runs `sre-lab experiment <args>` (plus the lab's URLs and an output folder) to the end.
  static Outcome experiment(std::vector<std::string> args, bool with_urls = true,
                            const std::function<void(lab::Process&)>& meanwhile = {}) {
    const fs::path out = dir_ / ("run-" + std::to_string(++last_run_));
    args.insert(args.begin(), "experiment");
    if (with_urls) {
      args.push_back("--var=service_url=" + service_url());
      args.push_back("--var=load_url=http://127.0.0.1:" + std::to_string(gateway_port_));
      args.push_back("--out=" + out.string());
      args.push_back("--progress");
    }
    return testing::run_cli(SRE_LAB_BINARY, args, out.string() + ".log", out,
                            std::chrono::seconds(600), meanwhile);
  }

  // Runs `sre-lab <args>` to the end (no lab URLs added).
  static Outcome sre_lab(const std::vector<std::string>& args) {
    return testing::run_cli(SRE_LAB_BINARY, args,
                            dir_ / ("command-" + std::to_string(++last_command_) + ".log"));
  }

  static boost::json::value get_json(const std::string& path) {
    return boost::json::parse(testing::HttpClient(service_port_).get(path).body);
  }

  static inline fs::path dir_;
  static inline std::uint16_t service_port_ = 0;
  static inline std::uint16_t gateway_port_ = 0;
  static inline lab::Process* up_ = nullptr;
  static inline int last_run_ = 0;  // the number of the last run's output folder
  static inline int last_command_ = 0;
};

// The lab is left as each experiment found it: no fault, the breaker closed, nothing leaked.
void expect_clean_lab(const boost::json::value& chaos, const boost::json::value& resilience) {
  const auto& settings = chaos.at("settings").as_object();
  EXPECT_EQ(settings.at("db_latency").to_number<double>(), 0) << chaos;
  EXPECT_EQ(settings.at("db_failure_rate").to_number<double>(), 0) << chaos;
  EXPECT_EQ(chaos.at("leak").at("size_mb").to_number<double>(), 0) << chaos;
  EXPECT_EQ(resilience.at("settings").at("mode"), "normal") << resilience;
}

// The lab's defaults (a cache TTL of 60 s).
using ExperimentsTest = LabFixture<60>;
// Part 1 starts from an empty cache, so its hot set expires a TTL after the start: with 30 s
// that is inside the shortened injection (the database too slow to refill it), as 60 s is at
// the end of the full run's; the entries refilled in the recovery expire after the run.
using Part1Test = LabFixture<30>;

// Each shipped experiment in a shortened form: the phases cut to seconds through its
// configuration, as a learner with little time would run it. A warm-up fills the cache first.
void expect_held(const Outcome& run) {
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.verdict(), "held") << run.output;
}

TEST_F(Part1Test, Part1DbLatencyHolds) {
  const Outcome run = experiment({"run", "part1-db-latency", "--var=warmup_s=8",
                                  "--var=baseline_s=10", "--var=injection_s=16",
                                  "--var=recovery_s=24", "--var=settle_s=16", "--var=rate=50"});
  expect_held(run);
  expect_clean_lab(get_json("/chaos"), get_json("/resilience"));
  // The journal is CTK's: the steady states before and after, the method's runs, the rollback.
  ASSERT_TRUE(run.journal.is_object());
  EXPECT_EQ(run.journal.at("status"), "completed");
  EXPECT_EQ(run.journal.at("deviated"), false);
  EXPECT_EQ(run.journal.at("steady_states").at("before").at("steady_state_met"), true);
  EXPECT_EQ(run.journal.at("steady_states").at("after").at("steady_state_met"), true);
  EXPECT_EQ(run.journal.at("run").as_array().size(), 5u);
  EXPECT_EQ(run.journal.at("rollbacks").as_array().size(), 2u);
}

TEST_F(ExperimentsTest, Part3SaturationHolds) {
  expect_held(experiment({"run", "part3-saturation"}));
}

// Then the twin's check in short: the same experiment on the twin, calibrated from this run,
// reaches the same verdict with the same breaker path and the same shares of errors
// (bench/sim_validate.sh runs the whole comparison; its latency targets need a quiet machine).
TEST_F(ExperimentsTest, Part3CircuitBreakerHoldsAndTheTwinAgrees) {
  const std::vector<std::string> vars{"--var=warmup_s=10", "--var=baseline_s=4",
                                      "--var=injection_s=6", "--var=recovery_s=16",
                                      "--var=settle_s=12"};
  std::vector<std::string> args{"run", "part3-circuit-breaker"};
  args.insert(args.end(), vars.begin(), vars.end());
  expect_held(experiment(args));
  EXPECT_EQ(get_json("/resilience").at("circuit_breaker").at("state"), "CLOSED");

  const fs::path lab = dir_ / ("run-" + std::to_string(last_run_)) / "journal.json";
  const fs::path twin = dir_ / "twin";
  const Outcome calibrate = sre_lab(
      {"simulate", "calibrate", lab.string(), "--out=" + (dir_ / "calibration.json").string()});
  ASSERT_EQ(calibrate.exit_code, 0) << calibrate.output;
  args.push_back("--target=sim");
  args.push_back("--calibration=" + (dir_ / "calibration.json").string());
  args.push_back("--out=" + twin.string());
  const Outcome on_twin = experiment(args, false);
  EXPECT_EQ(on_twin.exit_code, 0) << on_twin.output;
  const Outcome validate =
      sre_lab({"simulate", "validate", lab.string(), (twin / "journal.json").string()});
  EXPECT_NE(validate.output.find("| verdict | HELD | HELD | same | ✓ agree |"), std::string::npos)
      << validate.output;
  EXPECT_NE(validate.output.find("| injection | breaker | CLOSED → OPEN | CLOSED → OPEN | same"),
            std::string::npos)
      << validate.output;
  std::istringstream rows(validate.output);
  for (std::string row; std::getline(rows, row);)
    if (row.find("| status ") != std::string::npos) {
      EXPECT_EQ(row.find("✗"), std::string::npos) << row;
    }
}

TEST_F(ExperimentsTest, Part4PoolExhaustionHolds) {
  expect_held(experiment({"run", "part4-pool-exhaustion", "--var=latency_s=2",
                          "--var=min_wait_s=1.6", "--var=injection_s=10", "--var=recovery_s=4"}));
  expect_clean_lab(get_json("/chaos"), get_json("/resilience"));
}

TEST_F(ExperimentsTest, Part4GracefulDegradationHolds) {
  expect_held(
      experiment({"run", "part4-graceful-degradation", "--var=warmup_s=10", "--var=baseline_s=4",
                  "--var=injection_s=10", "--var=recovery_s=6", "--var=settle_s=2"}));
  expect_clean_lab(get_json("/chaos"), get_json("/resilience"));
}

TEST_F(ExperimentsTest, Part4MemoryLeakHolds) {
  expect_held(experiment({"run", "part4-memory-leak", "--var=baseline_s=5", "--var=injection_s=6",
                          "--var=recovery_s=2"}));
  expect_clean_lab(get_json("/chaos"), get_json("/resilience"));
}

// Redis paused under load, as the shipped file runs it in full (about 70 s): the lookups answer
// from Postgres within the Redis timeout, /readyz names Redis, caching comes back after.
TEST_F(ExperimentsTest, RedisOutageHolds) {
  const Outcome run = experiment({"run", "redis-outage"});
  expect_held(run);
  ASSERT_TRUE(run.journal.is_object()) << run.output;
  // The pause went through up's supervisor, with the runner's guardrail; the file's rollbacks
  // resumed Redis and emptied the cache, so the runner had nothing left to bring back.
  const auto& pause = run.journal.at("run").at(0);
  EXPECT_EQ(pause.at("status"), "succeeded") << pause;
  EXPECT_EQ(pause.at("output").at("body").at("dependencies").at("redis").at("state"), "paused");
  EXPECT_TRUE(pause.at("output").as_object().contains("duration_s_added")) << pause;
  const auto& rollbacks = run.journal.at("rollbacks").as_array();
  ASSERT_EQ(rollbacks.size(), 2u);
  for (const auto& rollback : rollbacks) EXPECT_EQ(rollback.at("status"), "succeeded") << rollback;
  expect_redis_back();
}

// The same hypothesis with a bound no lookup through a paused Redis can meet: it deviates,
// and Redis is still resumed.
TEST_F(ExperimentsTest, RedisOutageWithAnImpossibleBoundDeviates) {
  const Outcome run = experiment({"run", "redis-outage", "--var=p95_bound_s=0.01",
                                  "--var=injection_s=8", "--var=recovery_s=4", "--var=settle_s=2"});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(run.verdict(), "deviated") << run.output;
  EXPECT_NE(run.output.find("p95 latency within the Redis timeout"), std::string::npos)
      << run.output;
  expect_redis_back();
}

TEST_F(ExperimentsTest, WithAndWithoutProtectionSideBySide) {
  const Outcome run =
      experiment({"run", "with-vs-without-protection", "--var=warmup_s=10", "--var=baseline_s=4",
                  "--var=recovery_s=16", "--var=settle_s=12"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("variant 'with protection'"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("variant 'without protection'"), std::string::npos) << run.output;
  const fs::path out = dir_ / ("run-" + std::to_string(last_run_));
  const std::string side_by_side = read_text(out / "report.md");
  EXPECT_NE(side_by_side.find("with protection"), std::string::npos);
  EXPECT_NE(side_by_side.find("without protection"), std::string::npos);
  for (const char* variant : {"with-protection", "without-protection"}) {
    const auto journal = boost::json::parse(read_text(out / variant / "journal.json"));
    EXPECT_EQ(journal.at("extensions").at(0).at("verdict"), "held") << variant;
  }
  expect_clean_lab(get_json("/chaos"), get_json("/resilience"));
}

// A hypothesis the lab does not bear out: the leak metric "falls" while memory leaks.
TEST_F(ExperimentsTest, AWrongHypothesisDeviates) {
  const fs::path file = dir_ / "wrong.yaml";
  std::ofstream(file) << R"(title: a wrong hypothesis
description: the leak metric falls while memory leaks (it does not)
extensions:
  - name: sre-lab
    phases: {baseline: 4, injection: 5, recovery: 1}
method:
  - type: action
    name: leak
    provider: {type: http, url: "${service_url}/chaos/leak", method: POST, arguments: {mb: 10}}
    pauses: {after: 1}
  - type: probe
    name: the leak metric falls
    tolerance: {type: fell}
    provider: {type: sre-lab, func: metric, arguments: {series: memory_leak_bytes, statistic: max}}
rollbacks:
  - type: action
    name: free the leak
    provider: {type: http, url: "${service_url}/chaos/leak", method: DELETE}
)";
  const Outcome run = experiment({"run", file.string()});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(run.verdict(), "deviated") << run.output;
  EXPECT_EQ(run.journal.at("deviated"), true);
  EXPECT_NE(run.output.find("the leak metric falls"), std::string::npos) << run.output;
  expect_clean_lab(get_json("/chaos"), get_json("/resilience"));
}

// Ctrl-C while the fault is on: the rollback runs, the runner says so, and no fault is left.
TEST_F(ExperimentsTest, CtrlCInTheInjectionLeavesNoFault) {
  const fs::path file = dir_ / "long.yaml";
  std::ofstream(file) << R"(title: a long injection, stopped half-way
extensions:
  - name: sre-lab
    load: {rate: 20, ids: "uniform:1-100"}
    phases: {baseline: 2, injection: 120, recovery: 5}
method:
  - type: action
    name: slow the database down
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST,
               arguments: {db_latency: 1}}
rollbacks:
  - type: action
    name: remove the latency
    provider: {type: http, url: "${service_url}/chaos/reset", method: POST}
)";
  const Outcome run = experiment({"run", file.string()}, true, [](lab::Process& runner) {
    const bool injected = eventually(
        [] { return get_json("/chaos").at("settings").at("db_latency").to_number<double>() > 0; },
        30s);
    EXPECT_TRUE(injected);
    runner.stop(SIGINT, 30s);
  });
  EXPECT_EQ(run.exit_code, 130) << run.output;
  EXPECT_EQ(run.verdict(), "interrupted") << run.output;
  EXPECT_EQ(run.journal.at("status"), "interrupted");
  EXPECT_EQ(run.journal.at("rollbacks").as_array().size(), 1u);
  expect_clean_lab(get_json("/chaos"), get_json("/resilience"));
}

TEST_F(ExperimentsTest, BadFilesAndRemoteTargetsExitTwo) {
  const fs::path file = dir_ / "bad.yaml";
  std::ofstream(file) << "title: t\nmethod:\n  - type: probe\n    name: p\n    tolernce: 1\n";
  const Outcome bad = experiment({"run", file.string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("bad.yaml:5: unknown field 'tolernce'"), std::string::npos)
      << bad.output;

  const Outcome remote =
      experiment({"run", "part4-memory-leak", "--target=http://10.1.2.3:8000"}, false);
  EXPECT_EQ(remote.exit_code, 2);
  EXPECT_NE(remote.output.find("refusing targets that are not on loopback"), std::string::npos)
      << remote.output;

  const Outcome unknown = experiment({"run", "no-such-experiment"}, false);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("no file and no shipped experiment named 'no-such-experiment'"),
            std::string::npos)
      << unknown.output;
}

}  // namespace
}  // namespace srelab
