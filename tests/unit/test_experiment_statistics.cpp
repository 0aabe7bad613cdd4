// Verdict statistics: Clopper-Pearson ends against R's binom.test and high-precision references,
// the special functions beneath them, the order-statistic interval of a quantile read off a
// histogram (its ranks, its coverage of the true value, its narrowing with n), Mann-Whitney U on
// series and on histograms (a worked example, agreement when the ties match, O(buckets) on huge
// counts), the seeded bootstrap, and the judge table.
//
// The 17-digit references were computed at 30 significant digits: Clopper-Pearson ends by
// bisection on exact binomial tail sums, normal quantiles by bisection on the normal CDF,
// incomplete betas from their hypergeometric series, binomial quantiles by summing the exact pmf.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/random.hpp"
#include "experiment/special_functions.hpp"
#include "experiment/statistics.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::experiment {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Relative closeness; an expected 0 or 1 at an interval's end must be exact.
::testing::AssertionResult close(double actual, double expected, double relative) {
  if (std::abs(actual - expected) <= relative * std::abs(expected)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << actual << " is not within " << relative << " (relative) of " << expected;
}

double width(Interval interval) {
  return interval.high - interval.low;
}

// ---------------------------------------------------------------------------------------------
// binomial_interval

struct BinomialCase {
  std::uint64_t successes;
  std::uint64_t trials;
  double level;
  double low;
  double high;
};

TEST(BinomialInterval, MatchesKnownClopperPearsonEnds) {
  // The first five are R's binom.test examples (to its 5 printed digits: 0.08657, 0.49105, ...).
  const BinomialCase cases[] = {
      {5, 20, 0.95, 0.086571469101434539, 0.49104587170795754},
      {0, 10, 0.95, 0, 0.30849710781876076},
      {10, 10, 0.95, 0.69150289218123924, 1},
      {50, 100, 0.95, 0.398321129503301, 0.601678870496699},
      {1, 1000, 0.95, 2.5317487491294043e-5, 0.0055589242798266729},
      {5, 20, 0.99, 0.058333936058951818, 0.55976090775843911},
      {500000, 1000000, 0.95, 0.49901951919531182, 0.50098048080468818},
      {3, 10000000, 0.95, 6.1867216562505893e-8, 8.7672705415797509e-7},
      {9999990, 10000000, 0.95, 0.99999816096516731, 0.99999952046102957},
      {1234567, 10000000, 0.99, 0.12318887464344661, 0.12372488366268683},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.successes << "/" << c.trials << " at " << c.level);
    const Interval interval = binomial_interval(c.successes, c.trials, c.level);
    EXPECT_TRUE(close(interval.low, c.low, 1e-10));
    EXPECT_TRUE(close(interval.high, c.high, 1e-10));
  }
}

TEST(BinomialInterval, NoTrialsSaysNothing) {
  for (double level : {0.5, 0.95, 0.99}) {
    const Interval interval = binomial_interval(0, 0, level);
    EXPECT_EQ(interval.low, 0);
    EXPECT_EQ(interval.high, 1);
  }
}

TEST(BinomialInterval, HigherLevelIsWiderAndNests) {
  const std::uint64_t cases[][2] = {{0, 10}, {1, 10}, {5, 20}, {10, 10}, {999, 1000}, {3, 7}};
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << c[0] << "/" << c[1]);
    const Interval at95 = binomial_interval(c[0], c[1], 0.95);
    const Interval at99 = binomial_interval(c[0], c[1], 0.99);
    EXPECT_GT(width(at99), width(at95));
    EXPECT_LE(at99.low, at95.low);
    EXPECT_GE(at99.high, at95.high);
    const double rate = static_cast<double>(c[0]) / static_cast<double>(c[1]);
    EXPECT_LE(at95.low, rate);
    EXPECT_GE(at95.high, rate);
  }
}

TEST(BinomialInterval, NaNLevelGivesNaNEnds) {
  const Interval interval = binomial_interval(5, 20, kNaN);
  EXPECT_TRUE(std::isnan(interval.low));
  EXPECT_TRUE(std::isnan(interval.high));
}

TEST(BinomialInterval, MoreSuccessesThanTrialsIsABug) {
  EXPECT_THROW(binomial_interval(11, 10), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// special functions

TEST(SpecialFunctions, IncompleteBetaKnownValues) {
  struct Case {
    double a, b, x, expected;
  };
  const Case cases[] = {
      {2, 3, 0.4, 0.5248},                   // a binomial tail: exact in decimal
      {0.5, 0.5, 0.3, 0.36901011956554538},  // (2/pi) asin(sqrt(0.3))
      {10, 20, 0.25, 0.16630494959787945},
      {100, 1, 0.99, 0.36603234127322918},  // 0.99^100
      {1, 1, 0.3, 0.3},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << "I_" << c.x << "(" << c.a << ", " << c.b << ")");
    EXPECT_TRUE(close(regularized_incomplete_beta(c.a, c.b, c.x), c.expected, 1e-13));
    EXPECT_TRUE(close(regularized_incomplete_beta(c.b, c.a, 1 - c.x), 1 - c.expected, 1e-13));
  }
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 0), 0);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 1), 1);
}

TEST(SpecialFunctions, InverseIncompleteBetaRoundTrips) {
  struct Case {
    double a, b, p;
  };
  const Case cases[] = {{1, 1e7, 0.025}, {5e6, 5e6, 0.975}, {0.5, 0.5, 0.01},
                        {3, 2, 0.5},     {1e5, 3, 0.999},   {20, 1, 1e-6}};
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << "a " << c.a << " b " << c.b << " p " << c.p);
    const double x = inverse_regularized_incomplete_beta(c.a, c.b, c.p);
    EXPECT_GT(x, 0);
    EXPECT_LT(x, 1);
    EXPECT_TRUE(close(regularized_incomplete_beta(c.a, c.b, x), c.p, 1e-10));
  }
  EXPECT_EQ(inverse_regularized_incomplete_beta(2, 3, 0), 0);
  EXPECT_EQ(inverse_regularized_incomplete_beta(2, 3, 1), 1);
}

TEST(SpecialFunctions, NormalDistribution) {
  // References for the double nearest each p (0.975 and 0.3 are not exact in binary).
  EXPECT_TRUE(close(normal_quantile(0.975), 1.9599639845400539, 1e-14));
  EXPECT_TRUE(close(normal_quantile(0.025), -1.9599639845400542, 1e-14));
  EXPECT_TRUE(close(normal_quantile(0.3), -0.52440051270804082, 1e-14));
  EXPECT_TRUE(close(normal_quantile(1e-10), -6.3613409024040562, 1e-14));
  EXPECT_TRUE(close(normal_quantile(1e-20), -9.2623400897984076, 1e-14));
  EXPECT_TRUE(close(normal_quantile(0.999999), 4.7534243088170878, 1e-14));
  EXPECT_EQ(normal_quantile(0.5), 0);
  EXPECT_EQ(normal_quantile(0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(normal_quantile(1), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(close(normal_cdf(-3), 0.0013498980316300945, 1e-14));
  EXPECT_TRUE(close(normal_cdf(1.5), 0.93319279873114193, 1e-14));
  for (double z : {-8.0, -2.5, -0.1, 0.7, 3.0}) {
    EXPECT_TRUE(close(normal_quantile(normal_cdf(z)), z, 1e-9)) << z;
  }
}

TEST(SpecialFunctions, BinomialQuantileMatchesExactSums) {
  struct Case {
    std::uint64_t n;
    double q, p;
    std::uint64_t expected;
  };
  const Case cases[] = {
      {20, 0.95, 0.025, 17},     {20, 0.95, 0.975, 20},     {1000, 0.95, 0.025, 936},
      {1000, 0.95, 0.975, 963},  {1000, 0.5, 0.005, 459},   {1000, 0.5, 0.995, 541},
      {5000, 0.99, 0.025, 4936}, {5000, 0.99, 0.975, 4963}, {1, 0.5, 0.975, 1},
      {1000, 0, 0.5, 0},         {1000, 1, 0.5, 1000},      {1000, 0.5, 0, 0},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(binomial_quantile(c.n, c.q, c.p), c.expected)
        << "n " << c.n << " q " << c.q << " p " << c.p;
  }
}

// ---------------------------------------------------------------------------------------------
// quantile_interval

// A layout and values with one value per fine bucket (neighbours 1.4 % apart, buckets 0.4 %
// wide), so that the value read at a rank tells the rank.
telemetry::HistogramLayout one_value_per_bucket_layout() {
  telemetry::HistogramLayout layout;
  layout.lowest = 1;
  layout.highest = std::ldexp(1.0, 21);
  layout.precision_bits = 8;
  return layout;
}

double spread_value(int k) {
  return std::exp2(k / 50.0);
}  // k in 1..1000

TEST(QuantileInterval, ReadsTheOrderStatisticsOfTheBinomialRanks) {
  telemetry::Histogram histogram(one_value_per_bucket_layout());
  for (int k = 1; k <= 1000; ++k) histogram.observe(spread_value(k));
  const auto snapshot = histogram.snapshot();
  const double error = snapshot.relative_error();
  // n = 1000, q = 0.95: qbinom(0.025) = 936 and qbinom(0.975) + 1 = 964.
  const Interval interval = quantile_interval(snapshot, 0.95);
  EXPECT_TRUE(close(interval.low, spread_value(936), error));
  EXPECT_TRUE(close(interval.high, spread_value(964), error));
  // The median at 99 %: qbinom(0.005) = 459 and qbinom(0.995) + 1 = 542.
  const Interval median = quantile_interval(snapshot, 0.5, 0.99);
  EXPECT_TRUE(close(median.low, spread_value(459), error));
  EXPECT_TRUE(close(median.high, spread_value(542), error));
}

TEST(QuantileInterval, ContainsTheTrueP95AndNarrowsWithN) {
  // 1..1000 ms, each `copies` times: the nearest-rank p95 is 0.950 s at every n.
  double previous_width = std::numeric_limits<double>::infinity();
  double first_width = 0;
  for (int copies : {1, 10, 100, 1000}) {
    telemetry::Histogram histogram;
    for (int c = 0; c < copies; ++c) {
      for (int ms = 1; ms <= 1000; ++ms) histogram.observe(ms * 0.001);
    }
    const auto snapshot = histogram.snapshot();
    const double error = snapshot.relative_error();
    const Interval interval = quantile_interval(snapshot, 0.95);
    SCOPED_TRACE(::testing::Message() << "n " << snapshot.count << ": [" << interval.low << ", "
                                      << interval.high << "]");
    EXPECT_LE(interval.low, 0.95 * (1 + error));
    EXPECT_GE(interval.high, 0.95 * (1 - error));
    EXPECT_LE(width(interval), previous_width);
    if (copies == 1) first_width = width(interval);
    previous_width = width(interval);
  }
  EXPECT_LT(previous_width, first_width);
}

TEST(QuantileInterval, EmptyOrNaNGivesNaNEnds) {
  const telemetry::HistogramSnapshot none;
  const telemetry::HistogramSnapshot empty = telemetry::Histogram().snapshot();
  for (const auto* snapshot : {&none, &empty}) {
    const Interval interval = quantile_interval(*snapshot, 0.95);
    EXPECT_TRUE(std::isnan(interval.low));
    EXPECT_TRUE(std::isnan(interval.high));
  }
  telemetry::Histogram histogram;
  histogram.observe(0.01);
  EXPECT_TRUE(std::isnan(quantile_interval(histogram.snapshot(), kNaN).low));
}

TEST(QuantileInterval, ExtremeQuantilesAreTheExtremes) {
  telemetry::Histogram histogram;
  for (int ms = 1; ms <= 100; ++ms) histogram.observe(ms * 0.001);
  const auto snapshot = histogram.snapshot();
  const Interval lowest = quantile_interval(snapshot, 0);
  EXPECT_EQ(lowest.low, snapshot.min);
  EXPECT_EQ(lowest.high, snapshot.min);
  const Interval highest = quantile_interval(snapshot, 1);
  EXPECT_EQ(highest.low, snapshot.max);
  EXPECT_EQ(highest.high, snapshot.max);
}

// Counts no loop over values could get through: quantile_interval and compare_ranks must work
// from the buckets and the binomial distribution alone.
telemetry::HistogramSnapshot huge_snapshot(std::size_t first_bucket, std::uint64_t per_bucket) {
  telemetry::HistogramLayout layout;
  layout.precision_bits = 6;  // 32 octaves: 2050 fine buckets
  telemetry::HistogramSnapshot snapshot = telemetry::Histogram(layout).snapshot();
  for (std::size_t i = first_bucket; i < first_bucket + 1000; ++i) snapshot.fine[i] = per_bucket;
  snapshot.count = 1000 * per_bucket;
  snapshot.min = 1e-6;
  snapshot.max = 3600;
  return snapshot;
}

TEST(QuantileInterval, HugeCountsNarrowToTheQuantilesBucket) {
  // A billion values, a million per bucket: the 95 % ranks of the q = 0.9905 quantile are
  // 990.5 M +- 6200, all inside the bucket of rank 990.5 M.
  const auto snapshot = huge_snapshot(500, 1'000'000);
  const Interval interval = quantile_interval(snapshot, 0.9905);
  const double estimate = snapshot.quantile(0.9905);
  EXPECT_EQ(interval.low, estimate);
  EXPECT_EQ(interval.high, estimate);
}

// ---------------------------------------------------------------------------------------------
// compare_ranks

// R: wilcox.test(x, y, exact = FALSE, correct = FALSE) gives W = 58 (p two-sided 0.1219). By
// hand: each x beats 7 of the y except 0.50 (0), 2.48 and 3.06 (8 each): U = 58 of 81 pairs, no
// tie across the samples. Ties within y (1.06 twice, 1.29 twice): sum(t^3 - t) = 12, so
// var = 81/12 * (19 - 12 / (18 * 17)) = 127.98529411764706, z = (58 - 40.5) / sqrt(var)
// = 1.5468849469763067, one-sided p = 1 - Phi(z) = 0.060945495748380511.
TEST(CompareRanks, WorkedExample) {
  const std::vector<double> x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const std::vector<double> y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  const RankComparison larger = compare_ranks(y, x);
  EXPECT_EQ(larger.n_earlier, 9u);
  EXPECT_EQ(larger.n_later, 9u);
  EXPECT_TRUE(close(larger.effect, 58.0 / 81, 1e-15));
  EXPECT_TRUE(close(larger.z, 1.5468849469763067, 1e-13));
  EXPECT_TRUE(close(larger.p_greater, 0.060945495748380511, 1e-12));
  EXPECT_TRUE(close(larger.p_less, 1 - 0.060945495748380511, 1e-12));
  const RankComparison smaller = compare_ranks(x, y);
  EXPECT_TRUE(close(smaller.effect, 23.0 / 81, 1e-15));
  EXPECT_TRUE(close(smaller.z, -1.5468849469763067, 1e-13));
  EXPECT_TRUE(close(smaller.p_less, 0.060945495748380511, 1e-12));
}

std::vector<double> uniform_ms(Random& random, int count, double from_ms, double to_ms) {
  std::vector<double> values(static_cast<std::size_t>(count));
  for (double& v : values) v = (from_ms + random.unit() * (to_ms - from_ms)) * 0.001;
  return values;
}

telemetry::HistogramSnapshot histogram_of(const std::vector<double>& values,
                                          const telemetry::HistogramLayout& layout = {}) {
  telemetry::Histogram histogram(layout);
  for (double v : values) histogram.observe(v);
  return histogram.snapshot();
}

TEST(CompareRanks, IdenticalSamplesShowNoDifference) {
  Random random(7);
  const auto values = uniform_ms(random, 500, 10, 20);
  const auto snapshot = histogram_of(values);
  for (const RankComparison& same :
       {compare_ranks(values, values), compare_ranks(snapshot, snapshot)}) {
    EXPECT_EQ(same.effect, 0.5);
    EXPECT_EQ(same.z, 0);
    EXPECT_DOUBLE_EQ(same.p_greater, 0.5);
    EXPECT_DOUBLE_EQ(same.p_less, 0.5);
  }
}

TEST(CompareRanks, ShiftedSamplesAreSeenInTheRightDirection) {
  Random random(11);
  const auto baseline = uniform_ms(random, 1000, 10, 20);
  const auto slower = uniform_ms(random, 1000, 12, 22);
  const auto baseline_histogram = histogram_of(baseline);
  const auto slower_histogram = histogram_of(slower);
  for (const RankComparison& up :
       {compare_ranks(baseline, slower), compare_ranks(baseline_histogram, slower_histogram)}) {
    EXPECT_GT(up.effect, 0.6);
    EXPECT_GT(up.z, 5);
    EXPECT_LT(up.p_greater, 1e-6);
    EXPECT_GT(up.p_less, 0.999);
  }
  for (const RankComparison& down :
       {compare_ranks(slower, baseline), compare_ranks(slower_histogram, baseline_histogram)}) {
    EXPECT_LT(down.effect, 0.4);
    EXPECT_LT(down.p_less, 1e-6);
    EXPECT_GT(down.p_greater, 0.999);
  }
}

TEST(CompareRanks, HistogramAndSeriesAgreeWhenTheirTiesAgree) {
  // Values from a grid with one value per fine bucket: equal values <=> equal buckets, with
  // plenty of ties (700 values over 900 grid points).
  Random random(3);
  std::vector<double> earlier;
  std::vector<double> later;
  for (int i = 0; i < 300; ++i)
    earlier.push_back(spread_value(static_cast<int>(random.between(1, 900))));
  for (int i = 0; i < 400; ++i)
    later.push_back(spread_value(static_cast<int>(random.between(50, 950))));
  const auto layout = one_value_per_bucket_layout();
  const RankComparison series = compare_ranks(earlier, later);
  const RankComparison buckets =
      compare_ranks(histogram_of(earlier, layout), histogram_of(later, layout));
  EXPECT_EQ(buckets.n_earlier, 300u);
  EXPECT_EQ(buckets.n_later, 400u);
  EXPECT_TRUE(close(buckets.effect, series.effect, 1e-14));
  EXPECT_TRUE(close(buckets.z, series.z, 1e-12));
  EXPECT_TRUE(close(buckets.p_greater, series.p_greater, 1e-12));
  EXPECT_TRUE(close(buckets.p_less, series.p_less, 1e-12));
}

TEST(CompareRanks, HistogramOnlyAddsBucketTies) {
  // Continuous values in the default layout: a bucket's values become ties, which moves U only
  // by the pairs inside one bucket (a bucket is ~3 % wide here, the spread 5 ms over 15 ms).
  Random random(5);
  const auto earlier = uniform_ms(random, 2000, 10, 20);
  const auto later = uniform_ms(random, 2000, 11, 21);
  const RankComparison series = compare_ranks(earlier, later);
  const RankComparison buckets = compare_ranks(histogram_of(earlier), histogram_of(later));
  EXPECT_NEAR(buckets.effect, series.effect, 0.01);
  EXPECT_NEAR(buckets.z, series.z, 0.05 * series.z);
}

TEST(CompareRanks, EmptyOrAllTiedSaysNothing) {
  const std::vector<double> none;
  const std::vector<double> ones = {1, 1, 1};
  const std::vector<double> gaps = {kNaN, kNaN};
  for (const RankComparison& nothing : {compare_ranks(none, ones), compare_ranks(ones, none),
                                        compare_ranks(ones, ones), compare_ranks(gaps, ones)}) {
    EXPECT_EQ(nothing.effect, 0.5);
    EXPECT_EQ(nothing.z, 0);
    EXPECT_EQ(nothing.p_greater, 1);
    EXPECT_EQ(nothing.p_less, 1);
  }
  EXPECT_EQ(compare_ranks(gaps, ones).n_earlier, 0u);
  EXPECT_EQ(compare_ranks(gaps, ones).n_later, 3u);
  const RankComparison empty_histogram =
      compare_ranks(telemetry::HistogramSnapshot{}, histogram_of({0.01, 0.02}));
  EXPECT_EQ(empty_histogram.n_earlier, 0u);
  EXPECT_EQ(empty_histogram.n_later, 2u);
  EXPECT_EQ(empty_histogram.p_greater, 1);
}

TEST(CompareRanks, DifferentLayoutsAreABug) {
  telemetry::HistogramLayout fine;
  fine.precision_bits = 7;
  EXPECT_THROW(compare_ranks(histogram_of({0.01}), histogram_of({0.02}, fine)),
               std::invalid_argument);
}

TEST(CompareRanks, HugeCountsInOnePassOverTheBuckets) {
  const auto baseline = huge_snapshot(500, 1'000'000);
  const RankComparison same = compare_ranks(baseline, baseline);
  EXPECT_EQ(same.n_earlier, 1'000'000'000u);
  EXPECT_DOUBLE_EQ(same.effect, 0.5);  // U passes 2^53 here: rounded, not exact
  EXPECT_NEAR(same.p_greater, 0.5, 1e-9);
  // One bucket up (1.1 % slower) across a billion values: overwhelming evidence.
  const RankComparison up = compare_ranks(baseline, huge_snapshot(501, 1'000'000));
  EXPECT_GT(up.effect, 0.5);
  EXPECT_LT(up.effect, 0.502);
  EXPECT_LT(up.p_greater, 1e-6);
}

// ---------------------------------------------------------------------------------------------
// bootstrap_mean_interval

std::vector<double> symmetric_sample() {  // 50..150, mean 100
  std::vector<double> values;
  for (int i = -50; i <= 50; ++i) values.push_back(100 + i);
  return values;
}

TEST(BootstrapMeanInterval, ReproducibleForASeed) {
  const auto values = symmetric_sample();
  const Interval first = bootstrap_mean_interval(values, 0.95, 42);
  const Interval again = bootstrap_mean_interval(values, 0.95, 42);
  EXPECT_EQ(first.low, again.low);
  EXPECT_EQ(first.high, again.high);
  const Interval other = bootstrap_mean_interval(values, 0.95, 43);
  EXPECT_TRUE(first.low != other.low || first.high != other.high);
}

TEST(BootstrapMeanInterval, ContainsTheMeanOfASymmetricSample) {
  const auto values = symmetric_sample();
  // Standard error: sd 29.15 (population) / sqrt(101) = 2.90; a 95 % interval is ~ +-5.7.
  const Interval at95 = bootstrap_mean_interval(values, 0.95, 1);
  EXPECT_LT(at95.low, 100);
  EXPECT_GT(at95.high, 100);
  EXPECT_NEAR(width(at95), 2 * 1.96 * 2.90, 1.5);
  const Interval at99 = bootstrap_mean_interval(values, 0.99, 1);
  EXPECT_GT(width(at99), width(at95));
}

TEST(BootstrapMeanInterval, EmptyGapsAndSingleValues) {
  const std::vector<double> none;
  EXPECT_TRUE(std::isnan(bootstrap_mean_interval(none).low));
  EXPECT_TRUE(std::isnan(bootstrap_mean_interval(std::vector<double>{kNaN}).high));
  const Interval gapped = bootstrap_mean_interval(std::vector<double>{1, kNaN, 2, 3}, 0.9, 5);
  const Interval whole = bootstrap_mean_interval(std::vector<double>{1, 2, 3}, 0.9, 5);
  EXPECT_EQ(gapped.low, whole.low);
  EXPECT_EQ(gapped.high, whole.high);
  const Interval single = bootstrap_mean_interval(std::vector<double>{0.25});
  EXPECT_EQ(single.low, 0.25);
  EXPECT_EQ(single.high, 0.25);
}

// ---------------------------------------------------------------------------------------------
// judge_at_least / judge_at_most

TEST(Judge, Table) {
  using enum Judgement;
  struct Case {
    Interval interval;
    double threshold;
    Judgement at_least;
    Judgement at_most;
  };
  const Case cases[] = {
      {{0.90, 0.95}, 0.80, met, not_met},
      {{0.90, 0.95}, 0.99, not_met, met},
      {{0.90, 0.95}, 0.92, inconclusive, inconclusive},
      {{0.90, 0.95}, 0.90, met, inconclusive},  // an end on the threshold is on its side
      {{0.90, 0.95}, 0.95, inconclusive, met},
      {{0.90, 0.90}, 0.90, met, met},
      {{kNaN, 0.95}, 0.50, inconclusive, inconclusive},
      {{0.90, kNaN}, 0.99, inconclusive, inconclusive},
      {{kNaN, kNaN}, 0.50, inconclusive, inconclusive},
      {{0.90, 0.95}, kNaN, inconclusive, inconclusive},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << "[" << c.interval.low << ", " << c.interval.high
                                      << "] against " << c.threshold);
    EXPECT_EQ(judge_at_least(c.interval, c.threshold), c.at_least);
    EXPECT_EQ(judge_at_most(c.interval, c.threshold), c.at_most);
  }
}

}  // namespace
}  // namespace srelab::experiment
