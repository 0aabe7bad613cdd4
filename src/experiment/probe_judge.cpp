#include "experiment/probe_judge.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstdio>
#include <regex>
#include <vector>

#include "experiment/report_text.hpp"
#include "experiment/special_functions.hpp"

namespace srelab::experiment {
namespace {

using Kind = Tolerance::Kind;

bool is_statistical(Kind kind) {
  return kind == Kind::at_least || kind == Kind::at_most || kind == Kind::rose ||
         kind == Kind::fell;
}

// An interval against a tolerance on a statistic: at-least, at-most and range.
Judgement judge_interval(const Tolerance& tolerance, Interval interval) {
  switch (tolerance.kind) {
    case Kind::at_least:
      return judge_at_least(interval, tolerance.value);
    case Kind::at_most:
      return judge_at_most(interval, tolerance.value);
    case Kind::range: {
      if (std::isnan(interval.low) || std::isnan(interval.high)) return Judgement::inconclusive;
      if (interval.low >= tolerance.low && interval.high <= tolerance.high) return Judgement::met;
      if (interval.high < tolerance.low || interval.low > tolerance.high) return Judgement::not_met;
      return Judgement::inconclusive;
    }
    default:
      return Judgement::inconclusive;
  }
}

// "at most 50 ms", "at least 40 %", "within 1 ms – 2 ms", "rose above the baseline".
std::string tolerance_words(const Tolerance& tolerance, const std::string& unit,
                            const std::string& baseline_name = "the baseline") {
  switch (tolerance.kind) {
    case Kind::at_least:
      return "at least " + format_value(tolerance.value, unit);
    case Kind::at_most:
      return "at most " + format_value(tolerance.value, unit);
    case Kind::range:
      return "within " + format_value(tolerance.low, unit) + " – " +
             format_value(tolerance.high, unit);
    case Kind::rose:
      return "higher than in " + baseline_name;
    case Kind::fell:
      return "lower than in " + baseline_name;
    case Kind::equals:
      return "equal to " + boost::json::serialize(tolerance.expected);
    case Kind::one_of:
      return "one of " + boost::json::serialize(tolerance.expected);
    case Kind::regex:
      return "matching /" + tolerance.pattern + "/";
  }
  return {};
}

std::string with_interval(const std::string& value_words, const Judged& judged) {
  if (!judged.interval) return value_words;
  return value_words + " (95 % interval " + format_value(judged.interval->low, judged.unit) +
         " – " + format_value(judged.interval->high, judged.unit) + ")";
}

std::string count_words(std::uint64_t n, const char* what) {
  return format_count(static_cast<double>(n)) + " " + what;
}

// rose / fell from a rank comparison: met when significant in the claimed direction, not met
// when the samples suffice and it is not, inconclusive when they do not.
Judgement judge_rank(const Tolerance& tolerance, const RankComparison& comparison,
                     std::uint64_t min_each) {
  const double p = tolerance.kind == Kind::rose ? comparison.p_greater : comparison.p_less;
  if (comparison.n_earlier < min_each || comparison.n_later < min_each)
    return Judgement::inconclusive;
  if (p < kRankTestAlpha) return Judgement::met;
  // Samples so few that even a complete separation would not reach the threshold (3 points
  // against 5: p = 0.013 at best) cannot say "did not rise": that is undecided, not a no.
  const double n1 = static_cast<double>(comparison.n_earlier);
  const double n2 = static_cast<double>(comparison.n_later);
  const double best_z = (n1 * n2 / 2) / std::sqrt(n1 * n2 * (n1 + n2 + 1) / 12);
  return 1 - normal_cdf(best_z) < kRankTestAlpha ? Judgement::not_met : Judgement::inconclusive;
}

// rose / fell between two estimates with their intervals: met when the intervals do not overlap
// in the claimed direction; not met when the estimate did not move that way at all;
// inconclusive when it moved that way but within the intervals' overlap.
Judgement judge_shift(bool rose, double now, Interval now_interval, double before,
                      Interval before_interval) {
  if (rose ? now_interval.low > before_interval.high : now_interval.high < before_interval.low)
    return Judgement::met;
  if (rose ? now <= before : now >= before) return Judgement::not_met;
  return Judgement::inconclusive;
}

std::string rank_words(const RankComparison& comparison) {
  char text[160];
  std::snprintf(text, sizeof text,
                "Mann-Whitney: P(later > baseline) = %.2f, one-sided p = %.2g (rose), %.2g (fell)",
                comparison.effect, comparison.p_greater, comparison.p_less);
  return text;
}

bool matches(const AnswersProbe& probe, int status, std::string_view source) {
  if (probe.status) return status == *probe.status;
  if (probe.status_class) return status / 100 == *probe.status_class;
  if (probe.source) return source == *probe.source;
  return status < 200 || status >= 400;  // probe.failed: a bad status (the unanswered are added)
}

// How many of a sample's requests match the probe.
std::uint64_t matching(const AnswersProbe& probe, const Samples& samples) {
  std::uint64_t k = 0;
  if (probe.source) {
    const auto found = samples.tally.sources.find(*probe.source);
    k = found == samples.tally.sources.end() ? 0 : found->second;
  } else {
    for (const auto& [status, n] : samples.tally.statuses)
      if (matches(probe, status, {})) k += n;
  }
  if (probe.failed) k += samples.tally.errors() + samples.tally.dropped;
  return k;
}

std::string answers_subject(const AnswersProbe& probe) {
  if (probe.status) return "share of requests answered " + std::to_string(*probe.status);
  if (probe.status_class)
    return "share of requests answered " + std::to_string(*probe.status_class) + "xx";
  if (probe.source) return "share of requests answered from " + *probe.source;
  return "share of requests failed (no answer, or not 2xx/3xx)";
}

std::vector<double> indicators(std::uint64_t k, std::uint64_t n) {
  std::vector<double> values(n, 0.0);
  std::fill_n(values.begin(), std::min(k, n), 1.0);
  return values;
}

const char* statistic_name(MetricProbe::Statistic statistic) {
  switch (statistic) {
    case MetricProbe::Statistic::last:
      return "last";
    case MetricProbe::Statistic::first:
      return "first";
    case MetricProbe::Statistic::min:
      return "min";
    case MetricProbe::Statistic::max:
      return "max";
    case MetricProbe::Statistic::mean:
      return "mean";
    case MetricProbe::Statistic::increase:
      return "increase";
  }
  return "?";
}

double statistic_of(MetricProbe::Statistic statistic, std::span<const double> values) {
  switch (statistic) {
    case MetricProbe::Statistic::last:
      return values.back();
    case MetricProbe::Statistic::first:
      return values.front();
    case MetricProbe::Statistic::min:
      return *std::min_element(values.begin(), values.end());
    case MetricProbe::Statistic::max:
      return *std::max_element(values.begin(), values.end());
    case MetricProbe::Statistic::increase:
      return values.back() - values.front();
    case MetricProbe::Statistic::mean:
      break;
  }
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

std::string metric_unit(const std::string& series) {
  if (series.find("latency") != std::string::npos || series.ends_with("_p95")) return "s";
  if (series.ends_with("_rate") || series == "cpu_utilization") return "ratio";
  if (series.ends_with("_bytes")) return "bytes";
  return "";
}

}  // namespace

Judged judge_latency(const LatencyProbe& probe, const Tolerance& tolerance, const Samples& phase,
                     const Samples* baseline, const std::string& baseline_name) {
  Judged judged;
  judged.unit = "s";
  char name[32];
  std::snprintf(name, sizeof name, "p%g latency", probe.quantile * 100);
  judged.statement =
      std::string(name) + " " + tolerance_words(tolerance, judged.unit, baseline_name);
  judged.samples = phase.latency.count;
  if (phase.latency.count == 0) {
    judged.evidence = "no answers to measure";
    return judged;
  }
  const double value = phase.latency.quantile(probe.quantile);
  judged.value = value;
  if (tolerance.kind == Kind::rose || tolerance.kind == Kind::fell) {
    if (baseline == nullptr || baseline->latency.count == 0) {
      judged.evidence = "no answers in " + baseline_name + " to compare with";
      return judged;
    }
    // A claim about a quantile compares the two quantiles, not the distributions: a rank test
    // would call P95 "lower" when fast 503s outnumber the slow answers that raised it.
    const Interval now = quantile_interval(phase.latency, probe.quantile);
    const Interval before = quantile_interval(baseline->latency, probe.quantile);
    const double was = baseline->latency.quantile(probe.quantile);
    judged.interval = now;
    const bool enough =
        phase.latency.count >= kMinAnswers && baseline->latency.count >= kMinAnswers;
    judged.judgement = enough ? judge_shift(tolerance.kind == Kind::rose, value, now, was, before)
                              : Judgement::inconclusive;
    judged.evidence = with_interval(std::string(name) + " " + format_value(value, "s"), judged) +
                      " against " + format_value(was, "s") + " (" + format_value(before.low, "s") +
                      " – " + format_value(before.high, "s") + ") in " + baseline_name + ", over " +
                      count_words(phase.latency.count, "and ") +
                      count_words(baseline->latency.count, "answers");
    return judged;
  }
  judged.interval = quantile_interval(phase.latency, probe.quantile);
  judged.judgement = phase.latency.count < kMinAnswers
                         ? Judgement::inconclusive
                         : judge_interval(tolerance, *judged.interval);
  judged.evidence = with_interval(std::string(name) + " " + format_value(value, "s"), judged) +
                    " over " + count_words(phase.latency.count, "answers");
  return judged;
}

Judged judge_answers(const AnswersProbe& probe, const Tolerance& tolerance, const Samples& phase,
                     const Samples* baseline, const std::string& baseline_name) {
  Judged judged;
  judged.unit = "ratio";
  const std::string subject = answers_subject(probe);
  judged.statement = subject + " " + tolerance_words(tolerance, judged.unit, baseline_name);
  const std::uint64_t n = phase.requests();
  const std::uint64_t k = matching(probe, phase);
  judged.samples = n;
  if (n == 0) {
    judged.evidence = "no requests in the phase";
    return judged;
  }
  const double share = static_cast<double>(k) / static_cast<double>(n);
  judged.value = share;
  if (tolerance.kind == Kind::rose || tolerance.kind == Kind::fell) {
    if (baseline == nullptr || baseline->requests() == 0) {
      judged.evidence = "no requests in " + baseline_name + " to compare with";
      return judged;
    }
    const std::uint64_t bn = baseline->requests();
    const std::uint64_t bk = matching(probe, *baseline);
    // A rank test on 0/1 outcomes is the two-proportion test, with the same decision rule as
    // for latencies.
    const auto earlier = indicators(bk, bn);
    const auto later = indicators(k, n);
    const RankComparison comparison = compare_ranks(earlier, later);
    judged.judgement = judge_rank(tolerance, comparison, kMinRankSamples);
    judged.evidence = format_value(share, "ratio") + " of " + count_words(n, "requests") +
                      " against " + format_value(static_cast<double>(bk) / bn, "ratio") + " of " +
                      count_words(bn, ("in " + baseline_name + "; ").c_str()) +
                      rank_words(comparison);
    return judged;
  }
  judged.interval = binomial_interval(k, n);
  judged.judgement = judge_interval(tolerance, *judged.interval);
  judged.evidence =
      with_interval(format_value(share, "ratio") + " (" + format_count(static_cast<double>(k)) +
                        " of " + count_words(n, "requests") + ")",
                    judged);
  return judged;
}

Judged judge_metric(const MetricProbe& probe, const Tolerance& tolerance,
                    std::span<const double> phase, std::span<const double> baseline) {
  Judged judged;
  judged.unit = metric_unit(probe.series);
  const std::string subject = probe.series + " (" + statistic_name(probe.statistic) + ")";
  judged.statement = subject + " " + tolerance_words(tolerance, judged.unit);
  judged.samples = phase.size();
  if (phase.empty()) {
    judged.evidence = "no points of " + probe.series + " in the phase";
    return judged;
  }
  const double value = statistic_of(probe.statistic, phase);
  judged.value = value;
  if (tolerance.kind == Kind::rose || tolerance.kind == Kind::fell) {
    if (baseline.empty()) {
      judged.evidence = "no baseline points of " + probe.series + " to compare with";
      return judged;
    }
    const RankComparison comparison = compare_ranks(baseline, phase);
    judged.judgement = judge_rank(tolerance, comparison, kMinPoints);
    judged.evidence = subject + " " + format_value(value, judged.unit) + " against " +
                      format_value(statistic_of(probe.statistic, baseline), judged.unit) +
                      " in the baseline, over " + std::to_string(phase.size()) + " and " +
                      std::to_string(baseline.size()) + " points; " + rank_words(comparison);
    return judged;
  }
  // The mean of a series has an interval; an extreme, a first or last point is what it is.
  judged.interval = probe.statistic == MetricProbe::Statistic::mean ? bootstrap_mean_interval(phase)
                                                                    : Interval{value, value};
  judged.judgement = phase.size() < kMinPoints ? Judgement::inconclusive
                                               : judge_interval(tolerance, *judged.interval);
  judged.evidence = (probe.statistic == MetricProbe::Statistic::mean
                         ? with_interval(subject + " " + format_value(value, judged.unit), judged)
                         : subject + " " + format_value(value, judged.unit)) +
                    " over " + std::to_string(phase.size()) + " points";
  return judged;
}

Judged judge_value(const Tolerance& tolerance, const boost::json::value& value,
                   const std::string& subject) {
  Judged judged;
  judged.statement = subject + " " + tolerance_words(tolerance, "");
  judged.value = value;
  judged.samples = 1;
  judged.judgement = value_meets(tolerance, value) ? Judgement::met : Judgement::not_met;
  judged.evidence = subject + " was " + boost::json::serialize(value);
  return judged;
}

bool value_meets(const Tolerance& tolerance, const boost::json::value& value) {
  if (is_statistical(tolerance.kind)) return false;
  switch (tolerance.kind) {
    case Kind::equals: {
      // 5 and 5.0 are equal; JSON's integer and double kinds are not the file's business.
      if (value.is_number() && tolerance.expected.is_number())
        return value.to_number<double>() == tolerance.expected.to_number<double>();
      return value == tolerance.expected;
    }
    case Kind::one_of: {
      if (!tolerance.expected.is_array()) return false;
      for (const auto& option : tolerance.expected.as_array()) {
        Tolerance one = tolerance;
        one.kind = Kind::equals;
        one.expected = option;
        if (value_meets(one, value)) return true;
      }
      return false;
    }
    case Kind::range: {
      if (!value.is_number()) return false;
      const double v = value.to_number<double>();
      return v >= tolerance.low && v <= tolerance.high;
    }
    case Kind::regex: {
      const std::string text =
          value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value);
      return std::regex_search(text, std::regex(tolerance.pattern, std::regex::ECMAScript));
    }
    default:
      return false;
  }
}

std::string to_string(Judgement judgement) {
  switch (judgement) {
    case Judgement::met:
      return "met";
    case Judgement::not_met:
      return "not_met";
    case Judgement::inconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

}  // namespace srelab::experiment
