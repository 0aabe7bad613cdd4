#include "experiment/journal_view.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "experiment/report_text.hpp"

namespace srelab::experiment {
namespace json = boost::json;
namespace {

const json::value* member(const json::value* value, std::string_view key) {
  const json::object* object = value ? value->if_object() : nullptr;
  return object ? object->if_contains(key) : nullptr;
}

std::string text(const json::value* value) {
  if (!value) return {};
  if (const auto* s = value->if_string()) return std::string(*s);
  if (value->is_number()) return format_plain(value->to_number<double>());
  return {};
}

double number(const json::value* value) {
  return value && value->is_number() ? value->to_number<double>() : NAN;
}

std::optional<bool> flag(const json::value* value) {
  if (value && value->is_bool()) return value->get_bool();
  return std::nullopt;
}

std::span<const json::value> items(const json::value* value) {
  const json::array* array = value ? value->if_array() : nullptr;
  if (!array) return {};
  return {array->data(), array->size()};
}

std::map<std::string, double> counts(const json::value* value) {
  std::map<std::string, double> out;
  const json::object* object = value ? value->if_object() : nullptr;
  if (!object) return out;
  for (const auto& [key, n] : *object)
    if (n.is_number()) out[std::string(key)] = n.to_number<double>();
  return out;
}

std::optional<JudgedProbe> read_judged(const json::value* lab) {
  if (!lab || !lab->is_object()) return std::nullopt;
  JudgedProbe judged;
  judged.phase = text(member(lab, "phase"));
  judged.judgement = text(member(lab, "judgement"));
  judged.statement = text(member(lab, "statement"));
  const json::value* value = member(lab, "value");
  judged.value = number(value);
  if (value && value->is_string()) judged.value_text = std::string(value->get_string());
  if (value && value->is_bool()) judged.value_text = value->get_bool() ? "true" : "false";
  judged.unit = text(member(lab, "unit"));
  if (const auto range = items(member(lab, "interval")); range.size() == 2) {
    judged.low = number(&range[0]);
    judged.high = number(&range[1]);
  }
  judged.level = number(member(lab, "level"));
  judged.samples = number(member(lab, "samples"));
  judged.evidence = text(member(lab, "evidence"));
  return judged;
}

ActivityView read_run(const json::value& run, std::string where) {
  ActivityView out;
  out.where = std::move(where);
  const json::value* activity = member(&run, "activity");
  out.type = text(member(activity, "type"));
  out.name = text(member(activity, "name"));
  if (out.name.empty()) out.name = "(unnamed)";
  out.status = text(member(&run, "status"));
  out.duration_s = number(member(&run, "duration"));
  if (const json::value* output = member(&run, "output"); output && !output->is_null())
    out.output = short_json(*output);
  for (const json::value& line : items(member(&run, "exception"))) {
    std::string part = text(&line);  // traceback lines come indented and end with a newline
    part.erase(0, part.find_first_not_of(" \t\n"));
    part.erase(part.find_last_not_of(" \t\n") + 1);
    if (!part.empty()) out.exception += (out.exception.empty() ? "" : " ") + part;
  }
  if (const json::value* exception = member(&run, "exception"); exception && exception->is_string())
    out.exception = text(exception);
  out.tolerance_met = flag(member(&run, "tolerance_met"));
  out.judged = read_judged(member(&run, "sre-lab"));
  return out;
}

void read_runs(const json::value* runs, const char* where, JournalView& view) {
  for (const json::value& run : items(runs)) view.activities.push_back(read_run(run, where));
}

std::optional<bool> read_steady_state(const json::value* state, const char* where,
                                      JournalView& view) {
  if (!state || !state->is_object()) return std::nullopt;
  read_runs(member(state, "probes"), where, view);
  return flag(member(state, "steady_state_met"));
}

void read_experiment(const json::value* experiment, JournalView& view) {
  if (!experiment || !experiment->is_object()) {
    view.missing.push_back("The journal has no experiment: no title, description or tags.");
    return;
  }
  if (auto title = text(member(experiment, "title")); !title.empty()) view.title = title;
  view.description = text(member(experiment, "description"));
  for (const json::value& tag : items(member(experiment, "tags")))
    if (auto t = text(&tag); !t.empty()) view.tags.push_back(t);
}

LoadPoint read_point(const json::value& point) {
  LoadPoint out;
  out.t = number(member(&point, "t"));
  out.phase = text(member(&point, "phase"));
  for (auto [key, field] :
       {std::pair{"sent", &out.sent}, {"answered", &out.answered}, {"failed", &out.failed}}) {
    const double n = number(member(&point, key));
    *field = std::isfinite(n) ? n : 0;
  }
  out.p50 = number(member(&point, "p50"));
  out.p95 = number(member(&point, "p95"));
  out.p99 = number(member(&point, "p99"));
  out.max = number(member(&point, "max"));
  out.statuses = counts(member(&point, "statuses"));
  out.sources = counts(member(&point, "sources"));
  return out;
}

void read_timeline(const json::value* timeline, JournalView& view) {
  for (const json::value& t : items(member(timeline, "time"))) view.time.push_back(number(&t));
  const json::object* values =
      member(timeline, "values") ? member(timeline, "values")->if_object() : nullptr;
  if (!values) return;
  for (const auto& [key, list] : *values) {
    std::vector<double>& series = view.series[std::string(key)];
    series.assign(view.time.size(), NAN);  // a short list leaves the rest as gaps
    const auto numbers = items(&list);
    for (std::size_t i = 0; i < std::min(series.size(), numbers.size()); ++i)
      series[i] = number(&numbers[i]);
  }
}

// Without the extension's phases, each phase spans its load points (a point covers the second
// before its t).
void phases_from_load(JournalView& view) {
  for (const LoadPoint& point : view.load) {
    if (point.phase.empty() || !std::isfinite(point.t)) continue;
    auto it = std::find_if(view.phases.begin(), view.phases.end(),
                           [&](const PhaseSpan& p) { return p.name == point.phase; });
    if (it == view.phases.end()) {
      view.phases.push_back({point.phase, point.t - 1, point.t});
    } else {
      it->start = std::min(it->start, point.t - 1);
      it->end = std::max(it->end, point.t);
    }
  }
}

void read_extension(const json::value& extension, JournalView& view) {
  view.has_extension = true;
  view.version = text(member(&extension, "version"));
  view.verdict = text(member(&extension, "verdict"));
  view.reason = text(member(&extension, "reason"));
  view.service_url = text(member(&extension, "service_url"));
  view.load_url = text(member(&extension, "load_url"));
  view.console_url = text(member(&extension, "console_url"));
  for (const json::value& phase : items(member(&extension, "phases"))) {
    PhaseSpan span{text(member(&phase, "name")), number(member(&phase, "start")),
                   number(member(&phase, "end"))};
    const json::value* latency = member(&phase, "latency_s");
    span.p50 = number(member(latency, "p50"));
    span.p95 = number(member(latency, "p95"));
    span.p99 = number(member(latency, "p99"));
    if (!span.name.empty() && std::isfinite(span.start) && std::isfinite(span.end))
      view.phases.push_back(span);
  }
  for (const json::value& point : items(member(&extension, "load")))
    view.load.push_back(read_point(point));
  read_timeline(member(&extension, "timeline"), view);
  for (const json::value& trace : items(member(&extension, "slowest_traces")))
    view.traces.push_back({text(member(&trace, "trace_id")), number(member(&trace, "duration_s")),
                           text(member(&trace, "status")), text(member(&trace, "phase")),
                           text(member(&trace, "url"))});
}

const json::value* find_extension(const json::value& journal) {
  for (const json::value& extension : items(member(&journal, "extensions")))
    if (text(member(&extension, "name")) == "sre-lab") return &extension;
  return nullptr;
}

// CTK's own fields say as much as a journal without sre-lab's judgement can.
void derive_verdict(JournalView& view) {
  if (view.deviated == true) {
    view.verdict = "deviated";
  } else if (view.status == "completed") {
    view.verdict = "held";
  } else {
    view.verdict = view.status.empty() ? "unknown" : view.status;
  }
  view.reason = "Taken from the journal's status and deviated fields: it has no sre-lab verdict.";
}

void note_gaps(JournalView& view) {
  if (!view.has_extension) {
    view.missing.push_back(
        "The journal has no sre-lab extension: no background load, timeline, phases, slowest "
        "traces or statistical verdict.");
    return;
  }
  if (view.load.empty()) view.missing.push_back("The background load recorded no points.");
  if (view.time.empty()) view.missing.push_back("The service's timeline has no points.");
  if (view.phases.empty()) view.missing.push_back("The journal names no phases.");
  if (!view.before_met)
    view.missing.push_back("The steady state was not checked before the method.");
  if (!view.after_met) view.missing.push_back("The steady state was not checked after the method.");
}

}  // namespace

const std::vector<double>* JournalView::timeline(const std::string& name) const {
  const auto it = series.find(name);
  if (it == series.end()) return nullptr;
  const bool any =
      std::any_of(it->second.begin(), it->second.end(), [](double v) { return std::isfinite(v); });
  return any ? &it->second : nullptr;
}

const PhaseSpan* JournalView::phase(const std::string& name) const {
  const auto it = std::find_if(phases.begin(), phases.end(),
                               [&](const PhaseSpan& p) { return p.name == name; });
  return it == phases.end() ? nullptr : &*it;
}

JournalView read_journal(const json::value& journal) {
  JournalView view;
  if (!journal.is_object()) view.missing.push_back("The journal is not a JSON object.");
  read_experiment(member(&journal, "experiment"), view);
  view.status = text(member(&journal, "status"));
  view.deviated = flag(member(&journal, "deviated"));
  view.start = text(member(&journal, "start"));
  view.end = text(member(&journal, "end"));
  view.duration_s = number(member(&journal, "duration"));
  view.platform = text(member(&journal, "platform"));
  view.node = text(member(&journal, "node"));

  const json::value* steady = member(&journal, "steady_states");
  view.before_met = read_steady_state(member(steady, "before"), "before", view);
  read_runs(member(&journal, "run"), "method", view);
  read_runs(member(steady, "during"), "during", view);
  read_runs(member(&journal, "rollbacks"), "rollback", view);
  view.after_met = read_steady_state(member(steady, "after"), "after", view);

  if (const json::value* extension = find_extension(journal)) read_extension(*extension, view);
  if (view.verdict.empty()) derive_verdict(view);
  if (view.phases.empty()) phases_from_load(view);
  note_gaps(view);
  return view;
}

}  // namespace srelab::experiment
