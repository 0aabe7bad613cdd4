// The statistics behind a verdict, sans I/O: an interval for a rate (exact binomial), an interval
// for a latency quantile (distribution-free, from order statistics), a bootstrap interval for the
// mean of a short series (a metric sampled once a second), and a rank test (Mann-Whitney U) for
// "this phase's values are larger / smaller than the baseline's", on histograms or on series.
// The judge functions turn an interval and a threshold into met / not met / inconclusive; the
// runner decides which samples go in. docs/experiments.md explains the choices.
#pragma once

#include <cstdint>
#include <span>

#include "telemetry/metrics/histogram.hpp"

namespace srelab::experiment {

struct Interval {
  double low = 0;
  double high = 0;
};

// Clopper-Pearson interval for `successes` out of `trials` at confidence `level` (0.95: 95 %).
// trials == 0 gives [0, 1].
Interval binomial_interval(std::uint64_t successes, std::uint64_t trials, double level = 0.95);

// Interval for the q-quantile of what `histogram` recorded: the values at the ranks that bound
// the q-quantile's rank with probability `level` (binomial(n, q)), read off the histogram (so
// within its relative error). NaN ends when the histogram is empty.
Interval quantile_interval(const telemetry::HistogramSnapshot& histogram, double q,
                           double level = 0.95);

// Percentile-bootstrap interval for the mean of `samples` (resampled `rounds` times with a
// generator seeded by `seed`: the same input gives the same interval). NaN ends when empty.
Interval bootstrap_mean_interval(std::span<const double> samples, double level = 0.95,
                                 std::uint64_t seed = 1, int rounds = 2000);

// Mann-Whitney U of `later` against `earlier`, normal approximation with the tie correction.
struct RankComparison {
  std::uint64_t n_earlier = 0;
  std::uint64_t n_later = 0;
  double effect = 0.5;   // P(later > earlier) + P(equal) / 2: 0.5 is no difference
  double z = 0;          // > 0 when later tends to be larger
  double p_greater = 1;  // one-sided p-value for "later is larger"
  double p_less = 1;     // one-sided p-value for "later is smaller"
};
// Values in the same fine bucket count as ties. Both snapshots must share a layout.
RankComparison compare_ranks(const telemetry::HistogramSnapshot& earlier,
                             const telemetry::HistogramSnapshot& later);
RankComparison compare_ranks(std::span<const double> earlier, std::span<const double> later);

enum class Judgement { met, not_met, inconclusive };

// At least / at most `threshold`: met when the whole interval is on the right side, not met when
// the whole interval is on the wrong side, inconclusive when it straddles the threshold.
Judgement judge_at_least(Interval interval, double threshold);
Judgement judge_at_most(Interval interval, double threshold);

}  // namespace srelab::experiment
