// Several runs of one experiment compared, one column per run (e.g. without and with the
// breaker): the verdicts, each phase's p95/p99, share of errors, hit rate and database load, then
// every judged probe with its value and judgement in each run. Built once as a Table and written
// by both report writers (render_side_by_side_markdown, render_side_by_side_html).
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

#include "experiment/journal_view.hpp"
#include "experiment/phase_summary.hpp"
#include "experiment/report_tables.hpp"

namespace srelab::experiment {

struct LabelledRun {
  std::string label;  // the column title
  JournalView view;
  std::vector<PhaseSummary> phases;
};

// Reads each journal; an empty label becomes "run N".
std::vector<LabelledRun> read_runs(
    const std::vector<std::pair<std::string, boost::json::value>>& runs);

// Headers: "" then one label per run; rows as described above. A run that lacks a figure shows
// "–" in its cell.
Table comparison_table(const std::vector<LabelledRun>& runs);

}  // namespace srelab::experiment
