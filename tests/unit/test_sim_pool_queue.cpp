// The twin's pool against queueing theory: with Poisson arrivals, exponential query times, a
// pool of c and nothing else in the way (every lookup a miss, no breaker, no saturation, no
// other latency), a replica is an M/M/c queue, so the share of lookups that waited for a
// connection and the mean wait must be Erlang C's.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "sim/simulation.hpp"

namespace srelab::sim {
namespace {

struct ErlangC {
  double wait_probability;
  double mean_wait_s;  // over all arrivals
};

ErlangC erlang_c(double lambda, double mu, int c) {
  const double a = lambda / mu;
  const double rho = a / c;
  double term = 1;  // a^k / k!
  double below = 0;
  for (int k = 0; k < c; ++k) {
    below += term;
    term *= a / (k + 1);
  }
  const double top = term / (1 - rho);  // a^c / c! / (1 - rho)
  const double p_wait = top / (below + top);
  return {p_wait, p_wait / (c * mu - lambda)};
}

Scenario mmc_scenario(double lambda, double mean_service_s, std::size_t c, double duration_s) {
  Scenario scenario;
  scenario.seed = 17;
  scenario.duration_s = duration_s;
  scenario.replicas = 1;
  scenario.poisson_arrivals = true;
  scenario.gateway.enabled = false;
  scenario.replica.pool_size = c;
  scenario.replica.cache_ttl = std::chrono::seconds(0);
  scenario.postgres.connect_time = std::chrono::microseconds(0);
  scenario.resilience.mode = resilience::BreakerMode::disabled;
  scenario.resilience.db_pool_timeout = std::chrono::seconds(60);
  scenario.calibration.service_overhead = Distribution::constant(0);
  scenario.calibration.cache_latency = Distribution::constant(0);
  scenario.calibration.gateway_overhead = Distribution::constant(0);
  scenario.calibration.db_query = Distribution::exponential(mean_service_s);
  scenario.traffic = {TrafficSegment{0, lambda, *load::IdDistribution::parse("uniform:1-1000")}};
  scenario.faults = {FaultEvent{0, FaultEvent::Kind::chaos, R"({"saturation_ms_per_query": 0})"}};
  return scenario;
}

TEST(SimPoolQueue, WaitsLikeErlangC) {
  // rho = 0.75 with five connections; 1 ms queries keep a million lookups quick to simulate.
  const double lambda = 3750;
  const double mean_service = 0.001;
  const int c = 5;
  const SimulationResult result = simulate(mmc_scenario(lambda, mean_service, c, 250));
  ASSERT_TRUE(result.errors.empty());

  std::uint64_t acquires = 0;
  std::uint64_t waited = 0;
  double wait_s = 0;
  for (const SimSecond& second : result.seconds) {
    acquires += second.pool_acquires;
    waited += second.pool_waited;
    wait_s += second.pool_wait_s;
  }
  ASSERT_GT(acquires, 900'000u);
  EXPECT_EQ(result.report.total.statuses.at(200), result.report.total.answered);

  const ErlangC expected = erlang_c(lambda, 1 / mean_service, c);
  const double p_wait = static_cast<double>(waited) / static_cast<double>(acquires);
  const double mean_wait = wait_s / static_cast<double>(acquires);
  EXPECT_NEAR(p_wait / expected.wait_probability, 1.0, 0.02)
      << "P(wait) " << p_wait << " vs Erlang C " << expected.wait_probability;
  EXPECT_NEAR(mean_wait / expected.mean_wait_s, 1.0, 0.02)
      << "mean wait " << mean_wait << " s vs Erlang C " << expected.mean_wait_s << " s";
}

// The answer's latency is the wait plus the query: its mean is W_q + 1/mu.
TEST(SimPoolQueue, LatencyIsWaitPlusService) {
  const double lambda = 3750;
  const double mean_service = 0.001;
  const SimulationResult result = simulate(mmc_scenario(lambda, mean_service, 5, 50));
  const ErlangC expected = erlang_c(lambda, 1 / mean_service, 5);
  const double mean = result.report.latency.sum / static_cast<double>(result.report.latency.count);
  EXPECT_NEAR(mean / (expected.mean_wait_s + mean_service), 1.0, 0.03);
}

}  // namespace
}  // namespace srelab::sim
