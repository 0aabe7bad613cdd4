// Per-phase figures of a run (baseline, injection, recovery), made from the background load's
// per-second points: answers, rate, latency quantiles, share of errors, cache hit rate and the
// share of answers the database served. The report writers print them as the phase table; the
// side-by-side report compares them across runs.
//
// A phase's quantiles are the exact ones the runner writes beside the phase (`latency_s`, from
// the load's histogram). A journal without them (an older one) keeps only each second's
// p50/p95/p99/max, so they are estimated: each second is read as a distribution through its
// quantiles (0 → p50 → p95 → p99 → max; straight in log(latency) between two of them), the seconds
// are mixed weighted by their answers, and the mixture's quantile is found by bisection. Where
// seconds look alike this lands within their spread; the judged probes carry the exact figures
// with their intervals.
#pragma once

#include <string>
#include <vector>

#include "experiment/journal_view.hpp"

namespace srelab::experiment {

struct PhaseSummary {
  std::string name;
  double seconds = NAN;  // the phase's length (its points when the journal names no bounds)
  double sent = 0, answered = 0, failed = 0;
  double errors = 0;                       // answers outside 2xx/3xx, plus requests with no answer
  double rate = NAN;                       // answers per second
  double p50 = NAN, p95 = NAN, p99 = NAN;  // exact or estimated, see above
  double error_share = NAN;                // errors / (answered + failed)
  double hit_rate = NAN;        // cache / answered; else the timeline's cache_hit_rate mean
  double database_share = NAN;  // database / answered
  double db_query_p95 = NAN;    // mean of the timeline's db_query_p95 over the phase
};

// One summary per phase, in the journal's order; phases without load points still get a row.
std::vector<PhaseSummary> summarize_phases(const JournalView& view);

// The mean of a timeline series over [start, end), NaN when it has no number there.
double timeline_mean(const JournalView& view, const std::string& series, double start, double end);

// Whether an HTTP status (as text, "503") counts as an error: anything outside 2xx and 3xx.
bool is_error_status(const std::string& status);

}  // namespace srelab::experiment
