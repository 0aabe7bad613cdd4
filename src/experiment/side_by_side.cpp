#include "experiment/side_by_side.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "experiment/report_text.hpp"

namespace srelab::experiment {
namespace {

// Names in order of first appearance across the runs.
std::vector<std::string> phase_names(const std::vector<LabelledRun>& runs) {
  std::vector<std::string> names;
  for (const LabelledRun& run : runs)
    for (const PhaseSummary& p : run.phases)
      if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
  return names;
}

const PhaseSummary* find_phase(const LabelledRun& run, const std::string& name) {
  const auto it = std::find_if(run.phases.begin(), run.phases.end(),
                               [&](const PhaseSummary& p) { return p.name == name; });
  return it == run.phases.end() ? nullptr : &*it;
}

// The database's share of the answers when the load saw sources, else the DB query p95.
std::string db_load(const PhaseSummary& p) {
  if (std::isfinite(p.database_share)) return format_percent(p.database_share) + " of answers";
  if (std::isfinite(p.db_query_p95)) return "query p95 " + format_seconds(p.db_query_p95);
  return std::string(kNoValue);
}

std::string probe_key(const JudgedProbe& p, const std::string& name) {
  return (p.phase.empty() ? "" : p.phase + ": ") + (p.statement.empty() ? name : p.statement);
}

const JudgedProbe* find_probe(const LabelledRun& run, const std::string& key) {
  for (const ActivityView& a : run.view.activities)
    if (a.judged && probe_key(*a.judged, a.name) == key) return &*a.judged;
  return nullptr;
}

void add_row(Table& table, const std::vector<LabelledRun>& runs, std::string name,
             const std::function<std::string(const LabelledRun&)>& cell) {
  std::vector<Cell> row{{std::move(name), {}}};
  for (const LabelledRun& run : runs) row.push_back({cell(run), {}});
  table.rows.push_back(std::move(row));
}

void add_phase_rows(Table& table, const std::vector<LabelledRun>& runs) {
  using Figure = std::function<std::string(const PhaseSummary&)>;
  const std::pair<const char*, Figure> figures[] = {
      {"p95", [](const PhaseSummary& p) { return format_seconds(p.p95); }},
      {"p99", [](const PhaseSummary& p) { return format_seconds(p.p99); }},
      {"errors", [](const PhaseSummary& p) { return format_percent(p.error_share); }},
      {"hit rate", [](const PhaseSummary& p) { return format_percent(p.hit_rate); }},
      {"DB load", db_load},
  };
  for (const std::string& phase : phase_names(runs))
    for (const auto& figure : figures)
      add_row(table, runs, phase + " " + figure.first, [&](const LabelledRun& run) {
        const PhaseSummary* p = find_phase(run, phase);
        return p ? figure.second(*p) : std::string(kNoValue);
      });
}

void add_probe_rows(Table& table, const std::vector<LabelledRun>& runs) {
  std::vector<std::string> keys;
  for (const LabelledRun& run : runs)
    for (const ActivityView& a : run.view.activities)
      if (a.judged) {
        std::string key = probe_key(*a.judged, a.name);
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
      }
  for (const std::string& key : keys)
    add_row(table, runs, key, [&](const LabelledRun& run) {
      const JudgedProbe* p = find_probe(run, key);
      if (!p) return std::string("not judged");
      const std::string mark = judgement_mark(p->judgement);
      return mark.substr(0, mark.find(' ')) + " " + judged_value(*p);
    });
}

}  // namespace

std::vector<LabelledRun> read_runs(
    const std::vector<std::pair<std::string, boost::json::value>>& runs) {
  std::vector<LabelledRun> out;
  for (const auto& [label, journal] : runs) {
    LabelledRun run{
        label.empty() ? "run " + std::to_string(out.size() + 1) : label, read_journal(journal), {}};
    run.phases = summarize_phases(run.view);
    out.push_back(std::move(run));
  }
  return out;
}

Table comparison_table(const std::vector<LabelledRun>& runs) {
  Table table{{""}, {}, "No runs to compare."};
  if (runs.empty()) return table;
  for (const LabelledRun& run : runs) table.headers.push_back(run.label);
  add_row(table, runs, "verdict",
          [](const LabelledRun& r) { return verdict_title(r.view.verdict); });
  add_row(table, runs, "why", [](const LabelledRun& r) { return r.view.reason; });
  add_row(table, runs, "status", [](const LabelledRun& r) {
    return r.view.status.empty() ? std::string(kNoValue) : r.view.status;
  });
  add_row(table, runs, "duration",
          [](const LabelledRun& r) { return format_seconds(r.view.duration_s); });
  add_phase_rows(table, runs);
  add_probe_rows(table, runs);
  return table;
}

}  // namespace srelab::experiment
