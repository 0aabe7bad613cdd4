// The content of a run's report as plain tables of text, built once and written by both report
// writers: report_markdown prints them as Markdown tables, report_html as <table>s. A cell is
// unescaped text (each writer escapes for its format) with an optional link. Every table says in
// `empty` what to print when it has no rows, so a short journal reads as "no X", not as nothing.
#pragma once

#include <string>
#include <vector>

#include "experiment/journal_view.hpp"
#include "experiment/phase_summary.hpp"

namespace srelab::experiment {

struct Cell {
  std::string text;
  std::string href;  // empty: no link
};

struct Table {
  std::vector<std::string> headers;
  std::vector<std::vector<Cell>> rows;
  std::string empty;  // the sentence shown instead of a table without rows
};

struct Fact {
  std::string name;
  Cell value;
};

// Status, deviated, start, duration, steady states, tags and the run's URLs.
std::vector<Fact> head_facts(const JournalView& view);

Table probes_table(const JournalView& view);      // every judged probe
Table activities_table(const JournalView& view);  // actions, rollbacks and unjudged probes
Table phases_table(const std::vector<PhaseSummary>& phases);
Table traces_table(const JournalView& view);

// "HELD", "DEVIATED", ... as the head shows it.
std::string verdict_title(const std::string& verdict);
// "✓ met", "✗ not met", "? inconclusive" (an unknown judgement as it came).
std::string judgement_mark(const std::string& judgement);
// A judged probe's value in its unit, or its text value ("OPEN").
std::string judged_value(const JudgedProbe& probe);

// The sentence under the phase table on how its quantiles were made.
inline constexpr const char* kPhaseQuantileNote =
    "Phase quantiles are estimated from the per-second p50/p95/p99 of the load, weighted by "
    "answers; the judged probes give exact figures with their intervals.";

}  // namespace srelab::experiment
