// Scenario files: a full file read into its values, each kind of error named by its field path
// and line, the chaos and resilience bodies refused in the service's own words, replica shares,
// a calibration file relative to the scenario, and every shipped scenario in scenarios/.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim/scenario_file.hpp"

namespace srelab::sim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFull = R"(# what a full file looks like
name: slow replica
description: one replica in five has a slow database
seed: 42
duration_s: 600
replicas: 20
arrivals: poisson
gateway:
  enabled: true
  server_timeout_s: 2.5
  queue_timeout_s: 1
  server_connections: 64
replica:
  pool_size: 8
  cache_ttl_s: 30
  stale_ttl_s: 3600
  stale_copies: 500
postgres:
  max_connections: 200
resilience:
  failure_rate_threshold: 0.4
  window_size: 50
traffic:
  - at_s: 0
    rate: 1000
    ids: zipf:1.1:10000
  - at_s: 120
    rate: 50000
faults:
  - at_s: 300
    chaos: reset
  - at_s: 60
    chaos: {db_latency: 2, seed: 7}
    replicas: 20%
  - at_s: 60
    resilience: {mode: disabled}
    replicas: 0.5
  - at_s: 400
    clear_cache: true
  - at_s: 500
    resilience: reset
)";

std::optional<Scenario> parse(const std::string& text, std::string& error,
                              const fs::path& directory = ".") {
  return parse_scenario(text, "s.yaml", directory, error);
}

// The error of a file that must be refused.
std::string error_of(const std::string& text) {
  std::string error;
  EXPECT_FALSE(parse(text, error).has_value()) << text;
  return error;
}

constexpr const char* kMinimal = "duration_s: 60\ntraffic:\n  - {at_s: 0, rate: 10}\n";

TEST(ScenarioFile, AFullFileBecomesItsValues) {
  std::string error;
  const auto scenario = parse(kFull, error);
  ASSERT_TRUE(scenario) << error;
  EXPECT_EQ(scenario->name, "slow replica");
  EXPECT_EQ(scenario->seed, 42u);
  EXPECT_EQ(scenario->duration_s, 600);
  EXPECT_EQ(scenario->replicas, 20u);
  EXPECT_TRUE(scenario->poisson_arrivals);
  EXPECT_EQ(scenario->gateway.server_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(scenario->gateway.queue_timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(scenario->gateway.server_connections, 64u);
  EXPECT_EQ(scenario->replica.pool_size, 8u);
  EXPECT_EQ(scenario->replica.cache_ttl, std::chrono::seconds(30));
  EXPECT_EQ(scenario->replica.stale_ttl, std::chrono::seconds(3600));
  EXPECT_EQ(scenario->replica.stale_copies, 500u);
  EXPECT_EQ(scenario->postgres.max_connections, 200u);
  EXPECT_DOUBLE_EQ(scenario->resilience.breaker.failure_rate_threshold, 0.4);
  EXPECT_EQ(scenario->resilience.breaker.window_size, 50u);

  ASSERT_EQ(scenario->traffic.size(), 2u);
  EXPECT_EQ(scenario->traffic[1].at_s, 120);
  EXPECT_EQ(scenario->traffic[1].rate, 50000);
  EXPECT_EQ(scenario->traffic[1].ids.text(), "zipf:1.1:10000") << "ids carry over";

  ASSERT_EQ(scenario->faults.size(), 5u);
  using Kind = FaultEvent::Kind;
  EXPECT_EQ(scenario->faults[0].kind, Kind::chaos) << "sorted by time, ties in file order";
  EXPECT_EQ(scenario->faults[0].body, R"({"db_latency":2,"seed":7})");
  EXPECT_DOUBLE_EQ(scenario->faults[0].replica_share, 0.2);
  EXPECT_EQ(scenario->faults[1].kind, Kind::resilience);
  EXPECT_EQ(scenario->faults[1].body, R"({"mode":"disabled"})");
  EXPECT_DOUBLE_EQ(scenario->faults[1].replica_share, 0.5);
  EXPECT_EQ(scenario->faults[2].kind, Kind::chaos_reset);
  EXPECT_EQ(scenario->faults[2].at_s, 300);
  EXPECT_DOUBLE_EQ(scenario->faults[2].replica_share, 1.0);
  EXPECT_EQ(scenario->faults[3].kind, Kind::clear_cache);
  EXPECT_EQ(scenario->faults[4].kind, Kind::resilience_reset);
  EXPECT_EQ(scenario->calibration.source, "defaults");
}

TEST(ScenarioFile, DefaultsFillWhatTheFileLeavesOut) {
  std::string error;
  const auto scenario = parse_scenario(kMinimal, "dir/pool-sizing.yaml", ".", error);
  ASSERT_TRUE(scenario) << error;
  EXPECT_EQ(scenario->name, "pool-sizing") << "the file's stem";
  EXPECT_EQ(scenario->replicas, 1u);
  EXPECT_FALSE(scenario->poisson_arrivals);
  EXPECT_EQ(scenario->traffic[0].ids.text(), "uniform:1-10000");
  EXPECT_TRUE(scenario->faults.empty());
  EXPECT_EQ(scenario->replica.pool_size, ReplicaModel{}.pool_size);
}

// A seed is read to its last digit (through a double, int64's largest would round past it), and
// one beyond int64 is refused rather than wrapped.
TEST(ScenarioFile, SeedsAreExactIntegers) {
  std::string error;
  const auto scenario =
      parse("duration_s: 60\nseed: 9223372036854775807\ntraffic: [{at_s: 0, rate: 1}]\n", error);
  ASSERT_TRUE(scenario) << error;
  EXPECT_EQ(scenario->seed, 9223372036854775807u);
  EXPECT_EQ(error_of("duration_s: 60\nseed: 9223372036854775808\ntraffic: [{at_s: 0, rate: 1}]\n"),
            "s.yaml:2: 'seed' in the scenario must be an integer in [0, 9223372036854775807], got "
            "9223372036854775808");
}

TEST(ScenarioFile, JsonReadsLikeYaml) {
  std::string error;
  const auto scenario = parse(
      R"({"duration_s": 10, "replicas": 3, "traffic": [{"at_s": 0, "rate": 5}],
          "faults": [{"at_s": 1, "chaos": {"db_failure_rate": 0.5}, "replicas": "34%"}]})",
      error);
  ASSERT_TRUE(scenario) << error;
  EXPECT_EQ(scenario->replicas, 3u);
  EXPECT_DOUBLE_EQ(scenario->faults[0].replica_share, 0.34);
}

// Each error names the field's path, the accepted form and the line.
TEST(ScenarioFile, ErrorsNameThePathTheFormAndTheLine) {
  const struct {
    std::string text;
    std::string error;
  } cases[] = {
      {"duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nfaults:\n  - {at_s: 1, clear_cache: true}\n"
       "  - {at_s: 2, clear_cache: true}\n  - at_s: 70\n    clear_cache: true\n",
       "s.yaml:6: 'at_s' in faults[2] must be a number of seconds in [0, 60] (duration_s), got 70"},
      {"duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nreplica:\n  pool: 5\n",
       "s.yaml:4: unknown field 'pool' in replica (accepted: pool_size, cache_ttl_s, stale_ttl_s, "
       "stale_copies)"},
      {"duration_s: 60\ntrafic: []\n",
       "s.yaml:2: unknown field 'trafic' in the scenario (accepted: name, description, seed, "
       "duration_s, replicas, arrivals, calibration, gateway, replica, postgres, resilience, "
       "traffic, faults)"},
      {"duration_s: 60\n", "s.yaml:1: missing field 'traffic' in the scenario"},
      {"traffic: [{at_s: 0, rate: 1}]\n", "s.yaml:1: missing field 'duration_s' in the scenario"},
      {"duration_s: -1\ntraffic: [{at_s: 0, rate: 1}]\n",
       "s.yaml:1: 'duration_s' in the scenario must be a number of seconds in (0, 604800], got "
       "-1"},
      {"duration_s: 60\nreplicas: 2.5\ntraffic: [{at_s: 0, rate: 1}]\n",
       "s.yaml:2: 'replicas' in the scenario must be an integer in [1, 10000], got 2.5"},
      {"duration_s: 60\narrivals: bursty\ntraffic: [{at_s: 0, rate: 1}]\n",
       "s.yaml:2: 'arrivals' in the scenario must be 'constant' (the load generator's even "
       "spacing) or 'poisson' (random gaps), got 'bursty'"},
      {"duration_s: 60\ngateway: {enabled: yes}\ntraffic: [{at_s: 0, rate: 1}]\n",
       "s.yaml:2: 'enabled' in gateway must be true or false, got 'yes'"},
      {"duration_s: 60\ntraffic:\n  - {at_s: 5, rate: 1}\n",
       "s.yaml:3: 'at_s' in traffic[0] must be 0 (the first segment starts the run), got 5"},
      {"duration_s: 60\ntraffic:\n  - {at_s: 0, rate: 1}\n  - {at_s: 0, rate: 2}\n",
       "s.yaml:4: 'at_s' in traffic[1] must be a number of seconds in (0, 60) (after the "
       "previous segment, before duration_s), got 0"},
      {"duration_s: 60\ntraffic:\n  - {at_s: 0, rate: -3}\n",
       "s.yaml:3: 'rate' in traffic[0] must be a number of requests per second in [0, "
       "100000000], got -3"},
      {"duration_s: 60\ntraffic:\n  - {at_s: 0, rate: 1, ids: 'zipf:1'}\n",
       "s.yaml:3: 'ids' in traffic[0] must be " + std::string(load::kIdsForm) + ", got 'zipf:1'"},
      {"duration_s: 60\ntraffic: {at_s: 0}\n",
       "s.yaml:2: 'traffic' in the scenario must be a list of segments ({at_s, rate, ids}), the "
       "first at 0, got an object"},
      {"duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nfaults:\n  - at_s: 1\n",
       "s.yaml:4: faults[0] needs an action: chaos, resilience or clear_cache"},
      {"duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nfaults:\n  - at_s: 1\n    chaos: reset\n"
       "    clear_cache: true\n",
       "s.yaml:6: faults[0] has two actions, chaos and clear_cache: one per fault"},
      {"duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nfaults:\n  - {at_s: 1, chaos: off}\n",
       "s.yaml:4: 'chaos' in faults[0] must be an object of POST /chaos/configure keys, or "
       "'reset', got 'off'"},
      {"duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nfaults:\n  - {at_s: 1, clear_cache: "
       "false}\n",
       "s.yaml:4: 'clear_cache' in faults[0] must be true (the cache is emptied), got false"},
      {"duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nfaults:\n"
       "  - {at_s: 1, clear_cache: true, replicas: 50%}\n",
       "s.yaml:4: 'replicas' in faults[0] must be absent: the cache is shared, clearing it "
       "reaches every replica, got '50%'"},
      {"duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nfaults: {at_s: 1}\n",
       "s.yaml:3: 'faults' in the scenario must be a list of faults, got an object"},
      {"duration_s: 60\nduration_s: 70\n",
       "s.yaml:2: duplicate key 'duration_s' (first at line 1)"},
      {"[1, 2]\n", "s.yaml:1: the scenario must be an object, got [1, 2]"},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(error_of(text), expected) << text;
}

TEST(ScenarioFile, SharesArePercentagesOrFractionsOfTheReplicas) {
  const auto share_of = [](const std::string& share, std::string& error) {
    const auto scenario = parse(
        "duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nfaults:\n  - at_s: 1\n    chaos: "
        "{db_latency: 1}\n    replicas: " +
            share + "\n",
        error);
    return scenario ? scenario->faults[0].replica_share : -1.0;
  };
  std::string error;
  EXPECT_DOUBLE_EQ(share_of("20%", error), 0.2) << error;
  EXPECT_DOUBLE_EQ(share_of("100%", error), 1.0) << error;
  EXPECT_DOUBLE_EQ(share_of("0.25", error), 0.25) << error;
  EXPECT_DOUBLE_EQ(share_of("1", error), 1.0) << error;
  for (const char* bad : {"0", "0%", "1.5", "150%", "'twenty%'", "'%'", "-0.1"}) {
    EXPECT_EQ(share_of(bad, error), -1.0) << bad;
    EXPECT_NE(error.find("s.yaml:6: 'replicas' in faults[0] must be a share of the replicas in "
                         "(0, 1], or a percentage like '20%', got "),
              std::string::npos)
        << error;
  }
}

// The bodies are the endpoints' own: the service's parser refuses them, in its words, at the line
// of the key at fault.
TEST(ScenarioFile, ChaosAndResilienceBodiesAreTheServicesOwn) {
  const std::string head = "duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nfaults:\n  - at_s: 1\n";
  EXPECT_EQ(error_of(head + "    chaos:\n      db_latency: 1\n      db_failure_rate: 1.5\n"),
            "s.yaml:7: faults[0].chaos.db_failure_rate: db_failure_rate must be a number in "
            "0..1, got 1.5");
  EXPECT_NE(error_of(head + "    chaos:\n      db_latnecy: 1\n")
                .find("s.yaml:6: faults[0].chaos.db_latnecy: "),
            std::string::npos);
  EXPECT_NE(error_of(head + "    chaos: {db_latency: '3'}\n").find("faults[0].chaos.db_latency: "),
            std::string::npos)
      << "a quoted number is a string, as in JSON";
  EXPECT_NE(error_of(head + "    resilience: {mode: sideways}\n")
                .find("s.yaml:5: faults[0].resilience.mode: "),
            std::string::npos);
  EXPECT_NE(error_of("duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nresilience:\n"
                     "  window_size: 10\n  minimum_calls: 20\n")
                .find("resilience.minimum_calls: "),
            std::string::npos);
  // Checked against the starting settings: a window made larger at the start allows more calls.
  std::string error;
  EXPECT_TRUE(
      parse("duration_s: 60\ntraffic: [{at_s: 0, rate: 1}]\nresilience: {window_size: "
            "500}\nfaults:\n  - {at_s: 1, resilience: {minimum_calls: 300}}\n",
            error))
      << error;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/sre-lab-scenario-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const fs::path& name, const std::string& text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
  }
};

TEST(ScenarioFile, TheCalibrationIsReadRelativeToTheScenario) {
  TempDir dir;
  Calibration fitted = default_calibration();
  fitted.db_query = Distribution::lognormal(0.002, 0.009);
  fitted.source = "journal.json";
  dir.write("calibrations/lab.json", calibration_json(fitted));
  dir.write("scenarios/a.yaml", std::string(kMinimal) + "calibration: ../calibrations/lab.json\n");
  std::string error;
  const auto scenario = read_scenario_file(dir.path / "scenarios/a.yaml", error);
  ASSERT_TRUE(scenario) << error;
  EXPECT_EQ(scenario->calibration.source, "journal.json");
  EXPECT_NEAR(scenario->calibration.db_query.quantile(0.5), 0.002, 1e-12);

  dir.write("scenarios/b.yaml", std::string(kMinimal) + "calibration: lab.json\n");
  EXPECT_FALSE(read_scenario_file(dir.path / "scenarios/b.yaml", error));
  EXPECT_EQ(error, (dir.path / "scenarios/b.yaml").string() +
                       ":4: calibration: " + (dir.path / "scenarios/lab.json").string() +
                       ": cannot read the calibration file");

  dir.write("scenarios/bad.json", R"({"service_overhead": {"kind": "lognormal"}})");
  dir.write("scenarios/c.yaml", std::string(kMinimal) + "calibration: bad.json\n");
  EXPECT_FALSE(read_scenario_file(dir.path / "scenarios/c.yaml", error));
  EXPECT_NE(error.find("bad.json: service_overhead.median: a number is required"),
            std::string::npos)
      << error;
  EXPECT_FALSE(read_scenario_file(dir.path / "missing.yaml", error));
  EXPECT_EQ(error, (dir.path / "missing.yaml").string() + ": cannot read the file");
}

TEST(ShippedScenarios, EveryFileInScenariosParses) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(SRE_LAB_SCENARIOS_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    std::string error;
    const auto scenario = read_scenario_file(entry.path(), error);
    ASSERT_TRUE(scenario) << error;
    EXPECT_FALSE(scenario->description.empty()) << entry.path();
    EXPECT_GE(scenario->replicas, 1u);
  }
  EXPECT_GE(count, 4u) << "the issue's four scenarios at least";
}

}  // namespace
}  // namespace srelab::sim
