// A probe's verdict, sans I/O: the runner hands over the samples a probe reads (a phase of the
// load, a foreground load run, a metric series, a fetched value) and gets back the judgement with
// its evidence in words. Statistical tolerances (at-least, at-most, range on a statistic, rose,
// fell) are judged on intervals and rank tests (experiment/statistics), so "inconclusive" is an
// answer when the samples cannot decide; a value tolerance (equals, one of, range, regex) on a
// single fetched value is met or not.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "experiment/experiment_spec.hpp"
#include "experiment/phase_book.hpp"
#include "experiment/statistics.hpp"

namespace srelab::experiment {

// Below these sample sizes a statistical probe is inconclusive. A quantile's order-statistic
// interval needs enough answers for its ranks not to run off the ends; the rank test's normal
// approximation holds from about 10 a side. A share needs no minimum: its exact interval is as
// wide as few samples make it.
inline constexpr std::uint64_t kMinAnswers = 20;
inline constexpr std::uint64_t kMinRankSamples = 10;
inline constexpr std::size_t kMinPoints = 3;
// The one-sided p-value below which "rose" or "fell" holds.
inline constexpr double kRankTestAlpha = 0.01;

struct Judged {
  Judgement judgement = Judgement::inconclusive;
  std::string statement;     // the hypothesis in words: "p95 latency at most 50 ms"
  boost::json::value value;  // the statistic or the fetched value; null when there is none
  std::string unit;          // "s", "ratio" or empty
  std::optional<Interval> interval;
  double level = 0.95;
  std::uint64_t samples = 0;
  std::string evidence;  // "p95 2.1 ms (95 % interval 2.0–2.2 ms) over 1,480 answers"
};

// `baseline` is needed by rose / fell only (nullptr elsewhere, and then those are inconclusive);
// `baseline_name` says what it is in the evidence.
Judged judge_latency(const LatencyProbe& probe, const Tolerance& tolerance, const Samples& phase,
                     const Samples* baseline, const std::string& baseline_name = "the baseline");
Judged judge_answers(const AnswersProbe& probe, const Tolerance& tolerance, const Samples& phase,
                     const Samples* baseline, const std::string& baseline_name = "the baseline");
Judged judge_metric(const MetricProbe& probe, const Tolerance& tolerance,
                    std::span<const double> phase, std::span<const double> baseline);
// An http probe's status or body, a /resilience or /chaos field: `subject` names it in words.
Judged judge_value(const Tolerance& tolerance, const boost::json::value& value,
                   const std::string& subject);

// Does a single value meet a value tolerance (equals, one of, range, regex)? The statistical
// kinds are never met by a single value.
bool value_meets(const Tolerance& tolerance, const boost::json::value& value);

std::string to_string(Judgement judgement);  // "met", "not_met", "inconclusive"

}  // namespace srelab::experiment
