// `sre-lab simulate` as a user types it: exit 2 and one line naming the problem for a bad flag,
// scenario or journal; 0 for --check, a run, and a calibration written where asked.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "sim/calibration.hpp"

namespace srelab::cli {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

Outcome sre_lab(std::vector<std::string> args) {
  args.insert(args.begin(), "sre-lab");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  Outcome outcome;
  outcome.code = run(static_cast<int>(argv.size()), argv.data());
  outcome.out = testing::internal::GetCapturedStdout();
  outcome.err = testing::internal::GetCapturedStderr();
  return outcome;
}

// One second of baseline with every series the fit needs.
constexpr const char* kJournal = R"({"status": "completed", "extensions": [{"name": "sre-lab",
  "phases": [{"name": "baseline", "start": 0, "end": 2}],
  "load": [{"t": 1, "phase": "baseline", "sources": {"cache": 9, "database": 1}}],
  "timeline": {"time": [0.5, 1.5], "values": {
    "db_query_p50": [0.0005, 0.0005], "db_query_p95": [0.0015, 0.0015],
    "cache_lookup_p50": [0.0002, 0.0002], "cache_lookup_p95": [0.0006, 0.0006],
    "latency_p50": [0.0008, 0.0008], "latency_p95": [0.004, 0.004],
    "gateway_latency_p50": [0.0012, 0.0012], "gateway_latency_p95": [0.005, 0.005]}}}]})";

class SimulateCommand : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sre-lab-simulate-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    write("good.yaml", "duration_s: 60\nreplicas: 3\ntraffic:\n  - {at_s: 0, rate: 100}\n");
    write("bad.yaml", "duration_s: 60\ntraffic:\n  - {at_s: 0, rate: 100, id: x}\n");
    write("journal.json", kJournal);
    write("not.json", "{");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(SimulateCommand, BadUsageIsExitTwoAndOneLine) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"simulate"},
       "sre-lab simulate: a scenario file is required (see 'sre-lab simulate --help')\n"},
      {{"simulate", "--bogus", "1"},
       "sre-lab simulate: unknown option '--bogus' (see 'sre-lab simulate --help')\n"},
      {{"simulate", "a.yaml", "b.yaml"},
       "sre-lab simulate: one scenario file at a time, got 'b.yaml' (see 'sre-lab simulate "
       "--help')\n"},
      {{"simulate", "calibrate"},
       "sre-lab simulate: calibrate takes one journal.json (see 'sre-lab simulate --help')\n"},
  };
  for (const auto& [args, err] : cases) {
    const Outcome outcome = sre_lab(args);
    EXPECT_EQ(outcome.code, 2) << args.back();
    EXPECT_EQ(outcome.err, err);
  }
}

TEST_F(SimulateCommand, BadFilesAndValuesAreExitTwo) {
  Outcome outcome = sre_lab({"simulate", path("missing.yaml")});
  EXPECT_EQ(outcome.code, 2);
  EXPECT_EQ(outcome.err, "sre-lab simulate: " + path("missing.yaml") + ": cannot read the file\n");

  outcome = sre_lab({"simulate", path("bad.yaml"), "--check"});
  EXPECT_EQ(outcome.code, 2);
  EXPECT_EQ(outcome.err, "sre-lab simulate: " + path("bad.yaml") +
                             ":3: unknown field 'id' in traffic[0] (accepted: at_s, rate, ids)\n");

  outcome = sre_lab({"simulate", path("good.yaml"), "--seed", "-1"});
  EXPECT_EQ(outcome.code, 2);
  EXPECT_NE(outcome.err.find("--seed"), std::string::npos) << outcome.err;

  outcome = sre_lab({"simulate", path("good.yaml"), "--duration", "5x"});
  EXPECT_EQ(outcome.code, 2);
  EXPECT_NE(outcome.err.find("--duration"), std::string::npos) << outcome.err;

  outcome = sre_lab({"simulate", path("good.yaml"), "--calibration", path("missing.json")});
  EXPECT_EQ(outcome.code, 2);
  EXPECT_NE(outcome.err.find("--calibration: " + path("missing.json")), std::string::npos)
      << outcome.err;

  outcome = sre_lab({"simulate", "calibrate", path("not.json")});
  EXPECT_EQ(outcome.code, 2);
  EXPECT_TRUE(outcome.err.starts_with("sre-lab simulate: " + path("not.json") + ": not JSON"))
      << outcome.err;

  outcome = sre_lab({"simulate", "calibrate", path("good.yaml")});
  EXPECT_EQ(outcome.code, 2) << "YAML is not a journal";

  outcome = sre_lab({"simulate", "calibrate", path("journal.json"), "--seed", "3"});
  EXPECT_EQ(outcome.code, 2);
  EXPECT_NE(outcome.err.find("--seed is not an option of 'simulate calibrate'"), std::string::npos)
      << outcome.err;
}

TEST_F(SimulateCommand, CheckPrintsTheSummaryWithTheOverrides) {
  const Outcome outcome =
      sre_lab({"simulate", path("good.yaml"), "--check", "--seed", "9", "--duration", "2m"});
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("seed 9, 120 s simulated"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("3 replica(s) x pool 5 = 15 connections"), std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find(path("good.yaml") + ": valid"), std::string::npos) << outcome.out;
}

TEST_F(SimulateCommand, CalibrateWritesAFileTheScenarioCanLoad) {
  Outcome outcome =
      sre_lab({"simulate", "calibrate", path("journal.json"), "--out", path("fitted.json")});
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_NE(outcome.err.find("fitted from the baseline phase (90.0 % cache hits)"),
            std::string::npos)
      << outcome.err;
  outcome =
      sre_lab({"simulate", path("good.yaml"), "--check", "--calibration", path("fitted.json")});
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("calibration (" + path("journal.json") + ")"), std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find("db_query: median 0.5 ms, p95 1.5 ms"), std::string::npos)
      << outcome.out;

  outcome = sre_lab({"simulate", "calibrate", path("journal.json")});
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  std::string error;
  EXPECT_TRUE(sim::parse_calibration(outcome.out, error)) << error << outcome.out;
}

TEST_F(SimulateCommand, ARunOfAValidScenarioIsExitZero) {
  const Outcome outcome = sre_lab({"simulate", path("good.yaml")});
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("scenario good"), std::string::npos) << outcome.out;
}

TEST(SimulateHelp, ListsItsFormsAndOptions) {
  testing::internal::CaptureStdout();
  std::vector<std::string> args{"sre-lab", "simulate", "--help"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  EXPECT_EQ(run(3, argv.data()), 0);
  const std::string help = testing::internal::GetCapturedStdout();
  for (const char* text :
       {"usage: sre-lab simulate FILE | calibrate JOURNAL", "--seed N", "--duration DURATION",
        "--calibration FILE", "--out DIR|FILE", "--check", "docs/simulation.md"})
    EXPECT_NE(help.find(text), std::string::npos) << text;
}

}  // namespace
}  // namespace srelab::cli
