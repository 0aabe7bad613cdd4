// A real run of an experiment beside the same experiment on the twin, phase by phase: latency
// p50/p95/p99, the share of answers by status, the cache hit rate and the breaker's path, each
// with the twin's error against the real run; then every judged probe's value side by side (the
// bulk tests and the leak have no background load: their probes are all there is to compare). The
// twin is trusted as far as this holds: the verdicts agree, and each phase's p95 and error shares
// are within 15 % relative (or 2 percentage points, for shares). `sre-lab simulate validate` prints
// it; the sim-validate benchmark collects it for every shipped experiment.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "experiment/journal_view.hpp"
#include "experiment/report_tables.hpp"

namespace srelab::experiment {

inline constexpr double kTwinRelativeTolerance = 0.15;
inline constexpr double kTwinShareTolerance = 0.02;  // percentage points, as a ratio

struct FigureCheck {
  std::string phase;
  std::string figure;      // "p95", "status 503", "hit rate", ...
  bool share = false;      // a ratio in [0, 1]: judged in percentage points too
  std::string unit = "s";  // as the journal names units: "s", "ratio", "bytes", ...
  double real = NAN, twin = NAN;
  double relative_error = NAN;  // |twin - real| / real; NaN when real is 0 or either is missing
  bool judged = false;          // part of the target (p95 and error shares)
  bool within = true;           // meets the target (always true when not judged)
};

struct PhasePath {
  std::string phase;
  std::string real, twin;  // "CLOSED → OPEN → HALF_OPEN → CLOSED", from the breaker series
};

struct TwinValidation {
  std::string real_verdict, twin_verdict;
  std::vector<FigureCheck> figures;
  std::vector<PhasePath> breaker_paths;
  bool verdicts_agree() const { return real_verdict == twin_verdict; }
  bool within() const;  // verdicts agree and every judged figure is within its target
};

TwinValidation validate_twin(const JournalView& real, const JournalView& twin);

// Headers: phase, figure, real, twin, error, target; the verdicts and breaker paths first.
Table validation_table(const TwinValidation& validation);

}  // namespace srelab::experiment
