// The calibration fitted from a journal: a small synthetic journal whose per-second series come
// from known lognormals gives those lognormals back (the service's own time through the
// hit/miss model), the fit says what it lacks, and a calibration survives its JSON round trip.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cmath>
#include <vector>

#include "sim/calibration_fit.hpp"

namespace srelab::sim {
namespace {

namespace json = boost::json;

const Distribution kCache = Distribution::lognormal(0.00020, 0.00060);
const Distribution kDb = Distribution::lognormal(0.00050, 0.00150);
const Distribution kOverhead = Distribution::lognormal(0.00030, 0.00090);
const Distribution kGateway = Distribution::lognormal(0.00040, 0.00100);
constexpr double kHitShare = 0.9;

// The service's request time as the fit models it, drawn independently of the fit's own draws.
std::pair<double, double> service_p50_p95() {
  Random random(12345);
  std::vector<double> times;
  for (int i = 0; i < 400000; ++i) {
    double t = kOverhead.sample(random) + kCache.sample(random);
    if (random.unit() >= kHitShare) t += kDb.sample(random) + kCache.sample(random);
    times.push_back(t);
  }
  std::sort(times.begin(), times.end());
  return {times[times.size() / 2], times[times.size() * 95 / 100]};
}

struct SyntheticJournal {
  json::object values;
  json::array time;
  json::array load;
  json::object extension;

  // 10 warm-up seconds (different figures: they must not count), 30 baseline, 10 injection.
  SyntheticJournal(bool with_gateway = true) {
    const auto [service50, service95] = service_p50_p95();
    const std::vector<std::pair<std::string, double>> quiet{
        {"db_query_p50", kDb.quantile(0.5)},
        {"db_query_p95", kDb.quantile(0.95)},
        {"cache_lookup_p50", kCache.quantile(0.5)},
        {"cache_lookup_p95", kCache.quantile(0.95)},
        {"latency_p50", service50},
        {"latency_p95", service95},
        {"gateway_latency_p50", service50 + kGateway.quantile(0.5)},
        {"gateway_latency_p95", service95 + kGateway.quantile(0.95)},
    };
    for (const auto& [key, value] : quiet) {
      if (!with_gateway && key.starts_with("gateway")) continue;
      json::array series;
      for (int s = 0; s < 50; ++s) {
        const bool baseline = s >= 10 && s < 40;
        // A second of noise either way, and one null second, around the true figure.
        const double wobble = s % 3 == 0 ? 0.98 : s % 3 == 1 ? 1.02 : 1.0;
        if (s == 20)
          series.emplace_back(nullptr);
        else
          series.emplace_back(baseline ? value * wobble : value * 7);
      }
      values[key] = std::move(series);
    }
    for (int s = 0; s < 50; ++s) time.emplace_back(s + 0.5);
    for (int s = 0; s < 50; ++s) {
      const char* phase = s < 10 ? "warmup" : s < 40 ? "baseline" : "injection";
      load.emplace_back(
          json::object{{"t", s + 1.0},
                       {"phase", phase},
                       {"sources", s < 10 ? json::object{{"database", 100}}
                                          : json::object{{"cache", 90}, {"database", 10}}}});
    }
    extension = json::object{
        {"name", "sre-lab"},
        {"phases", json::array{json::object{{"name", "warmup"}, {"start", 0}, {"end", 10}},
                               json::object{{"name", "baseline"}, {"start", 10}, {"end", 40}},
                               json::object{{"name", "injection"}, {"start", 40}, {"end", 50}}}},
        {"load", load},
        {"timeline", json::object{{"time", time}, {"values", values}}}};
  }

  json::value journal() const {
    return json::object{{"status", "completed"}, {"extensions", json::array{extension}}};
  }
};

void expect_within(const Distribution& fitted, const Distribution& truth, double share,
                   const char* what) {
  for (const double q : {0.5, 0.95}) {
    EXPECT_NEAR(fitted.quantile(q), truth.quantile(q), truth.quantile(q) * share)
        << what << " q" << q;
  }
}

TEST(CalibrationFit, RecoversKnownLognormalsFromTheBaseline) {
  std::string error;
  const auto fit = fit_calibration(SyntheticJournal().journal(), "run/journal.json", error);
  ASSERT_TRUE(fit) << error;
  EXPECT_EQ(fit->phase, "baseline");
  EXPECT_DOUBLE_EQ(fit->hit_share, kHitShare);
  EXPECT_EQ(fit->calibration.source, "run/journal.json");
  EXPECT_TRUE(fit->notes.empty()) << fit->notes.front();
  expect_within(fit->calibration.db_query, kDb, 0.001, "db_query");
  expect_within(fit->calibration.cache_latency, kCache, 0.001, "cache_latency");
  expect_within(fit->calibration.gateway_overhead, kGateway, 0.001, "gateway_overhead");
  // Through a Monte Carlo model of hits and misses: within a few per cent.
  expect_within(fit->calibration.service_overhead, kOverhead, 0.04, "service_overhead");
}

TEST(CalibrationFit, WithoutAGatewayTheDefaultsHopIsKeptAndSaid) {
  std::string error;
  const auto fit = fit_calibration(SyntheticJournal(false).journal(), "j", error);
  ASSERT_TRUE(fit) << error;
  ASSERT_EQ(fit->notes.size(), 1u);
  EXPECT_TRUE(fit->notes[0].starts_with("gateway_overhead: no gateway latency")) << fit->notes[0];
  EXPECT_DOUBLE_EQ(fit->calibration.gateway_overhead.quantile(0.5),
                   default_calibration().gateway_overhead.quantile(0.5));
}

// A second of the baseline's latency_p95 far beyond lookups and queries: the overhead's spread
// stops at its cap, and the fit says so.
TEST(CalibrationFit, AServiceTailBeyondTheModelIsCappedAndSaid) {
  SyntheticJournal slow;
  json::array p95;
  for (const auto& value : slow.values["latency_p95"].as_array())
    p95.emplace_back(value.is_null() ? json::value(nullptr) : json::value(1.0));
  slow.values["latency_p95"] = p95;
  slow.extension["timeline"] = json::object{{"time", slow.time}, {"values", slow.values}};
  std::string error;
  const auto fit = fit_calibration(slow.journal(), "j", error);
  ASSERT_TRUE(fit) << error;
  ASSERT_EQ(fit->notes.size(), 1u);
  EXPECT_TRUE(fit->notes[0].starts_with("service_overhead: the service's p95 (1000 ms) is beyond"))
      << fit->notes[0];
  EXPECT_LT(fit->calibration.service_overhead.quantile(0.95), 1.0);
}

// Client times of the model: the service's (overhead, lookups, queries at the hit share) plus the
// hop, drawn independently of the fit's own draws; sorted.
std::vector<double> client_times(const Distribution& overhead, const Distribution& cache,
                                 const Distribution& db, const Distribution& hop) {
  Random random(777);
  std::vector<double> times;
  for (int i = 0; i < 400000; ++i) {
    double t = hop.sample(random) + overhead.sample(random) + cache.sample(random);
    if (random.unit() >= kHitShare) t += db.sample(random) + cache.sample(random);
    times.push_back(t);
  }
  std::sort(times.begin(), times.end());
  return times;
}

double at(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

// The phase's own quantiles as the client saw them (its histogram over every answer) carry a
// tail that the per-second medians miss: a hop with a long tail. The fitted twin's client times
// have the phase's p50, p95 and p99.
TEST(CalibrationFit, TheClientsTailComesFromThePhasesOwnQuantiles) {
  const Distribution slow_hop = Distribution::lognormal(0.00040, 0.00300);
  const auto truth = client_times(kOverhead, kCache, kDb, slow_hop);
  SyntheticJournal journal;
  auto& phases = journal.extension["phases"].as_array();
  phases[1].as_object()["latency_s"] =
      json::object{{"p50", at(truth, 0.5)}, {"p95", at(truth, 0.95)}, {"p99", at(truth, 0.99)}};
  std::string error;
  const auto fit = fit_calibration(journal.journal(), "j", error);
  ASSERT_TRUE(fit) << error;
  EXPECT_TRUE(fit->notes.empty()) << fit->notes.front();
  const Calibration& c = fit->calibration;
  EXPECT_EQ(c.gateway_overhead.kind(), Distribution::Kind::empirical);
  const auto twin =
      client_times(c.service_overhead, c.cache_latency, c.db_query, c.gateway_overhead);
  for (const double q : {0.5, 0.95, 0.99})
    EXPECT_NEAR(at(twin, q), at(truth, q), at(truth, q) * 0.03) << "q" << q;
  // The per-second figures alone (the hop the gateway's series give) fall well short of the tail.
  const auto thin = client_times(c.service_overhead, c.cache_latency, c.db_query, kGateway);
  EXPECT_LT(at(thin, 0.99), at(truth, 0.99) * 0.7);
}

// Two baseline seconds in which the service itself was slow (a saturation avalanche): the
// client's tail comes from the other seconds, and the fit says what it left out.
TEST(CalibrationFit, SecondsWhenTheServiceWasSlowStayOutOfTheClientsTail) {
  SyntheticJournal journal;
  auto& service95 = journal.values["latency_p95"].as_array();
  service95[15] = 1.0;  // timeline time 15.5
  service95[16] = 1.0;
  journal.extension["timeline"] = json::object{{"time", journal.time}, {"values", journal.values}};
  json::array load;
  for (const auto& value : journal.load) {
    json::object point = value.as_object();
    const double t = point["t"].to_number<double>();
    const bool avalanche = t == 16 || t == 17;  // the client's seconds (t - 1, t]
    point["answered"] = 100;
    point["p50"] = avalanche ? 0.9 : 0.001;
    point["p95"] = avalanche ? 1.2 : 0.004;
    point["p99"] = avalanche ? 1.3 : 0.006;
    point["max"] = avalanche ? 1.4 : 0.008;
    load.emplace_back(std::move(point));
  }
  journal.extension["load"] = load;
  // The phase's exact quantiles carry the avalanche: 2 of 30 seconds near a second.
  journal.extension["phases"].as_array()[1].as_object()["latency_s"] =
      json::object{{"p50", 0.001}, {"p95", 0.9}, {"p99", 1.25}};
  std::string error;
  const auto fit = fit_calibration(journal.journal(), "j", error);
  ASSERT_TRUE(fit) << error;
  ASSERT_FALSE(fit->notes.empty());
  EXPECT_TRUE(fit->notes[0].starts_with("gateway_overhead: 2 second(s) of the baseline phase left"))
      << fit->notes[0];
  const Calibration& c = fit->calibration;
  const auto twin =
      client_times(c.service_overhead, c.cache_latency, c.db_query, c.gateway_overhead);
  // The other seconds' p95 and p99 (4 and 6 ms, pooled), not the avalanche's second or more.
  EXPECT_NEAR(at(twin, 0.95), 0.004, 0.0015);
  EXPECT_LT(at(twin, 0.999), 0.012);  // the hop stops at the slowest kept answer (8 ms)
}

// Every baseline answer from the cache: no query to fit, and the warm-up's (a cold cache's
// stampede, 7 times slower here) must not stand in for one.
TEST(CalibrationFit, ABaselineWithoutQueriesKeepsTheBuiltInQuery) {
  SyntheticJournal cached;
  for (const char* key : {"db_query_p50", "db_query_p95"}) {
    auto& series = cached.values[key].as_array();
    for (std::size_t s = 10; s < 40; ++s) series[s] = nullptr;
  }
  cached.extension["timeline"] = json::object{{"time", cached.time}, {"values", cached.values}};
  std::string error;
  const auto fit = fit_calibration(cached.journal(), "j", error);
  ASSERT_TRUE(fit) << error;
  ASSERT_EQ(fit->notes.size(), 1u);
  EXPECT_TRUE(fit->notes[0].starts_with("db_query: the baseline phase made no query"))
      << fit->notes[0];
  expect_within(fit->calibration.db_query, default_calibration().db_query, 1e-9, "db_query");
}

TEST(CalibrationFit, SaysWhatTheJournalLacks) {
  std::string error;
  EXPECT_FALSE(fit_calibration(json::object{{"status", "completed"}}, "j", error));
  EXPECT_EQ(error, "not a journal of sre-lab experiment run (no \"sre-lab\" extension)");

  SyntheticJournal older;
  older.values.erase("cache_lookup_p95");
  older.extension["timeline"] = json::object{{"time", older.time}, {"values", older.values}};
  EXPECT_FALSE(fit_calibration(older.journal(), "j", error));
  EXPECT_EQ(error,
            "the journal's timeline has no cache_lookup_p95 value in its baseline phase (a run of "
            "this sre-lab records it; see docs/experiments.md)");

  SyntheticJournal no_phases;
  no_phases.extension["phases"] = json::array{};
  no_phases.extension["load"] = json::array{};
  EXPECT_FALSE(fit_calibration(no_phases.journal(), "j", error));
  EXPECT_EQ(error, "the journal has no baseline or warmup phase to fit from");
}

TEST(CalibrationFile, RoundTripsThroughJson) {
  Calibration calibration;
  calibration.service_overhead = Distribution::lognormal(0.0003, 0.0009);
  calibration.cache_latency = Distribution::constant(0.0002);
  calibration.db_query = Distribution::exponential(0.0007);
  calibration.gateway_overhead = *Distribution::empirical({{0, 0.0001}, {0.5, 0.0003}, {1, 0.002}});
  calibration.source = "experiment-runs/x/journal.json";
  std::string error;
  const auto back = parse_calibration(calibration_json(calibration), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->source, calibration.source);
  EXPECT_EQ(calibration_json(*back), calibration_json(calibration));
  for (const double q : {0.1, 0.5, 0.95}) {
    EXPECT_NEAR(back->service_overhead.quantile(q), calibration.service_overhead.quantile(q),
                1e-12);
    EXPECT_NEAR(back->gateway_overhead.quantile(q), calibration.gateway_overhead.quantile(q),
                1e-12);
    EXPECT_NEAR(back->db_query.quantile(q), calibration.db_query.quantile(q), 1e-12);
  }
  EXPECT_FALSE(
      parse_calibration(R"({"service_overhead": {"kind": "constant", "value": 1}})", error));
  EXPECT_EQ(error, "cache_latency: required");
}

}  // namespace
}  // namespace srelab::sim
