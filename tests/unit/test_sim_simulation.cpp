// The twin end to end: deterministic for a seed, and the shapes the lab guide's experiments
// show on the real lab — the breaker opening on a failing database with the fallback answering,
// pool exhaustion after the pool timeout, the gateway's 504s in front of a slow replica.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "experiment/phase_book.hpp"
#include "sim/simulation.hpp"

namespace srelab::sim {
namespace {

using resilience::BreakerState;

Scenario base_scenario(double rate, const char* ids = "uniform:1-100000") {
  Scenario scenario;
  scenario.seed = 3;
  scenario.duration_s = 30;
  scenario.calibration = default_calibration();
  scenario.traffic = {TrafficSegment{0, rate, *load::IdDistribution::parse(ids)}};
  return scenario;
}

std::uint64_t count_status(const load::Tally& tally, int status) {
  const auto it = tally.statuses.find(status);
  return it == tally.statuses.end() ? 0 : it->second;
}

// Everything a second's record says, as text, to compare runs.
std::string fingerprint(const SimulationResult& result) {
  std::string text;
  for (const SimSecond& second : result.seconds) {
    const load::SecondPoint& point = second.point;
    text += std::to_string(point.elapsed_s) + " " + std::to_string(point.tally.answered) + " " +
            std::to_string(point.tally.timeouts);
    for (const auto& [status, n] : point.tally.statuses)
      text += " s" + std::to_string(status) + "=" + std::to_string(n);
    for (const auto& [source, n] : point.tally.sources)
      text += " " + source + "=" + std::to_string(n);
    text += " p50=" + std::to_string(point.latency.p50) +
            " p99=" + std::to_string(point.latency.p99) +
            " hit=" + std::to_string(second.cache_hit_rate) +
            " active=" + std::to_string(second.pool_active) + "\n";
  }
  for (const BreakerTransition& t : result.transitions)
    text += std::to_string(t.replica) + "@" + std::to_string(t.at_s) + " " + t.reason + "\n";
  return text;
}

Scenario eventful_scenario(std::uint64_t seed) {
  Scenario scenario = base_scenario(2000, "zipf:1.0:10000");
  scenario.seed = seed;
  scenario.replicas = 3;
  scenario.poisson_arrivals = true;
  scenario.duration_s = 20;
  scenario.calibration.db_query = Distribution::lognormal(0.002, 0.006);
  scenario.calibration.cache_latency = Distribution::exponential(0.0003);
  scenario.faults = {
      FaultEvent{5, FaultEvent::Kind::chaos, R"({"db_failure_rate": 0.4, "db_latency": 0.05})",
                 0.5},
      FaultEvent{12, FaultEvent::Kind::chaos_reset, "", 1.0},
  };
  return scenario;
}

TEST(SimSimulation, SameSeedSameRecordsOtherSeedOthers) {
  const std::string first = fingerprint(simulate(eventful_scenario(11)));
  const std::string again = fingerprint(simulate(eventful_scenario(11)));
  const std::string other = fingerprint(simulate(eventful_scenario(12)));
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  EXPECT_NE(first.find("fallback_emergency"), std::string::npos);  // the faults did something
}

TEST(SimSimulation, OneRecordPerSecondInTheLoadGeneratorsShape) {
  Scenario scenario = base_scenario(100);
  scenario.duration_s = 10.5;
  // Without saturation every miss is quick, so every request is answered within the run (with
  // it, one overlap of two queries can snowball: a shape of its own, not this test's).
  scenario.faults = {
      FaultEvent{0, FaultEvent::Kind::chaos, R"({"saturation_ms_per_query": 0})", 1.0}};
  const SimulationResult result = simulate(scenario);
  ASSERT_EQ(result.seconds.size(), 11u);
  EXPECT_DOUBLE_EQ(result.seconds[0].point.elapsed_s, 1.0);
  EXPECT_DOUBLE_EQ(result.seconds.back().point.elapsed_s, 10.5);
  EXPECT_DOUBLE_EQ(result.seconds.back().point.span_s, 0.5);
  EXPECT_EQ(result.requests, 1050u);  // constant spacing: k / rate for k / rate < 10.5 s
  EXPECT_EQ(result.report.total.scheduled, 1050u);
  EXPECT_EQ(result.report.total.answered, 1050u);
  EXPECT_EQ(result.seconds[3].point.tally.answered, 100u);
  EXPECT_EQ(result.report.latency.count, 1050u);
}

// The experiment runner files the twin's seconds into phases exactly as the load generator's.
TEST(SimSimulation, SecondsFeedThePhaseBook) {
  Simulation simulation(base_scenario(100));
  experiment::PhaseBook book;
  book.enter("baseline", 0);
  book.enter("injection", 5);
  simulation.run_until(5);
  simulation.apply(FaultEvent{5, FaultEvent::Kind::chaos, R"({"db_failure_rate": 1.0})"});
  simulation.run_until(10);
  for (const SecondRecord& record : simulation.take_seconds())
    book.add(record.second.point, record.cumulative);
  const experiment::Samples baseline = book.samples("baseline");
  const experiment::Samples injection = book.samples("injection");
  // PhaseBook files (4, 5] as the transition: a phase entered at a second's very end.
  EXPECT_EQ(baseline.tally.answered, 400u);
  EXPECT_EQ(baseline.latency.count, 400u);
  EXPECT_EQ(baseline.tally.sources.count("fallback_emergency"), 0u);
  EXPECT_EQ(injection.tally.answered, 500u);
  EXPECT_GT(injection.tally.sources.at("fallback_emergency"), 400u);
}

// The guide's Part 3.2: a database that always fails opens the breaker within seconds, with the
// breaker's own reason; the fallback answers 200 meanwhile; after the chaos is reset the breaker
// goes HALF_OPEN once its wait is over, and CLOSED on its trial calls.
TEST(SimSimulation, FailingDatabaseOpensTheBreakerAndTheFallbackAnswers) {
  Scenario scenario = base_scenario(50);
  scenario.duration_s = 40;
  scenario.faults = {
      FaultEvent{5, FaultEvent::Kind::chaos, R"({"db_failure_rate": 1.0})"},
      FaultEvent{20, FaultEvent::Kind::chaos_reset, ""},
  };
  const SimulationResult result = simulate(scenario);

  ASSERT_GE(result.transitions.size(), 3u);
  const BreakerTransition& opened = result.transitions.front();
  EXPECT_EQ(opened.from, BreakerState::closed);
  EXPECT_EQ(opened.to, BreakerState::open);
  EXPECT_GE(opened.at_s, 5.0);
  EXPECT_LT(opened.at_s, 7.0);
  EXPECT_EQ(opened.reason.rfind("failure rate ", 0), 0u) << opened.reason;
  EXPECT_NE(opened.reason.find(">= 50% over the last 10 calls"), std::string::npos);

  // Every answer is a 200 throughout: emergency records or stale copies while it fails.
  EXPECT_EQ(count_status(result.report.total, 200), result.report.total.answered);
  EXPECT_GT(result.seconds[10].point.tally.sources.at("fallback_emergency"), 40u);

  const BreakerTransition& half_open = result.transitions[result.transitions.size() - 2];
  const BreakerTransition& closed = result.transitions.back();
  EXPECT_EQ(half_open.to, BreakerState::half_open);
  EXPECT_EQ(half_open.reason, "open wait of 10 s elapsed");
  EXPECT_GE(half_open.at_s, 20.0);
  EXPECT_EQ(closed.from, BreakerState::half_open);
  EXPECT_EQ(closed.to, BreakerState::closed);
  EXPECT_EQ(closed.reason, "3 trial calls succeeded");
  EXPECT_EQ(result.seconds.back().breakers[static_cast<std::size_t>(BreakerState::closed)], 1u);
  EXPECT_EQ(result.seconds.back().point.tally.sources.count("fallback_emergency"), 0u);
}

TEST(SimSimulation, ResilienceFaultsGoThroughTheServicesParser) {
  Simulation simulation(base_scenario(10));
  std::string error;
  EXPECT_FALSE(
      simulation.apply(FaultEvent{0, FaultEvent::Kind::resilience, R"({"mode": "x"})"}, &error));
  EXPECT_NE(error.find("mode"), std::string::npos) << error;
  EXPECT_TRUE(simulation.apply(FaultEvent{0, FaultEvent::Kind::resilience,
                                          R"({"mode": "forced_open", "db_pool_timeout_s": 2})"}));
  EXPECT_EQ(simulation.breaker(0).state, BreakerState::forced_open);
  EXPECT_EQ(simulation.resilience(0).db_pool_timeout, std::chrono::seconds(2));
  simulation.run_until(3);
  ASSERT_EQ(simulation.transitions().size(), 1u);
  EXPECT_EQ(simulation.transitions()[0].reason, "forced open by configuration");
  EXPECT_EQ(simulation.pool(0).active, 0u);  // nothing reaches the database

  EXPECT_TRUE(simulation.apply(FaultEvent{3, FaultEvent::Kind::chaos, R"({"db_latency": 1})"}));
  EXPECT_DOUBLE_EQ(simulation.chaos(0).db_latency_s, 1.0);
  EXPECT_FALSE(simulation.apply(FaultEvent{3, FaultEvent::Kind::chaos, R"({"db_latency": 99})"}));
  EXPECT_DOUBLE_EQ(simulation.chaos(0).db_latency_s, 1.0);
}

TEST(SimSimulation, ChaosGoesToItsShareOfReplicas) {
  Scenario scenario = base_scenario(10);
  scenario.replicas = 10;
  Simulation simulation(scenario);
  EXPECT_TRUE(
      simulation.apply(FaultEvent{0, FaultEvent::Kind::chaos, R"({"db_latency": 2})", 0.2}));
  for (std::size_t replica = 0; replica < 10; ++replica)
    EXPECT_DOUBLE_EQ(simulation.chaos(replica).db_latency_s, replica < 2 ? 2.0 : 0.0) << replica;
}

// Clearing the cache empties the shared Redis: the next lookups are misses.
TEST(SimSimulation, ClearCacheEmptiesTheSharedRedis) {
  Scenario scenario = base_scenario(1000, "uniform:1-100");
  scenario.replicas = 4;
  Simulation simulation(scenario);
  simulation.run_until(2);
  EXPECT_EQ(simulation.cache_size(), 100u);
  EXPECT_TRUE(simulation.apply(FaultEvent{2, FaultEvent::Kind::clear_cache, "{}"}));
  EXPECT_EQ(simulation.cache_size(), 0u);
  simulation.run_until(3);
  EXPECT_EQ(simulation.cache_size(), 100u);
  std::string error;
  EXPECT_FALSE(simulation.apply(
      FaultEvent{3, FaultEvent::Kind::clear_cache, R"({"include_stale": 1})"}, &error));
}

// The guide's pool experiment: 3 s queries, a pool of 5, 50 req/s — the sixth lookup waits, and
// 503s (Pool Exhausted) start once the pool timeout (1 s) has passed, not before.
TEST(SimSimulation, SlowQueriesExhaustThePoolAfterItsTimeout) {
  Scenario scenario = base_scenario(50);
  scenario.duration_s = 6;
  scenario.faults = {FaultEvent{0, FaultEvent::Kind::chaos, R"({"db_latency": 3})"}};
  const SimulationResult result = simulate(scenario);
  EXPECT_EQ(count_status(result.seconds[0].point.tally, 503), 0u);
  EXPECT_GT(count_status(result.seconds[1].point.tally, 503), 30u);
  EXPECT_EQ(result.seconds[1].pool_active, 5u);
  EXPECT_GT(result.seconds[0].pool_waiting, 30u);
}

// The gateway answers 504 when the replica is slower than its server timeout; the replica keeps
// working and keeps its database connections.
TEST(SimSimulation, GatewayTimesOutASlowReplica) {
  Scenario scenario = base_scenario(20);
  scenario.duration_s = 4;
  scenario.gateway.server_timeout = std::chrono::milliseconds(1000);
  scenario.resilience.mode = resilience::BreakerMode::disabled;  // every lookup waits for the DB
  scenario.faults = {FaultEvent{0, FaultEvent::Kind::chaos, R"({"db_latency": 2})"}};
  Simulation simulation(scenario);
  simulation.apply(scenario.faults[0]);
  simulation.run_until(1.5);
  EXPECT_EQ(simulation.pool(0).active, 5u);
  simulation.run_until(4);
  const std::vector<SecondRecord> seconds = simulation.take_seconds();
  ASSERT_EQ(seconds.size(), 4u);
  EXPECT_EQ(count_status(seconds[0].second.point.tally, 504), 0u);
  EXPECT_GT(count_status(seconds[1].second.point.tally, 504), 10u);
  EXPECT_EQ(count_status(simulation.report().total, 200), 0u);
  // No answer took longer than the gateway allows (plus its own hop).
  EXPECT_LT(simulation.report().latency.max, 1.1);
}

// Four pools of 5 against a Postgres that takes 10 connections: the connects beyond it fail like
// "too many clients", which the breaker counts as database failures and the fallback covers.
TEST(SimSimulation, PostgresRefusesConnectionsBeyondItsLimit) {
  Scenario scenario = base_scenario(200);
  scenario.duration_s = 5;
  scenario.replicas = 4;
  scenario.postgres.max_connections = 10;
  scenario.faults = {FaultEvent{0, FaultEvent::Kind::chaos, R"({"db_latency": 0.5})"}};
  const SimulationResult result = simulate(scenario);
  std::size_t most = 0;
  for (const SimSecond& second : result.seconds) most = std::max(most, second.postgres_connections);
  EXPECT_EQ(most, 10u);
  EXPECT_GT(result.report.total.sources.at("fallback_emergency"), 0u);
  ASSERT_FALSE(result.transitions.empty());
  EXPECT_EQ(result.transitions.front().reason.rfind("failure rate", 0), 0u)
      << result.transitions.front().reason;
}

// The gateway's health check needs a pooled connection too: with the pool held by 3 s queries
// (no breaker to stop them) three checks in a row fail, the replica leaves the rotation and the
// gateway answers 503 itself; two good checks after the chaos ends bring it back.
TEST(SimSimulation, FailedHealthChecksTakeTheReplicaOutOfRotation) {
  Scenario scenario = base_scenario(50);
  scenario.duration_s = 30;
  scenario.resilience.mode = resilience::BreakerMode::disabled;
  scenario.faults = {FaultEvent{0, FaultEvent::Kind::chaos, R"({"db_latency": 3})"},
                     FaultEvent{10, FaultEvent::Kind::chaos_reset, ""}};
  const SimulationResult result = simulate(scenario);
  const auto down_at = std::find_if(result.seconds.begin(), result.seconds.end(),
                                    [](const SimSecond& s) { return s.replicas_down == 1; });
  ASSERT_NE(down_at, result.seconds.end());
  // The first check comes at the seed's phase p in [0, 2) s; each fails when its pool wait times
  // out a second later, and the next starts 2 s after that (HAProxy reschedules from a check's
  // end): the third failure is at p + 7 s. Checks every 2 s from their starts would fail by p + 5.
  EXPECT_GE(down_at->point.elapsed_s, 7.0);
  EXPECT_LT(down_at->point.elapsed_s, 10.0);
  // The next whole second is the gateway's own 503s, at once; the few 3 s queries that held the
  // pool before still finish in it.
  ASSERT_LT(down_at + 1, result.seconds.end());
  const SimSecond& down = *(down_at + 1);
  EXPECT_EQ(down.replicas_down, 1u);
  EXPECT_GE(count_status(down.point.tally, 503), down.point.tally.answered * 9 / 10);
  EXPECT_LT(down.point.latency.p50, 0.01);
  EXPECT_EQ(result.seconds.back().replicas_down, 0u);
  EXPECT_EQ(count_status(result.seconds.back().point.tally, 200),
            result.seconds.back().point.tally.answered);
}

TEST(SimSimulation, QueueTimeoutAtTheGatewayIs503) {
  Scenario scenario = base_scenario(100);
  scenario.duration_s = 5;
  scenario.gateway.server_connections = 2;
  scenario.gateway.queue_timeout = std::chrono::milliseconds(500);
  scenario.faults = {FaultEvent{0, FaultEvent::Kind::chaos, R"({"db_latency": 1})"}};
  Simulation simulation(scenario);
  simulation.apply(scenario.faults[0]);
  simulation.run_until(0.4);
  simulation.flush();
  const std::vector<SecondRecord> first = simulation.take_seconds();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_GT(first[0].second.gateway_queue, 30u);
  EXPECT_EQ(simulation.pool(0).active, 2u);
  simulation.run_until(5);
  EXPECT_GT(count_status(simulation.report().total, 503), 300u);
}

}  // namespace
}  // namespace srelab::sim
