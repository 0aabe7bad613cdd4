// Every shipped experiment, run on the twin (`sre-lab experiment run NAME --target sim`) in its
// full length — simulated time, so the whole file takes seconds — returns the verdict it returns
// on the real lab (test_cli_experiments), with the same journal; a wrong hypothesis deviates on
// the twin as well; bad twin flags exit 2. No Postgres, Redis or network: the twin is in process.
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

  const Outcome lab_only =
      experiment({"run", "part4-memory-leak", "--calibration=" + bad.string()});
  EXPECT_EQ(lab_only.exit_code, 2);
  EXPECT_NE(lab_only.output.find("--calibration is for --target sim only"), std::string::npos)
      << lab_only.output;
}

}  // namespace
}  // namespace srelab
