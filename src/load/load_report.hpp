// A run's results as they accumulate: one point per second (what was answered in it, its
// latency quantiles and those since the start) and the totals. ReportBook is the sans-I/O
// builder the engine feeds once a second with the counts of that second and a cumulative
// latency histogram; the status line, the summary table, --json and --csv all read LoadReport.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load/load_plan.hpp"
#include "load/tally.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::load {

// The generator's latency histogram: 1 µs to 1 h, 64 sub-buckets per power of two, so every
// quantile is within 0.8 % of the exact one; 16 KiB per thread.
telemetry::HistogramLayout latency_layout();

// Seconds; NaN when nothing was answered.
struct LatencySummary {
  std::uint64_t count = 0;
  double p50, p95, p99, p999, max, mean;
};
LatencySummary summarize(const telemetry::HistogramSnapshot& latency);

struct SecondPoint {
  double elapsed_s = 0;  // the end of this point, from the start of the run
  double span_s = 1;     // its length: 1, except for the last point of a run
  Tally tally;
  LatencySummary latency;  // of the answers completed within this point
  LatencySummary overall;  // of all answers so far
  double rate() const { return span_s > 0 ? static_cast<double>(tally.answered) / span_s : 0; }
};

struct LoadReport {
  LoadPlan plan;
  std::vector<SecondPoint> seconds;
  Tally total;
  telemetry::HistogramSnapshot latency;   // every answer of the run, from its due time
  telemetry::HistogramSnapshot send_lag;  // open loop: due time → written, every request
  double elapsed_s = 0;
  bool stopped = false;  // ended early by the caller (Ctrl-C)
  std::string error;     // set when the run could not start at all (e.g. unknown host)
  double rate() const {
    return elapsed_s > 0 ? static_cast<double>(total.answered) / elapsed_s : 0;
  }
};

class ReportBook {
 public:
  explicit ReportBook(LoadPlan plan);

  // The counts of (previous elapsed, elapsed] and the run's cumulative latency histogram. A
  // point shorter than a fifth of a second (the end of a run just after a whole second) is
  // folded into the previous one, so no rate is computed over a sliver: then nullptr.
  const SecondPoint* add(double elapsed_s, const Tally& interval,
                         const telemetry::HistogramSnapshot& cumulative);
  const LoadReport& report() const { return report_; }
  LoadReport& report() { return report_; }

 private:
  LoadReport report_;
  telemetry::HistogramSnapshot previous_;     // at the end of the last point
  telemetry::HistogramSnapshot before_last_;  // at its start
};

}  // namespace srelab::load
