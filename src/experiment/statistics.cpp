#include "experiment/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/random.hpp"
#include "experiment/special_functions.hpp"

namespace srelab::experiment {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Two-sided: each tail gets half of what the level leaves out.
double tail_of(double level) {
  return (1 - std::clamp(level, 0.0, 1.0)) / 2;
}

// The fine buckets' total, which is what HistogramSnapshot::quantile ranks against (under
// concurrent observe() it can differ from `count` by the values in flight).
std::uint64_t fine_total(const telemetry::HistogramSnapshot& histogram) {
  return std::accumulate(histogram.fine.begin(), histogram.fine.end(), std::uint64_t{0});
}

// The histogram's estimate of the rank-th smallest value (1-based): exactly what quantile()
// answers, through the q whose nearest rank is `rank`. Asking at rank - 1/2 keeps ceil(q * total)
// on `rank` despite rounding (for totals far below 2^50).
double value_at_rank(const telemetry::HistogramSnapshot& histogram, std::uint64_t total,
                     std::uint64_t rank) {
  return histogram.quantile((static_cast<double>(rank) - 0.5) / static_cast<double>(total));
}

// Mann-Whitney U accumulated over groups of equal values, fed in increasing order: each later
// value beats the earlier values of all groups below and ties with those of its own group.
class RankSums {
 public:
  void add_group(std::uint64_t earlier, std::uint64_t later) {
    const auto e = static_cast<double>(earlier);
    const auto l = static_cast<double>(later);
    u_ += l * (earlier_below_ + 0.5 * e);
    earlier_below_ += e;
    later_seen_ += l;
    n_earlier_ += earlier;
    n_later_ += later;
    const double tied = e + l;
    tie_term_ += (tied - 1) * tied * (tied + 1);  // t^3 - t
  }

  // Normal approximation without continuity correction: the correction (half a unit of U) would
  // move z by 0.5 / sd(U), under 0.01 once both samples hold 30 values, and it would make
  // p_greater and p_less stop adding up to 1.
  RankComparison result() const {
    RankComparison comparison;
    comparison.n_earlier = n_earlier_;
    comparison.n_later = n_later_;
    const double pairs = earlier_below_ * later_seen_;
    if (pairs == 0) return comparison;
    comparison.effect = u_ / pairs;
    const double n = earlier_below_ + later_seen_;
    const double variance = pairs / 12 * ((n + 1) - tie_term_ / (n * (n - 1)));
    if (!(variance > 0)) return comparison;  // every value tied: no evidence either way
    comparison.z = (u_ - pairs / 2) / std::sqrt(variance);
    comparison.p_greater = normal_cdf(-comparison.z);
    comparison.p_less = normal_cdf(comparison.z);
    return comparison;
  }

 private:
  double u_ = 0;  // exact (half-integers) below 2^53 pairs; beyond, off by ~1e-16 relative
  double earlier_below_ = 0;
  double later_seen_ = 0;
  double tie_term_ = 0;
  std::uint64_t n_earlier_ = 0;
  std::uint64_t n_later_ = 0;
};

// Series may carry gaps as NaN (a scrape that failed); they are left out rather than ordered.
std::vector<double> without_nan(std::span<const double> values) {
  std::vector<double> kept;
  kept.reserve(values.size());
  std::copy_if(values.begin(), values.end(), std::back_inserter(kept),
               [](double v) { return !std::isnan(v); });
  return kept;
}

// Linear interpolation between order statistics (R's type 7) of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  const double position = p * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  const double fraction = position - static_cast<double>(below);
  if (fraction == 0 || below + 1 >= sorted.size()) return sorted[below];
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

bool same_layout(const telemetry::HistogramSnapshot& a, const telemetry::HistogramSnapshot& b) {
  return a.fine.size() == b.fine.size() && a.lowest_exponent == b.lowest_exponent &&
         a.precision_bits == b.precision_bits;
}

}  // namespace

// Beta quantiles: the lower end solves P(Binomial(n, p) >= k) = alpha/2, the upper one
// P(Binomial(n, p) <= k) = alpha/2; both binomial tails are incomplete betas in p.
Interval binomial_interval(std::uint64_t successes, std::uint64_t trials, double level) {
  if (successes > trials) {
    throw std::invalid_argument("binomial_interval: more successes than trials");
  }
  if (trials == 0) return {0, 1};
  if (std::isnan(level)) return {kNaN, kNaN};
  const double alpha = tail_of(level);
  const auto k = static_cast<double>(successes);
  const auto n = static_cast<double>(trials);
  return {successes == 0 ? 0 : inverse_regularized_incomplete_beta(k, n - k + 1, alpha),
          successes == trials ? 1 : inverse_regularized_incomplete_beta(k + 1, n - k, 1 - alpha)};
}

// With B ~ Binomial(n, q) the number of values at or below the true quantile, the order
// statistics l and u cover it when l <= B <= u - 1. Taking l = qbinom(alpha/2) and
// u = qbinom(1 - alpha/2) + 1 leaves at most alpha/2 outside on each side. The binomial quantiles
// are exact at every n (O(log n) incomplete-beta evaluations, no normal approximation), and the
// values are read off the histogram in O(buckets): nothing loops over the count.
Interval quantile_interval(const telemetry::HistogramSnapshot& histogram, double q, double level) {
  const std::uint64_t total = fine_total(histogram);
  if (total == 0 || std::isnan(q) || std::isnan(level)) return {kNaN, kNaN};
  q = std::clamp(q, 0.0, 1.0);
  const double alpha = tail_of(level);
  const std::uint64_t low_rank = std::max<std::uint64_t>(binomial_quantile(total, q, alpha), 1);
  const std::uint64_t high_rank =
      std::min<std::uint64_t>(binomial_quantile(total, q, 1 - alpha) + 1, total);
  return {value_at_rank(histogram, total, low_rank), value_at_rank(histogram, total, high_rank)};
}

// Percentile bootstrap with the project's seeded generator, so that a verdict can be replayed.
Interval bootstrap_mean_interval(std::span<const double> samples, double level, std::uint64_t seed,
                                 int rounds) {
  const std::vector<double> values = without_nan(samples);
  if (values.empty() || std::isnan(level)) return {kNaN, kNaN};
  Random random(seed);
  std::vector<double> means(static_cast<std::size_t>(std::max(rounds, 1)));  // 1 at least
  const std::size_t last = values.size() - 1;
  for (double& mean : means) {
    double sum = 0;
    for (std::size_t i = 0; i <= last; ++i) sum += values[random.between(0, last)];
    mean = sum / static_cast<double>(values.size());
  }
  std::sort(means.begin(), means.end());
  const double alpha = tail_of(level);
  return {percentile(means, alpha), percentile(means, 1 - alpha)};
}

// One pass over the fine buckets: O(buckets) whatever the counts.
RankComparison compare_ranks(const telemetry::HistogramSnapshot& earlier,
                             const telemetry::HistogramSnapshot& later) {
  const std::uint64_t n_earlier = fine_total(earlier);
  const std::uint64_t n_later = fine_total(later);
  if (n_earlier == 0 || n_later == 0) {
    RankComparison empty;
    empty.n_earlier = n_earlier;
    empty.n_later = n_later;
    return empty;
  }
  if (!same_layout(earlier, later)) {
    throw std::invalid_argument("compare_ranks: histogram snapshots of different layouts");
  }
  RankSums sums;
  for (std::size_t i = 0; i < earlier.fine.size(); ++i) {
    sums.add_group(earlier.fine[i], later.fine[i]);
  }
  return sums.result();
}

RankComparison compare_ranks(std::span<const double> earlier, std::span<const double> later) {
  std::vector<std::pair<double, bool>> values;  // (value, from later)
  values.reserve(earlier.size() + later.size());
  for (double v : without_nan(earlier)) values.emplace_back(v, false);
  for (double v : without_nan(later)) values.emplace_back(v, true);
  std::sort(values.begin(), values.end());
  RankSums sums;
  for (std::size_t i = 0; i < values.size();) {
    std::uint64_t group[2] = {0, 0};
    const double value = values[i].first;
    for (; i < values.size() && values[i].first == value; ++i) ++group[values[i].second];
    sums.add_group(group[0], group[1]);
  }
  return sums.result();
}

// A NaN end or threshold means the data could not say: never met, never failed.
Judgement judge_at_least(Interval interval, double threshold) {
  if (std::isnan(interval.low) || std::isnan(interval.high) || std::isnan(threshold)) {
    return Judgement::inconclusive;
  }
  if (interval.low >= threshold) return Judgement::met;
  if (interval.high < threshold) return Judgement::not_met;
  return Judgement::inconclusive;
}

Judgement judge_at_most(Interval interval, double threshold) {
  if (std::isnan(interval.low) || std::isnan(interval.high) || std::isnan(threshold)) {
    return Judgement::inconclusive;
  }
  if (interval.high <= threshold) return Judgement::met;
  if (interval.low > threshold) return Judgement::not_met;
  return Judgement::inconclusive;
}

}  // namespace srelab::experiment
