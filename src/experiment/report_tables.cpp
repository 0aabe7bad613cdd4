#include "experiment/report_tables.hpp"

#include <cmath>

#include "experiment/report_text.hpp"

namespace srelab::experiment {
namespace {

std::string steady_state(const std::optional<bool>& met) {
  if (!met) return "not checked";
  return *met ? "met" : "not met";
}

std::string interval_text(const JudgedProbe& p) {
  if (!std::isfinite(p.low) || !std::isfinite(p.high)) return std::string(kNoValue);
  std::string out = format_value(p.low, p.unit) + " – " + format_value(p.high, p.unit);
  if (std::isfinite(p.level)) out += " (" + format_plain(p.level * 100) + " %)";
  return out;
}

std::string status_text(const ActivityView& run) {
  std::string out = run.status.empty() ? "not recorded" : run.status;
  if (run.tolerance_met) out += *run.tolerance_met ? ", tolerance met" : ", tolerance not met";
  return out;
}

Cell link(std::string text, std::string href) {
  return {std::move(text), std::move(href)};
}
Cell plain(std::string text) {
  return {std::move(text), {}};
}

}  // namespace

std::string verdict_title(const std::string& verdict) {
  std::string out = verdict.empty() ? "UNKNOWN" : verdict;
  for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

std::string judgement_mark(const std::string& judgement) {
  if (judgement == "met") return "✓ met";
  if (judgement == "not_met") return "✗ not met";
  if (judgement == "inconclusive") return "? inconclusive";
  return judgement.empty() ? "? not judged" : "? " + judgement;
}

std::string judged_value(const JudgedProbe& probe) {
  if (!probe.value_text.empty()) return probe.value_text;
  return format_value(probe.value, probe.unit);
}

std::vector<Fact> head_facts(const JournalView& view) {
  std::vector<Fact> facts;
  const auto add = [&](std::string name, std::string text, std::string href = {}) {
    if (!text.empty()) facts.push_back({std::move(name), link(std::move(text), std::move(href))});
  };
  add("Status", view.status.empty() ? "not recorded" : view.status);
  add("Deviated", view.deviated ? (*view.deviated ? "yes" : "no") : "not recorded");
  add("Started", view.start.empty() ? "not recorded" : format_timestamp(view.start));
  add("Duration", format_seconds(view.duration_s));
  add("Steady state before", steady_state(view.before_met));
  add("Steady state after", steady_state(view.after_met));
  std::string tags;
  for (const std::string& tag : view.tags) tags += (tags.empty() ? "" : ", ") + tag;
  add("Tags", tags);
  add("Service", view.service_url, view.service_url);
  add("Load sent to", view.load_url, view.load_url);
  add("Console", view.console_url, view.console_url);
  return facts;
}

Table probes_table(const JournalView& view) {
  Table table{{"Phase", "Hypothesis", "Value", "Interval", "Samples", "Judgement", "Evidence"},
              {},
              "No probe was judged: the run stopped before any phase was measured."};
  for (const ActivityView& run : view.activities) {
    if (!run.judged) continue;
    const JudgedProbe& p = *run.judged;
    table.rows.push_back({plain(p.phase.empty() ? run.where : p.phase),
                          plain(p.statement.empty() ? run.name : p.statement),
                          plain(judged_value(p)), plain(interval_text(p)),
                          plain(format_count(p.samples)), plain(judgement_mark(p.judgement)),
                          plain(p.evidence.empty() ? std::string(kNoValue) : p.evidence)});
  }
  return table;
}

Table activities_table(const JournalView& view) {
  Table table{{"Step", "Type", "Name", "Status", "Duration", "Output or exception"},
              {},
              "The journal records no actions or rollbacks."};
  for (const ActivityView& run : view.activities) {
    if (run.judged) continue;
    const std::string detail = !run.exception.empty() ? "exception: " + run.exception
                               : !run.output.empty()  ? run.output
                                                      : std::string(kNoValue);
    table.rows.push_back({plain(run.where), plain(run.type.empty() ? "?" : run.type),
                          plain(run.name), plain(status_text(run)),
                          plain(format_seconds(run.duration_s)), plain(detail)});
  }
  return table;
}

Table phases_table(const std::vector<PhaseSummary>& phases) {
  Table table{{"Phase", "Length", "Answers", "Rate", "p50", "p95", "p99", "Errors", "Hit rate",
               "From the DB"},
              {},
              "No phase figures: the journal has no phases or no background load."};
  for (const PhaseSummary& p : phases) {
    const std::string rate = std::isfinite(p.rate)
                                 ? format_plain(std::round(p.rate * 10) / 10) + "/s"
                                 : std::string(kNoValue);
    table.rows.push_back(
        {plain(p.name), plain(format_seconds(p.seconds)), plain(format_count(p.answered)),
         plain(rate), plain(format_seconds(p.p50)), plain(format_seconds(p.p95)),
         plain(format_seconds(p.p99)), plain(format_percent(p.error_share)),
         plain(format_percent(p.hit_rate)), plain(format_percent(p.database_share))});
  }
  return table;
}

Table traces_table(const JournalView& view) {
  Table table{{"Trace", "Duration", "Status", "Phase"}, {}, "The journal lists no slow traces."};
  for (const SlowTrace& t : view.traces)
    table.rows.push_back({link(t.trace_id.empty() ? "(no id)" : t.trace_id, t.url),
                          plain(format_seconds(t.duration_s)),
                          plain(t.status.empty() ? std::string(kNoValue) : t.status),
                          plain(t.phase.empty() ? std::string(kNoValue) : t.phase)});
  return table;
}

}  // namespace srelab::experiment
