// The probe judge on synthetic samples whose answers are known: latency quantiles against
// at-most / at-least / range (met, not met, inconclusive when the interval straddles or the
// answers are too few), rose / fell against a baseline, answer shares by status, class, source
// and failure with their binomial intervals, metric series (mean with its bootstrap interval,
// extremes, first / last / increase, rose), and single values (equals, one of, range, regex).
// The statements and evidence must carry the numbers a reader checks them against.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "experiment/probe_judge.hpp"
#include "experiment/report_text.hpp"
#include "load/load_report.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::experiment {
namespace {

namespace json = boost::json;
using Kind = Tolerance::Kind;

// A group of answers: `n` latencies spread evenly over [from_s, to_s], one status and source.
struct Answers {
  std::uint64_t n;
  double from_s;
  double to_s;
  int status = 200;
  std::string source = "database";
};

Samples samples_of(const std::vector<Answers>& groups) {
  telemetry::Histogram latency(load::latency_layout());
  Samples samples;
  for (const auto& group : groups) {
    for (std::uint64_t i = 0; i < group.n; ++i) {
      const double at = group.n == 1 ? 0.5 : static_cast<double>(i) / (group.n - 1);
      latency.observe(group.from_s + at * (group.to_s - group.from_s));
      samples.tally.add_answer(group.status, group.source);
    }
  }
  samples.tally.sent = samples.tally.answered;
  samples.latency = latency.snapshot();
  return samples;
}

Samples fast(std::uint64_t n) {
  return samples_of({{n, 0.004, 0.006}});
}
Samples slow(std::uint64_t n) {
  return samples_of({{n, 0.180, 0.220}});
}
// Fast 503s (sub-millisecond) and slow answers (about 1 s).
Samples fast_and_slow(std::uint64_t n_fast, std::uint64_t n_slow) {
  return samples_of({{n_fast, 0.0003, 0.0006, 503, ""}, {n_slow, 0.9, 1.1, 200, "database"}});
}

Tolerance at_most(double value) {
  Tolerance t;
  t.kind = Kind::at_most;
  t.value = value;
  return t;
}
Tolerance at_least(double value) {
  Tolerance t;
  t.kind = Kind::at_least;
  t.value = value;
  return t;
}
Tolerance range(double low, double high) {
  Tolerance t;
  t.kind = Kind::range;
  t.low = low;
  t.high = high;
  return t;
}
Tolerance of_kind(Kind kind) {
  Tolerance t;
  t.kind = kind;
  return t;
}
Tolerance equals(json::value expected) {
  Tolerance t;
  t.kind = Kind::equals;
  t.expected = std::move(expected);
  return t;
}
Tolerance one_of(json::array options) {
  Tolerance t;
  t.kind = Kind::one_of;
  t.expected = std::move(options);
  return t;
}
Tolerance regex(std::string pattern) {
  Tolerance t;
  t.kind = Kind::regex;
  t.pattern = std::move(pattern);
  return t;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// judge_latency against a threshold or a range

struct LatencyCase {
  const char* name;
  Samples phase;
  double quantile;
  Tolerance tolerance;
  Judgement expected;
};

TEST(JudgeLatency, ThresholdsAndRangesOnKnownSamples) {
  // 950 answers near 5 ms and 50 near 200 ms: p95 sits on the edge between the two groups, so
  // its interval runs from one to the other and straddles any threshold in between.
  const Samples edge = samples_of({{950, 0.0049, 0.0051}, {50, 0.199, 0.201}});
  const LatencyCase cases[] = {
      {"fast, at most 50 ms", fast(1000), 0.95, at_most(0.050), Judgement::met},
      {"fast, at least 50 ms", fast(1000), 0.95, at_least(0.050), Judgement::not_met},
      {"fast, at least 1 ms", fast(1000), 0.95, at_least(0.001), Judgement::met},
      {"slow, at most 50 ms", slow(1000), 0.95, at_most(0.050), Judgement::not_met},
      {"fast, within 1-10 ms", fast(1000), 0.95, range(0.001, 0.010), Judgement::met},
      {"fast, within 60 ms-1 s", fast(1000), 0.95, range(0.060, 1), Judgement::not_met},
      {"fast, within 10-60 ms", fast(1000), 0.5, range(0.010, 0.060), Judgement::not_met},
      {"edge, at most 50 ms", edge, 0.95, at_most(0.050), Judgement::inconclusive},
      {"edge, at least 50 ms", edge, 0.95, at_least(0.050), Judgement::inconclusive},
      {"edge, within 1-50 ms", edge, 0.95, range(0.001, 0.050), Judgement::inconclusive},
      {"edge p50, at most 50 ms", edge, 0.5, at_most(0.050), Judgement::met},
      {"edge p99, at least 50 ms", edge, 0.99, at_least(0.050), Judgement::met},
      {"19 answers are too few", fast(kMinAnswers - 1), 0.95, at_most(0.050),
       Judgement::inconclusive},
      {"20 answers are enough", fast(kMinAnswers), 0.95, at_most(0.050), Judgement::met},
      {"no answers", Samples{}, 0.95, at_most(0.050), Judgement::inconclusive},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    LatencyProbe probe;
    probe.quantile = c.quantile;
    const Judged judged = judge_latency(probe, c.tolerance, c.phase, nullptr);
    EXPECT_EQ(to_string(judged.judgement), to_string(c.expected)) << judged.evidence;
    EXPECT_EQ(judged.samples, c.phase.latency.count);
    EXPECT_EQ(judged.unit, "s");
    if (c.phase.latency.count == 0) {
      EXPECT_TRUE(judged.value.is_null());
      EXPECT_FALSE(judged.interval);
      continue;
    }
    EXPECT_DOUBLE_EQ(judged.value.as_double(), c.phase.latency.quantile(c.quantile));
    ASSERT_TRUE(judged.interval);
    EXPECT_LE(judged.interval->low, judged.value.as_double());
    EXPECT_GE(judged.interval->high, judged.value.as_double());
  }
}

TEST(JudgeLatency, TheEdgeCaseIntervalReallyStraddles) {
  const Samples edge = samples_of({{950, 0.0049, 0.0051}, {50, 0.199, 0.201}});
  LatencyProbe probe;
  const Judged judged = judge_latency(probe, at_most(0.050), edge, nullptr);
  ASSERT_TRUE(judged.interval);
  EXPECT_LT(judged.interval->low, 0.006);
  EXPECT_GT(judged.interval->high, 0.190);
}

TEST(JudgeLatency, StatementAndEvidenceCarryTheNumbers) {
  LatencyProbe probe;
  probe.quantile = 0.99;
  const Samples phase = fast(1480);
  const Judged judged = judge_latency(probe, at_most(0.050), phase, nullptr);
  EXPECT_EQ(judged.statement, "p99 latency at most 50.0 ms");
  EXPECT_TRUE(contains(judged.evidence, "p99 latency " + format_seconds(judged.value.as_double())))
      << judged.evidence;
  EXPECT_TRUE(contains(judged.evidence, "95 % interval " + format_seconds(judged.interval->low) +
                                            " – " + format_seconds(judged.interval->high)))
      << judged.evidence;
  EXPECT_TRUE(contains(judged.evidence, "over 1,480 answers")) << judged.evidence;

  const Judged ranged = judge_latency(probe, range(0.001, 0.010), phase, nullptr);
  EXPECT_EQ(ranged.statement, "p99 latency within 1.0 ms – 10.0 ms");
  EXPECT_EQ(judge_latency(probe, at_least(0.25), phase, nullptr).statement,
            "p99 latency at least 250 ms");
  EXPECT_EQ(judge_latency(probe, at_most(0.05), Samples{}, nullptr).evidence,
            "no answers to measure");
}

// ---------------------------------------------------------------------------------------------
// judge_latency: rose / fell against a baseline

struct ShiftCase {
  const char* name;
  Samples baseline;
  Samples phase;
  bool with_baseline;
  Kind kind;
  Judgement expected;
};

TEST(JudgeLatency, RoseAndFellAgainstTheBaseline) {
  const ShiftCase cases[] = {
      {"slower phase rose", fast(500), slow(500), true, Kind::rose, Judgement::met},
      {"slower phase did not fall", fast(500), slow(500), true, Kind::fell, Judgement::not_met},
      {"faster phase fell", slow(500), fast(500), true, Kind::fell, Judgement::met},
      {"faster phase did not rise", slow(500), fast(500), true, Kind::rose, Judgement::not_met},
      {"identical: no rise", fast(500), fast(500), true, Kind::rose, Judgement::not_met},
      {"identical: no fall", fast(500), fast(500), true, Kind::fell, Judgement::not_met},
      {"tiny phase", fast(500), slow(kMinAnswers - 1), true, Kind::rose, Judgement::inconclusive},
      {"tiny baseline", fast(kMinAnswers - 1), slow(500), true, Kind::rose,
       Judgement::inconclusive},
      {"both tiny", fast(5), slow(5), true, Kind::rose, Judgement::inconclusive},
      {"no baseline", Samples{}, slow(500), false, Kind::rose, Judgement::inconclusive},
      {"empty baseline", Samples{}, slow(500), true, Kind::rose, Judgement::inconclusive},
      {"empty phase", fast(500), Samples{}, true, Kind::rose, Judgement::inconclusive},
      // A fault that turns most answers into fast 503s and a tenth into slow ones: the typical
      // answer got faster, the P95 rose. The claim is about the P95.
      {"fast 503s and a slow tenth: p95 rose", fast(500), fast_and_slow(900, 100), true, Kind::rose,
       Judgement::met},
      {"fast 503s and a slow tenth: p95 did not fall", fast(500), fast_and_slow(900, 100), true,
       Kind::fell, Judgement::not_met},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    LatencyProbe probe;
    const Judged judged =
        judge_latency(probe, of_kind(c.kind), c.phase, c.with_baseline ? &c.baseline : nullptr);
    EXPECT_EQ(to_string(judged.judgement), to_string(c.expected)) << judged.evidence;
    // The phase's quantile interval, compared with the baseline's.
    EXPECT_EQ(judged.interval.has_value(),
              c.phase.latency.count > 0 && c.with_baseline && c.baseline.latency.count > 0);
  }
}

TEST(JudgeLatency, ShiftEvidenceNamesBothSidesAndTheTest) {
  LatencyProbe probe;
  const Samples baseline = fast(400);
  const Samples phase = slow(600);
  const Judged judged = judge_latency(probe, of_kind(Kind::rose), phase, &baseline, "'warm up'");
  EXPECT_EQ(judged.statement, "p95 latency higher than in 'warm up'");
  EXPECT_TRUE(contains(judged.evidence,
                       "p95 latency " + format_seconds(phase.latency.quantile(0.95)) + " (95 %"))
      << judged.evidence;
  EXPECT_TRUE(
      contains(judged.evidence, " against " + format_seconds(baseline.latency.quantile(0.95))))
      << judged.evidence;
  EXPECT_TRUE(contains(judged.evidence, ") in 'warm up'")) << judged.evidence;
  EXPECT_TRUE(contains(judged.evidence, "600 and 400 answers")) << judged.evidence;
  EXPECT_TRUE(contains(judged.evidence, "(95 % interval")) << judged.evidence;
  EXPECT_FALSE(contains(judged.evidence, "Mann-Whitney")) << judged.evidence;

  EXPECT_EQ(judge_latency(probe, of_kind(Kind::rose), phase, nullptr).evidence,
            "no answers in the baseline to compare with");
  EXPECT_EQ(judge_latency(probe, of_kind(Kind::fell), phase, nullptr).statement,
            "p95 latency lower than in the baseline");
}

// ---------------------------------------------------------------------------------------------
// judge_answers

// 1,000 answers (600 from the database, 300 from the cache at 200, 100 at 503 without a source)
// and 35 requests without an answer: 20 timeouts, 10 refused connections, 5 dropped.
Samples mixed() {
  Samples samples = samples_of({{600, 0.004, 0.006, 200, "database"},
                                {300, 0.001, 0.002, 200, "cache"},
                                {100, 0.010, 0.020, 503, ""}});
  samples.tally.timeouts = 20;
  samples.tally.connect_errors = 10;
  samples.tally.dropped = 5;
  samples.tally.sent += 30;
  return samples;
}

AnswersProbe by_status(int status) {
  AnswersProbe probe;
  probe.status = status;
  return probe;
}
AnswersProbe by_class(int status_class) {
  AnswersProbe probe;
  probe.status_class = status_class;
  return probe;
}
AnswersProbe by_source(std::string source) {
  AnswersProbe probe;
  probe.source = std::move(source);
  return probe;
}
AnswersProbe failed() {
  AnswersProbe probe;
  probe.failed = true;
  return probe;
}

struct AnswersCase {
  const char* name;
  AnswersProbe probe;
  std::uint64_t k;  // of mixed()'s 1,035 requests
};

TEST(JudgeAnswers, SharesOfEveryKindWithBinomialIntervals) {
  const Samples phase = mixed();
  ASSERT_EQ(phase.requests(), 1035u);
  const AnswersCase cases[] = {
      {"status 503", by_status(503), 100},
      {"status 200", by_status(200), 900},
      {"status 404 (none)", by_status(404), 0},
      {"class 5xx", by_class(5), 100},
      {"class 2xx", by_class(2), 900},
      {"class 4xx (none)", by_class(4), 0},
      {"source database", by_source("database"), 600},
      {"source cache", by_source("cache"), 300},
      {"source fallback_emergency (none)", by_source("fallback_emergency"), 0},
      {"failed: 503s, timeouts, refused, dropped", failed(), 135},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const double share = static_cast<double>(c.k) / 1035;
    const Interval expected = binomial_interval(c.k, 1035);
    const Judged judged = judge_answers(c.probe, at_most(1), phase, nullptr);
    EXPECT_EQ(judged.unit, "ratio");
    EXPECT_EQ(judged.samples, 1035u);
    EXPECT_DOUBLE_EQ(judged.value.as_double(), share);
    ASSERT_TRUE(judged.interval);
    EXPECT_DOUBLE_EQ(judged.interval->low, expected.low);
    EXPECT_DOUBLE_EQ(judged.interval->high, expected.high);
    EXPECT_EQ(judged.judgement, Judgement::met);  // every share is at most 100 %
    // Thresholds just outside the interval decide; the share itself lies inside it.
    EXPECT_EQ(judge_answers(c.probe, at_least(expected.low - 1e-9), phase, nullptr).judgement,
              Judgement::met);
    EXPECT_EQ(judge_answers(c.probe, at_most(expected.low - 1e-3), phase, nullptr).judgement,
              Judgement::not_met);
    EXPECT_EQ(judge_answers(c.probe, at_least(expected.high + 1e-3), phase, nullptr).judgement,
              Judgement::not_met);
    if (c.k > 0) {
      EXPECT_EQ(judge_answers(c.probe, at_most(share), phase, nullptr).judgement,
                Judgement::inconclusive);
      EXPECT_EQ(
          judge_answers(c.probe, range(expected.low, expected.high), phase, nullptr).judgement,
          Judgement::met);
    }
  }
}

TEST(JudgeAnswers, FewRequestsDecideOnlyWhatTheirIntervalAllows) {
  // A share needs no minimum count: its exact interval is as wide as few samples make it.
  // 18 failures out of 18 do show a share above 1 % (interval 81 % – 100 %)...
  const Samples failing = samples_of({{18, 0.004, 0.006, 503, ""}});
  EXPECT_EQ(judge_answers(by_status(503), at_least(0.01), failing, nullptr).judgement,
            Judgement::met);
  // ...but 0 failures out of 15 cannot show a share below 5 % (interval 0 % – 21.8 %).
  const Samples clean = samples_of({{15, 0.004, 0.006, 200, "cache"}});
  const Judged few = judge_answers(by_status(503), at_most(0.05), clean, nullptr);
  EXPECT_EQ(few.judgement, Judgement::inconclusive) << few.evidence;
  EXPECT_NEAR(few.interval->high, 0.218, 0.001);
  // With 200 clean answers it can (0 % – 1.8 %).
  EXPECT_EQ(judge_answers(by_status(503), at_most(0.05),
                          samples_of({{200, 0.004, 0.006, 200, "cache"}}), nullptr)
                .judgement,
            Judgement::met);

  const Judged none = judge_answers(by_status(503), at_most(0.01), Samples{}, nullptr);
  EXPECT_EQ(none.judgement, Judgement::inconclusive);
  EXPECT_EQ(none.evidence, "no requests in the phase");
  EXPECT_TRUE(none.value.is_null());
}

TEST(JudgeAnswers, RoseAndFellAgainstTheBaseline) {
  const Samples healthy = samples_of({{1000, 0.004, 0.006, 200, "database"}});
  const Samples broken =
      samples_of({{700, 0.004, 0.006, 200, "database"}, {300, 0.004, 0.006, 503, ""}});
  struct Case {
    const char* name;
    const Samples* baseline;
    const Samples* phase;
    Kind kind;
    Judgement expected;
  } cases[] = {
      {"503s rose", &healthy, &broken, Kind::rose, Judgement::met},
      {"503s did not fall", &healthy, &broken, Kind::fell, Judgement::not_met},
      {"503s fell back", &broken, &healthy, Kind::fell, Judgement::met},
      {"identical", &broken, &broken, Kind::rose, Judgement::not_met},
      {"no baseline", nullptr, &broken, Kind::rose, Judgement::inconclusive},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Judged judged = judge_answers(by_status(503), of_kind(c.kind), *c.phase, c.baseline);
    EXPECT_EQ(to_string(judged.judgement), to_string(c.expected)) << judged.evidence;
  }
  const Samples tiny = samples_of({{kMinRankSamples - 1, 0.004, 0.006, 503, ""}});
  EXPECT_EQ(judge_answers(by_status(503), of_kind(Kind::rose), tiny, &healthy).judgement,
            Judgement::inconclusive);
  const Judged judged = judge_answers(by_status(503), of_kind(Kind::rose), broken, &healthy);
  EXPECT_TRUE(contains(judged.evidence, "30.0 % of 1,000 requests against 0 % of 1,000"))
      << judged.evidence;
}

TEST(JudgeAnswers, StatementAndEvidenceCarryTheNumbers) {
  const Samples phase = mixed();
  const Judged judged = judge_answers(by_class(5), at_most(0.01), phase, nullptr);
  EXPECT_EQ(judged.statement, "share of requests answered 5xx at most 1.0 %");
  EXPECT_EQ(judged.judgement, Judgement::not_met);
  EXPECT_TRUE(contains(judged.evidence, "9.7 % (100 of 1,035 requests)")) << judged.evidence;
  EXPECT_TRUE(contains(judged.evidence, "95 % interval " + format_percent(judged.interval->low) +
                                            " – " + format_percent(judged.interval->high)))
      << judged.evidence;
  EXPECT_EQ(judge_answers(by_status(503), at_least(0.5), phase, nullptr).statement,
            "share of requests answered 503 at least 50.0 %");
  EXPECT_EQ(judge_answers(by_source("cache"), at_least(0.5), phase, nullptr).statement,
            "share of requests answered from cache at least 50.0 %");
  EXPECT_TRUE(contains(judge_answers(failed(), at_most(0.5), phase, nullptr).statement,
                       "share of requests failed"));
}

// ---------------------------------------------------------------------------------------------
// judge_metric

MetricProbe metric(MetricProbe::Statistic statistic, std::string series = "pool_active") {
  MetricProbe probe;
  probe.series = std::move(series);
  probe.statistic = statistic;
  return probe;
}

TEST(JudgeMetric, StatisticsOfASeries) {
  using S = MetricProbe::Statistic;
  const std::vector<double> series{3, 7, 2, 9, 5};
  struct Case {
    S statistic;
    double value;
  } cases[] = {{S::max, 9}, {S::min, 2}, {S::first, 3}, {S::last, 5}, {S::increase, 2}};
  for (const auto& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.statistic));
    const Judged judged = judge_metric(metric(c.statistic), at_least(c.value), series, {});
    EXPECT_DOUBLE_EQ(judged.value.as_double(), c.value);
    ASSERT_TRUE(judged.interval);  // a point is what it is
    EXPECT_DOUBLE_EQ(judged.interval->low, c.value);
    EXPECT_DOUBLE_EQ(judged.interval->high, c.value);
    EXPECT_EQ(judged.judgement, Judgement::met);
    EXPECT_EQ(judge_metric(metric(c.statistic), at_least(c.value + 0.5), series, {}).judgement,
              Judgement::not_met);
    EXPECT_EQ(judge_metric(metric(c.statistic), at_most(c.value), series, {}).judgement,
              Judgement::met);
    EXPECT_EQ(judged.samples, 5u);
  }
}

TEST(JudgeMetric, MeanHasABootstrapInterval) {
  const std::vector<double> series{10, 12, 11, 13, 9, 10, 12, 11, 10, 12};
  const Interval expected = bootstrap_mean_interval(series);
  const Judged judged =
      judge_metric(metric(MetricProbe::Statistic::mean), at_most(100), series, {});
  EXPECT_DOUBLE_EQ(judged.value.as_double(), 11);
  ASSERT_TRUE(judged.interval);
  EXPECT_DOUBLE_EQ(judged.interval->low, expected.low);
  EXPECT_DOUBLE_EQ(judged.interval->high, expected.high);
  EXPECT_LT(judged.interval->low, 11);
  EXPECT_GT(judged.interval->high, 11);
  EXPECT_EQ(judged.judgement, Judgement::met);
  const auto mean = metric(MetricProbe::Statistic::mean);
  EXPECT_EQ(judge_metric(mean, at_least(100), series, {}).judgement, Judgement::not_met);
  EXPECT_EQ(judge_metric(mean, at_least(11), series, {}).judgement, Judgement::inconclusive);
  EXPECT_EQ(judge_metric(mean, range(5, 15), series, {}).judgement, Judgement::met);
  EXPECT_EQ(judged.statement, "pool_active (mean) at most 100");
  EXPECT_TRUE(contains(judged.evidence, "pool_active (mean) 11 (95 % interval " +
                                            format_plain(expected.low) + " – " +
                                            format_plain(expected.high) + ") over 10 points"))
      << judged.evidence;
}

TEST(JudgeMetric, TooFewPointsOrNoneAreInconclusive) {
  const auto max = metric(MetricProbe::Statistic::max);
  const std::vector<double> two{1, 2};
  EXPECT_EQ(judge_metric(max, at_most(100), two, {}).judgement, Judgement::inconclusive);
  const std::vector<double> three{1, 2, 3};
  EXPECT_EQ(judge_metric(max, at_most(100), three, {}).judgement, Judgement::met);
  const Judged none = judge_metric(max, at_most(100), {}, {});
  EXPECT_EQ(none.judgement, Judgement::inconclusive);
  EXPECT_EQ(none.evidence, "no points of pool_active in the phase");
}

TEST(JudgeMetric, RoseAndFellOnSeries) {
  const auto mean = metric(MetricProbe::Statistic::mean);
  const std::vector<double> calm{1, 1, 2, 1, 2, 1, 1, 2};
  const std::vector<double> busy{10, 11, 12, 10, 11, 12, 10, 11};
  EXPECT_EQ(judge_metric(mean, of_kind(Kind::rose), busy, calm).judgement, Judgement::met);
  EXPECT_EQ(judge_metric(mean, of_kind(Kind::fell), busy, calm).judgement, Judgement::not_met);
  EXPECT_EQ(judge_metric(mean, of_kind(Kind::fell), calm, busy).judgement, Judgement::met);
  EXPECT_EQ(judge_metric(mean, of_kind(Kind::rose), calm, calm).judgement, Judgement::not_met);
  const std::vector<double> two_calm{1, 1};
  const std::vector<double> two_busy{10, 11};
  EXPECT_EQ(judge_metric(mean, of_kind(Kind::rose), two_busy, two_calm).judgement,
            Judgement::inconclusive);
  const Judged no_baseline = judge_metric(mean, of_kind(Kind::rose), busy, {});
  EXPECT_EQ(no_baseline.judgement, Judgement::inconclusive);
  EXPECT_EQ(no_baseline.evidence, "no baseline points of pool_active to compare with");

  const Judged judged =
      judge_metric(metric(MetricProbe::Statistic::max), of_kind(Kind::rose), busy, calm);
  EXPECT_TRUE(contains(judged.evidence,
                       "pool_active (max) 12 against 2 in the baseline, over 8 "
                       "and 8 points"))
      << judged.evidence;
}

TEST(JudgeMetric, UnitFollowsTheSeries) {
  const std::vector<double> series{0.010, 0.012, 0.011};
  const Judged latency = judge_metric(metric(MetricProbe::Statistic::max, "gateway_latency_p95"),
                                      at_most(0.050), series, {});
  EXPECT_EQ(latency.unit, "s");
  EXPECT_EQ(latency.statement, "gateway_latency_p95 (max) at most 50.0 ms");
  EXPECT_TRUE(contains(latency.evidence, "12.0 ms over 3 points")) << latency.evidence;
  EXPECT_EQ(judge_metric(metric(MetricProbe::Statistic::max), at_most(1), series, {}).unit, "");
}

// ---------------------------------------------------------------------------------------------
// judge_value and value_meets

struct ValueCase {
  const char* name;
  Tolerance tolerance;
  json::value value;
  bool meets;
};

TEST(ValueMeets, EqualsOneOfRangeRegex) {
  const ValueCase cases[] = {
      {"5 equals 5.0", equals(5.0), json::value(5), true},
      {"5.0 equals 5", equals(5), json::value(5.0), true},
      {"unsigned 5 equals 5", equals(5), json::value(5u), true},
      {"5 is not 6", equals(5), json::value(6), false},
      {"'5' is not 5", equals(5), json::value("5"), false},
      {"OPEN equals OPEN", equals("OPEN"), json::value("OPEN"), true},
      {"open is not OPEN", equals("OPEN"), json::value("open"), false},
      {"true equals true", equals(true), json::value(true), true},
      {"false is not true", equals(true), json::value(false), false},
      {"null is not 0", equals(0), json::value(nullptr), false},
      {"one of: HALF_OPEN", one_of({"OPEN", "HALF_OPEN"}), json::value("HALF_OPEN"), true},
      {"one of: CLOSED is not", one_of({"OPEN", "HALF_OPEN"}), json::value("CLOSED"), false},
      {"one of: 204.0 among 200, 204", one_of({200, 204}), json::value(204.0), true},
      {"one of: 500 is not", one_of({200, 204}), json::value(500), false},
      {"range: 204 in 200-299", range(200, 299), json::value(204), true},
      {"range: low end", range(200, 299), json::value(200), true},
      {"range: high end", range(200, 299), json::value(299.0), true},
      {"range: 404 is out", range(200, 299), json::value(404), false},
      {"range: '204' is text", range(200, 299), json::value("204"), false},
      {"range: null", range(200, 299), json::value(nullptr), false},
      {"regex: digits", regex("^[0-9]+$"), json::value("3000"), true},
      {"regex: a number's text", regex("^[0-9]+$"), json::value(3000), true},
      {"regex: letters are not digits", regex("^[0-9]+$"), json::value("abc"), false},
      {"regex: searches, not anchored", regex("PEN"), json::value("HALF_OPEN"), true},
      {"regex: an object's JSON", regex("\"state\":\"OPEN\""), json::value({{"state", "OPEN"}}),
       true},
      {"at-most never on a value", at_most(10), json::value(5), false},
      {"at-least never on a value", at_least(0), json::value(5), false},
      {"rose never on a value", of_kind(Kind::rose), json::value(5), false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(value_meets(c.tolerance, c.value), c.meets);
    const Judged judged = judge_value(c.tolerance, c.value, "the answer's status");
    EXPECT_EQ(judged.judgement, c.meets ? Judgement::met : Judgement::not_met);
    EXPECT_EQ(judged.value, c.value);
    EXPECT_EQ(judged.samples, 1u);
    EXPECT_FALSE(judged.interval);
  }
}

TEST(JudgeValue, StatementAndEvidenceNameSubjectAndValue) {
  const Judged status = judge_value(equals(200), json::value(503), "the answer's status");
  EXPECT_EQ(status.statement, "the answer's status equal to 200");
  EXPECT_EQ(status.evidence, "the answer's status was 503");
  EXPECT_EQ(status.judgement, Judgement::not_met);

  const Judged state = judge_value(one_of({"OPEN", "HALF_OPEN"}), json::value("OPEN"),
                                   "/resilience circuit_breaker.state within 5.00 s");
  EXPECT_EQ(state.statement,
            "/resilience circuit_breaker.state within 5.00 s one of [\"OPEN\",\"HALF_OPEN\"]");
  EXPECT_EQ(state.evidence, "/resilience circuit_breaker.state within 5.00 s was \"OPEN\"");
  EXPECT_EQ(judge_value(regex("^[0-9]+$"), json::value("12"), "x").statement,
            "x matching /^[0-9]+$/");
  EXPECT_EQ(judge_value(range(200, 299), json::value(201), "x").statement, "x within 200 – 299");
}

TEST(JudgementNames, AreTheJournals) {
  EXPECT_EQ(to_string(Judgement::met), "met");
  EXPECT_EQ(to_string(Judgement::not_met), "not_met");
  EXPECT_EQ(to_string(Judgement::inconclusive), "inconclusive");
}

}  // namespace
}  // namespace srelab::experiment
