// Every shipped experiment the twin models, run on it (`sre-lab experiment run NAME --target
// sim`) in its full length — simulated time, so the whole file takes seconds — returns the
// verdict it returns on the real lab (test_cli_experiments), with the same journal; a wrong
// hypothesis deviates on the twin as well; bad twin flags exit 2, and so does an experiment with
// dependency faults, which the twin does not model; with --replicas the admin calls reach the
// first replica only, as on `up --replicas N`. No Postgres, Redis or network: the twin is in
// process.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/cli_run.hpp"

namespace srelab {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using Outcome = testing::CliRun;

class SimExperimentsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("sre-lab-sim-experiments-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static Outcome experiment(std::vector<std::string> args) {
    const fs::path out = dir_ / ("run-" + std::to_string(++last_run_));
    args.insert(args.begin(), "experiment");
    args.push_back("--out=" + out.string());
    return testing::run_cli(SRE_LAB_BINARY, args, out.string() + ".log", out,
                            std::chrono::seconds(300));
  }

  static inline fs::path dir_;
  static inline int last_run_ = 0;
};

class ShippedOnTheTwin : public SimExperimentsTest,
                         public ::testing::WithParamInterface<const char*> {};

TEST_P(ShippedOnTheTwin, HoldsAsOnTheLab) {
  const auto started = std::chrono::steady_clock::now();
  const Outcome run = experiment({"run", GetParam(), "--target=sim"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.verdict(), "held") << run.output;
  ASSERT_TRUE(run.journal.is_object()) << run.output;
  EXPECT_EQ(run.journal.at("status"), "completed");
  // Every action and probe of the method ran against the twin and succeeded.
  const auto& steps = run.journal.at("run").as_array();
  EXPECT_FALSE(steps.empty());
  for (const auto& step : steps) EXPECT_EQ(step.at("status"), "succeeded") << step;
  RecordProperty(
      "wall_seconds",
      std::to_string(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
}

INSTANTIATE_TEST_SUITE_P(Experiments, ShippedOnTheTwin,
                         ::testing::Values("part1-db-latency", "part3-circuit-breaker",
                                           "part3-saturation", "part4-pool-exhaustion",
                                           "part4-graceful-degradation", "part4-memory-leak"));

// The background load's seconds are the twin's simulated ones, filed as the generator files them.
TEST_F(SimExperimentsTest, TheLoadIsFiledSecondBySecond) {
  const Outcome run = experiment({"run", "part3-circuit-breaker", "--target=sim"});
  ASSERT_TRUE(run.journal.is_object()) << run.output;
  const auto& seconds = run.journal.at("extensions").at(0).at("load").as_array();
  EXPECT_EQ(seconds.size(),
            57u);  // warmup 10, baseline 10, injection 15, recovery 22: as on the lab
  for (const auto& second : seconds)
    if (second.at("phase") == "baseline") {
      EXPECT_EQ(second.at("answered").to_number<double>(), 50) << second;
    }
}

TEST_F(SimExperimentsTest, BothVariantsHoldSideBySide) {
  const Outcome run = experiment({"run", "with-vs-without-protection", "--target=sim"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("variant 'without protection'"), std::string::npos) << run.output;
}

TEST_F(SimExperimentsTest, AWrongHypothesisDeviates) {
  const fs::path file = dir_ / "wrong.yaml";
  std::ofstream(file) << R"(title: a wrong hypothesis
description: the breaker stays closed while every query fails (it opens)
extensions:
  - name: sre-lab
    load: {rate: 50, ids: "uniform:1-10000"}
    phases: {baseline: 5, injection: 10, recovery: 2}
method:
  - type: action
    name: fail every query
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST,
               arguments: {db_failure_rate: 1.0}}
    pauses: {after: 5}
  - type: probe
    name: the breaker stays closed
    tolerance: CLOSED
    provider: {type: sre-lab, func: resilience, arguments: {field: circuit_breaker.state}}
rollbacks:
  - type: action
    name: stop the failures
    provider: {type: http, url: "${service_url}/chaos/reset", method: POST}
)";
  const Outcome run = experiment({"run", file.string(), "--target=sim"});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(run.verdict(), "deviated") << run.output;
}

TEST_F(SimExperimentsTest, BadTwinFlagsExitTwo) {
  const Outcome missing =
      experiment({"run", "part4-memory-leak", "--target=sim", "--calibration=/no/such/file"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("--calibration /no/such/file: cannot read the calibration file"),
            std::string::npos)
      << missing.output;

  const fs::path bad = dir_ / "bad-calibration.json";
  std::ofstream(bad) << R"({"service_overhead": {"kind": "normal"}})";
  const Outcome wrong =
      experiment({"run", "part4-memory-leak", "--target=sim", "--calibration=" + bad.string()});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.output.find("service_overhead.kind"), std::string::npos) << wrong.output;

  // The twin's own flags mean nothing on the real lab: refused before anything runs.
  for (const char* flag : {"--calibration", "--replicas", "--seed"}) {
    const Outcome lab_only =
        experiment({"run", "part4-memory-leak", std::string(flag) + "=" + bad.string()});
    EXPECT_EQ(lab_only.exit_code, 2) << flag;
    EXPECT_NE(lab_only.output.find(std::string(flag) + " is for --target sim only"),
              std::string::npos)
        << lab_only.output;
    EXPECT_FALSE(lab_only.journal.is_object()) << flag << ": refused before running";
  }
}

// The twin does not model dependency faults: an experiment with a dependency action (the
// shipped Redis outage, or an http action on /chaos/dependency) is refused before it runs.
TEST_F(SimExperimentsTest, DependencyFaultsAreRefusedBeforeAnythingRuns) {
  const Outcome shipped = experiment({"run", "redis-outage", "--target=sim"});
  EXPECT_EQ(shipped.exit_code, 2);
  EXPECT_NE(shipped.output.find("--target sim: the twin does not model dependency faults "
                                "(action 'pause Redis (a network partition)' (line "),
            std::string::npos)
      << shipped.output;
  EXPECT_FALSE(shipped.journal.is_object()) << "refused before running";

  const fs::path file = dir_ / "by-hand.yaml";
  std::ofstream(file) << R"(title: Postgres stopped by hand
method:
  - type: action
    name: stop postgres
    provider: {type: http, url: "${service_url}/chaos/dependency", method: POST,
               arguments: {postgres: stop}}
)";
  const Outcome by_hand = experiment({"run", file.string(), "--target=sim"});
  EXPECT_EQ(by_hand.exit_code, 2);
  EXPECT_NE(by_hand.output.find("action 'stop postgres' (line 3)"), std::string::npos)
      << by_hand.output;
}

TEST_F(SimExperimentsTest, ReplicasAreBounded) {
  for (const char* value : {"0", "17", "two"}) {
    const Outcome bad = experiment(
        {"run", "part4-memory-leak", "--target=sim", std::string("--replicas=") + value});
    EXPECT_EQ(bad.exit_code, 2) << value;
    EXPECT_NE(bad.output.find("invalid --replicas '" + std::string(value) +
                              "': expected an integer in 1..16"),
              std::string::npos)
        << bad.output;
  }
}

// --seed picks the twin's draws: the same seed repeats the run's load second for second, another
// one draws another run.
TEST_F(SimExperimentsTest, TheSeedRepeatsARunOrDrawsAnother) {
  const auto load_of = [](const char* seed) {
    const Outcome run =
        experiment({"run", "part3-circuit-breaker", "--target=sim", std::string("--seed=") + seed,
                    "--var=warmup_s=4", "--var=baseline_s=4", "--var=injection_s=6",
                    "--var=recovery_s=16", "--var=settle_s=12"});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    if (!run.journal.is_object()) return boost::json::value();
    for (const auto& extension : run.journal.at("extensions").as_array())
      if (extension.at("name") == "sre-lab") return extension.at("load");
    return boost::json::value();
  };
  const boost::json::value first = load_of("7");
  ASSERT_TRUE(first.is_array());
  EXPECT_EQ(first, load_of("7"));
  EXPECT_NE(first, load_of("8"));
}

// The admin calls go to service_url, replica 1 on `up --replicas 3`, while the gateway spreads
// the load over all three: every query failing, with no breaker and no fallback, fails the
// requests of one replica in three, and on a single replica nearly all of them.
class ReplicasOnTheTwin : public SimExperimentsTest {
 protected:
  static Outcome failing_queries(const std::string& replicas) {
    const fs::path file = dir_ / "failing-queries.yaml";
    std::ofstream(file) << R"(title: every query fails on the service the admin calls reach
description: uniform ids over a cold cache, so nearly every request queries Postgres
extensions:
  - name: sre-lab
    load: {rate: 60, ids: "uniform:1-10000"}
    phases: {baseline: 5, injection: 10, recovery: 2}
method:
  - type: action
    name: no breaker, no fallback
    provider: {type: http, url: "${service_url}/resilience/configure", method: POST,
               arguments: {mode: disabled, fallback_enabled: false}, expected_status: 200}
  - type: action
    name: fail every query
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST,
               arguments: {db_failure_rate: 1.0}, expected_status: 200}
rollbacks:
  - type: action
    name: stop the failures
    provider: {type: http, url: "${service_url}/chaos/reset", method: POST}
)";
    return experiment({"run", file.string(), "--target=sim", "--replicas=" + replicas});
  }

  static Outcome part1(const std::string& replicas) {
    return experiment({"run", "part1-db-latency", "--target=sim", "--replicas=" + replicas,
                       "--var=warmup_s=8", "--var=baseline_s=10", "--var=injection_s=16",
                       "--var=recovery_s=24", "--var=settle_s=16"});
  }

  // The injection's requests answered 5xx or not at all, as a share of those sent.
  static double injection_failed_share(const Outcome& run) {
    double sent = 0, failed = 0;
    for (const auto& second : run.journal.at("extensions").at(0).at("load").as_array()) {
      if (second.at("phase") != "injection") continue;
      sent += second.at("sent").to_number<double>();
      failed += second.at("failed").to_number<double>();
      for (const auto& [status, count] : second.at("statuses").as_object())
        if (std::stoi(std::string(status)) >= 500) failed += count.to_number<double>();
    }
    return sent > 0 ? failed / sent : -1;
  }
};

TEST_F(ReplicasOnTheTwin, TheAdminCallsReachOneReplicaOfThree) {
  const Outcome one = failing_queries("1");
  const Outcome three = failing_queries("3");
  ASSERT_TRUE(one.journal.is_object()) << one.output;
  ASSERT_TRUE(three.journal.is_object()) << three.output;
  EXPECT_GT(injection_failed_share(one), 0.9) << "one replica: every lookup that queries fails";
  const double shared = injection_failed_share(three);
  EXPECT_GT(shared, 0.25) << "three replicas: the first fails its third of the load";
  EXPECT_LT(shared, 0.40) << "three replicas: the other two were not told to fail";
}

// The timeline is replica 1's console's, as the lab's runner reads it from service_url: one
// pool of 5, not three.
TEST_F(ReplicasOnTheTwin, TheTimelineShowsTheFirstReplicasPool) {
  const Outcome three = part1("3");
  ASSERT_TRUE(three.journal.is_object()) << three.output;
  const auto& values = three.journal.at("extensions").at(0).at("timeline").at("values");
  const auto& sizes = values.at("pool_size").as_array();
  ASSERT_FALSE(sizes.empty());
  for (const auto& size : sizes) EXPECT_EQ(size.to_number<double>(), 5) << size;
  for (const auto& active : values.at("pool_active").as_array())
    EXPECT_LE(active.to_number<double>(), 5) << active;
}

}  // namespace
}  // namespace srelab
