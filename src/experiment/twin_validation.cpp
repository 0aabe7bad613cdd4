#include "experiment/twin_validation.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "experiment/phase_summary.hpp"
#include "experiment/report_text.hpp"

namespace srelab::experiment {
namespace {

const PhaseSummary* find_phase(const std::vector<PhaseSummary>& phases, const std::string& name) {
  const auto it = std::find_if(phases.begin(), phases.end(),
                               [&](const PhaseSummary& p) { return p.name == name; });
  return it == phases.end() ? nullptr : &*it;
}

// The phase's answers by status, as shares of its requests (no answer counted as "none").
std::map<std::string, double> status_shares(const JournalView& view, const std::string& phase) {
  std::map<std::string, double> counts;
  double requests = 0;
  for (const LoadPoint& point : view.load) {
    if (point.phase != phase) continue;
    for (const auto& [status, count] : point.statuses) counts[status] += count;
    if (point.failed > 0) counts["none"] += point.failed;
    requests += point.answered + point.failed;
  }
  for (auto& [status, count] : counts) count = requests > 0 ? count / requests : NAN;
  return counts;
}

const char* state_name(double chart_value) {
  if (chart_value >= 1.5) return "OPEN";
  if (chart_value >= 0.5) return "HALF_OPEN";
  return "CLOSED";
}

// The breaker's states in the phase, in order, each once per stretch.
std::string breaker_path(const JournalView& view, const std::string& phase) {
  const PhaseSpan* span = view.phase(phase);
  const std::vector<double>* states = view.timeline("breaker_state");
  if (!span || !states) return std::string(kNoValue);
  std::string path;
  const char* last = nullptr;
  for (std::size_t i = 0; i < view.time.size() && i < states->size(); ++i) {
    if (view.time[i] < span->start || view.time[i] >= span->end || !std::isfinite((*states)[i]))
      continue;
    const char* state = state_name((*states)[i]);
    if (last && std::string_view(last) == state) continue;
    path += (path.empty() ? "" : " → ") + std::string(state);
    last = state;
  }
  return path.empty() ? std::string(kNoValue) : path;
}

FigureCheck check(std::string phase, std::string figure, double real, double twin, bool share,
                  bool judged) {
  FigureCheck out{std::move(phase), std::move(figure), share, share ? "ratio" : "s", real, twin};
  if (std::isfinite(real) && std::isfinite(twin) && real != 0)
    out.relative_error = std::abs(twin - real) / std::abs(real);
  out.judged = judged;
  if (!judged) return out;
  if (!std::isfinite(real) || !std::isfinite(twin)) {
    out.within = std::isfinite(real) == std::isfinite(twin);
    return out;
  }
  const double gap = std::abs(twin - real);
  out.within =
      (share && gap <= kTwinShareTolerance) || gap <= kTwinRelativeTolerance * std::abs(real);
  return out;
}

std::string error_text(const FigureCheck& figure) {
  if (figure.share && std::isfinite(figure.real) && std::isfinite(figure.twin)) {
    const double points = (figure.twin - figure.real) * 100;
    return (points >= 0 ? "+" : "") + format_plain(points) + " pp";
  }
  if (!std::isfinite(figure.relative_error)) return std::string(kNoValue);
  return format_percent(figure.relative_error);
}

// Each judged probe with a number in the real run, beside the same probe of the twin's run (the
// same activity, in the same place, in order). Shown, not judged: the target is the
// phases' tail and errors, and a probe's own tolerance already decides the verdicts compared.
void add_probe_values(const JournalView& real, const JournalView& twin,
                      std::vector<FigureCheck>& figures) {
  std::vector<bool> taken(twin.activities.size(), false);
  for (const ActivityView& activity : real.activities) {
    if (!activity.judged || !std::isfinite(activity.judged->value)) continue;
    double twin_value = NAN;
    for (std::size_t i = 0; i < twin.activities.size(); ++i) {
      const ActivityView& candidate = twin.activities[i];
      if (taken[i] || candidate.where != activity.where || candidate.name != activity.name ||
          !candidate.judged)
        continue;
      taken[i] = true;
      twin_value = candidate.judged->value;
      break;
    }
    const JudgedProbe& probe = *activity.judged;
    FigureCheck figure =
        check(probe.phase, "probe: " + activity.name, probe.value, twin_value, false, false);
    figure.share = probe.unit == "ratio";
    figure.unit = probe.unit;
    figures.push_back(std::move(figure));
  }
}

}  // namespace

bool TwinValidation::within() const {
  return verdicts_agree() &&
         std::all_of(figures.begin(), figures.end(), [](const FigureCheck& f) { return f.within; });
}

TwinValidation validate_twin(const JournalView& real, const JournalView& twin) {
  TwinValidation out;
  out.real_verdict = real.verdict;
  out.twin_verdict = twin.verdict;
  const std::vector<PhaseSummary> real_phases = summarize_phases(real);
  const std::vector<PhaseSummary> twin_phases = summarize_phases(twin);
  for (const PhaseSummary& r : real_phases) {
    const PhaseSummary* t = find_phase(twin_phases, r.name);
    const PhaseSummary none{};
    const PhaseSummary& tw = t ? *t : none;
    out.figures.push_back(check(r.name, "p50", r.p50, tw.p50, false, false));
    out.figures.push_back(check(r.name, "p95", r.p95, tw.p95, false, true));
    out.figures.push_back(check(r.name, "p99", r.p99, tw.p99, false, false));
    const auto real_shares = status_shares(real, r.name);
    const auto twin_shares = status_shares(twin, r.name);
    std::set<std::string> statuses;
    for (const auto& [status, share] : real_shares) statuses.insert(status);
    for (const auto& [status, share] : twin_shares) statuses.insert(status);
    for (const std::string& status : statuses) {
      const auto in = [&](const std::map<std::string, double>& shares) {
        const auto it = shares.find(status);
        return it == shares.end() ? 0.0 : it->second;
      };
      const bool error = status == "none" || is_error_status(status);
      out.figures.push_back(
          check(r.name, "status " + status, in(real_shares), in(twin_shares), true, error));
    }
    out.figures.push_back(check(r.name, "hit rate", r.hit_rate, tw.hit_rate, true, false));
    out.breaker_paths.push_back({r.name, breaker_path(real, r.name), breaker_path(twin, r.name)});
  }
  add_probe_values(real, twin, out.figures);
  return out;
}

Table validation_table(const TwinValidation& validation) {
  Table table{{"phase", "figure", "real", "twin", "error", "target"}, {}, "No phases to compare."};
  auto row = [&](std::string phase, std::string figure, std::string real, std::string twin,
                 std::string error, std::string target) {
    table.rows.push_back({{std::move(phase), {}},
                          {std::move(figure), {}},
                          {std::move(real), {}},
                          {std::move(twin), {}},
                          {std::move(error), {}},
                          {std::move(target), {}}});
  };
  row("", "verdict", verdict_title(validation.real_verdict), verdict_title(validation.twin_verdict),
      validation.verdicts_agree() ? "same" : "differs",
      validation.verdicts_agree() ? "✓ agree" : "✗ must agree");
  for (const PhasePath& path : validation.breaker_paths)
    row(path.phase, "breaker", path.real, path.twin, path.real == path.twin ? "same" : "differs",
        "");
  for (const FigureCheck& figure : validation.figures) {
    const auto value = [&](double v) { return format_value(v, figure.unit); };
    std::string target;
    if (figure.judged)
      target =
          std::string(figure.within ? "✓" : "✗") + (figure.share ? " ≤ 15 % or 2 pp" : " ≤ 15 %");
    row(figure.phase, figure.figure, value(figure.real), value(figure.twin), error_text(figure),
        std::move(target));
  }
  return table;
}

}  // namespace srelab::experiment
