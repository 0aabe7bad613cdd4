// The background load's record over an experiment, cut into phases: every second the load
// generator reports is filed under the phase it lies in, and each phase keeps its request counts
// and the latency histogram of its answers (the generator's cumulative histogram at the phase's
// last second minus the one at the phase's start). A second that straddles a phase change is
// filed as "transition" and counted in neither phase: half a second of baseline traffic in the
// injection would blur exactly the claims ("≥ 99 % from the fallback") an experiment makes.
// Sans I/O: the lab target feeds it from the generator's thread, the runner reads it; the lock
// makes that safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "load/load_report.hpp"
#include "load/tally.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::experiment {

// What a probe reads: a phase of the background load, or the answers of the foreground runs
// (load actions, bulk tests) that share a name.
struct Samples {
  load::Tally tally;
  telemetry::HistogramSnapshot latency;  // answers only
  std::uint64_t requests() const;        // answered + failed without an answer + dropped
  void merge(const Samples& other);
};

struct SecondRecord {
  std::string phase;
  load::SecondPoint point;
};

class PhaseBook {
 public:
  static constexpr std::string_view kTransition = "transition";

  // From `at_s` (seconds since the load started) on, seconds belong to `phase`.
  void enter(std::string phase, double at_s);
  void add(const load::SecondPoint& point, const telemetry::HistogramSnapshot& cumulative);

  Samples samples(std::string_view phase) const;  // empty when the phase saw no second
  std::vector<SecondRecord> seconds() const;
  std::string current() const;
  // The last second's point, for a progress line; nullptr-free copy, answered == 0 if none yet.
  load::SecondPoint last() const;

 private:
  struct Cut {
    telemetry::HistogramSnapshot before;  // cumulative at the end of the previous second
    telemetry::HistogramSnapshot after;   // cumulative at the end of this phase's last second
    load::Tally tally;
  };
  std::string phase_at(double elapsed_s) const;  // under the lock

  mutable std::mutex mutex_;
  std::vector<std::pair<double, std::string>> changes_;  // (from, phase), in order
  std::vector<SecondRecord> seconds_;
  telemetry::HistogramSnapshot cumulative_;  // at the last second filed
  std::map<std::string, Cut, std::less<>> cuts_;
};

}  // namespace srelab::experiment
