// The experiment runs the console shows: `sre-lab experiment run` posts each run's journal and
// report.html (POST /console/api/experiments), and this store keeps, per run, a summary read once
// from the journal (title, verdict, phases as wall times, the judged probes) and the report as
// sent; the journal itself is not kept. Bounded: the newest `max_runs`, a body of at most
// `max_body_bytes`, and the reports together at most `max_report_bytes` (the oldest runs go
// first). Sans I/O: add() takes the request body's text; experiment_routes turns its answers into
// HTTP and JSON. Thread-safe: one mutex, held only to copy in or out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/field_error.hpp"

namespace srelab::console {

struct ExperimentRunsSettings {
  std::size_t max_runs = 20;
  std::size_t max_body_bytes = 8 << 20;     // 8 MiB: a long run's report with its charts
  std::size_t max_report_bytes = 64 << 20;  // so 20 runs cannot hold 160 MiB
};

struct RunPhase {
  std::string name;                 // baseline | injection | recovery
  double start_ms = 0, end_ms = 0;  // wall times, ms since the Unix epoch
};

// A probe the runner judged, in its own words.
struct RunProbe {
  std::string phase;
  std::string statement;
  std::string judgement;  // met | not_met | inconclusive
  std::string evidence;
};

struct RunSummary {
  std::uint64_t id = 0;  // 1, 2, ... in the order runs arrived
  std::string title;
  std::string experiment;  // the shipped name or the file's stem, as the sender named it
  std::string variant;     // "" for a run without variants
  std::vector<std::string> tags;
  std::string verdict;  // held | deviated | inconclusive | failed | aborted | interrupted
  std::string reason;
  std::string status;  // the journal's: completed | failed | aborted | interrupted
  std::string start;   // RFC 3339 in UTC, e.g. "2024-05-01T10:00:00.123Z"
  double start_ms = 0;
  double duration_s = 0;
  std::vector<RunPhase> phases;
  std::vector<RunProbe> probes;  // before, method, after: the journal's order
  std::size_t report_bytes = 0;
};

// Why add() refused a body.
struct RunRefused {
  bool too_large = false;  // over max_body_bytes (413); `error.detail` names the limit
  FieldError error;        // Kind::body: not a JSON object (400); Kind::field: the key at fault
};

// The summary and report of a posted body, or why it is refused (nothing is kept). Exposed for
// the tests; add() uses it.
struct ParsedRun {
  RunSummary summary;  // id 0
  std::string report_html;
};
std::variant<ParsedRun, RunRefused> parse_run(std::string_view body,
                                              const ExperimentRunsSettings& settings);

class ExperimentRuns {
 public:
  // Throws std::invalid_argument when a bound is 0.
  explicit ExperimentRuns(ExperimentRunsSettings settings = {});

  // The new run's id, or why the body is refused.
  std::variant<std::uint64_t, RunRefused> add(std::string_view body);

  std::vector<RunSummary> list() const;  // newest first
  // The report of run `id`; null when the store does not hold it (never did, or evicted).
  std::shared_ptr<const std::string> report(std::uint64_t id) const;

  const ExperimentRunsSettings& settings() const { return settings_; }

 private:
  struct Run {
    RunSummary summary;
    std::shared_ptr<const std::string> report;  // shared: a GET copies it out of the lock
  };

  const ExperimentRunsSettings settings_;
  mutable std::mutex mutex_;
  std::deque<Run> runs_;  // oldest first
  std::size_t report_bytes_ = 0;
  std::uint64_t next_id_ = 1;
};

}  // namespace srelab::console
