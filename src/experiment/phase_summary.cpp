#include "experiment/phase_summary.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace srelab::experiment {
namespace {

// A second's latency CDF through its quantiles; knots stay non-decreasing whatever came in.
struct SecondCdf {
  std::array<double, 5> x{};
  std::array<double, 5> p{0, 0.5, 0.95, 0.99, 1};
  double weight = 0;

  double at(double value) const {
    if (value >= x[4]) return 1;
    for (std::size_t k = 1; k < x.size(); ++k) {
      if (value >= x[k]) continue;
      if (x[k] <= x[k - 1]) return p[k - 1];
      // Latencies spread over orders of magnitude: between two quantiles the CDF is taken as
      // straight in log(latency), below p50 straight in latency (log 0 does not exist).
      const double share = x[k - 1] > 0 && value > 0
                               ? std::log(value / x[k - 1]) / std::log(x[k] / x[k - 1])
                               : (value - x[k - 1]) / (x[k] - x[k - 1]);
      return p[k - 1] + (p[k] - p[k - 1]) * std::max(share, 0.0);
    }
    return 1;
  }
};

std::vector<SecondCdf> second_cdfs(const std::vector<const LoadPoint*>& points) {
  std::vector<SecondCdf> out;
  for (const LoadPoint* point : points) {
    if (point->answered <= 0 || !std::isfinite(point->p50)) continue;
    SecondCdf cdf;
    cdf.weight = point->answered;
    const double knots[] = {0, point->p50, point->p95, point->p99, point->max};
    double last = 0;
    for (std::size_t k = 0; k < cdf.x.size(); ++k) {
      last = std::isfinite(knots[k]) ? std::max(last, knots[k]) : last;
      cdf.x[k] = last;
    }
    out.push_back(cdf);
  }
  return out;
}

double mixed_quantile(const std::vector<SecondCdf>& cdfs, double q) {
  double total = 0, high = 0;
  for (const SecondCdf& cdf : cdfs) {
    total += cdf.weight;
    high = std::max(high, cdf.x[4]);
  }
  if (total <= 0) return NAN;
  double low = 0;
  for (int i = 0; i < 60; ++i) {  // 2^-60 of the range: far below any printed digit
    const double mid = (low + high) / 2;
    double below = 0;
    for (const SecondCdf& cdf : cdfs) below += cdf.weight * cdf.at(mid);
    (below / total < q ? low : high) = mid;
  }
  return high;
}

double share(double part, double whole) {
  return whole > 0 ? part / whole : NAN;
}

bool inside(const LoadPoint& point, const PhaseSpan& phase, bool by_name) {
  if (by_name && !point.phase.empty()) return point.phase == phase.name;
  // A point stamped t covers the second before it.
  return point.t > phase.start && point.t <= phase.end + 1e-9;
}

PhaseSummary summarize(const JournalView& view, const PhaseSpan& phase, bool by_name) {
  PhaseSummary out;
  out.name = phase.name;
  std::vector<const LoadPoint*> points;
  double cache = 0, database = 0;
  bool sources = false;
  for (const LoadPoint& point : view.load) {
    if (!inside(point, phase, by_name)) continue;
    points.push_back(&point);
    out.sent += point.sent;
    out.answered += point.answered;
    out.failed += point.failed;
    out.errors += point.failed;
    for (const auto& [status, n] : point.statuses)
      if (is_error_status(status)) out.errors += n;
    sources = sources || !point.sources.empty();
    if (auto it = point.sources.find("cache"); it != point.sources.end()) cache += it->second;
    if (auto it = point.sources.find("database"); it != point.sources.end()) database += it->second;
  }
  out.seconds =
      phase.end > phase.start ? phase.end - phase.start : static_cast<double>(points.size());
  out.rate = share(out.answered, out.seconds);
  if (std::isfinite(phase.p95)) {  // exact, from the run's histogram
    out.p50 = phase.p50;
    out.p95 = phase.p95;
    out.p99 = phase.p99;
  } else {
    const auto cdfs = second_cdfs(points);
    out.p50 = mixed_quantile(cdfs, 0.50);
    out.p95 = mixed_quantile(cdfs, 0.95);
    out.p99 = mixed_quantile(cdfs, 0.99);
  }
  out.error_share = share(out.errors, out.answered + out.failed);
  out.hit_rate = sources ? share(cache, out.answered)
                         : timeline_mean(view, "cache_hit_rate", phase.start, phase.end);
  out.database_share = sources ? share(database, out.answered) : NAN;
  out.db_query_p95 = timeline_mean(view, "db_query_p95", phase.start, phase.end);
  return out;
}

}  // namespace

bool is_error_status(const std::string& status) {
  return status.empty() || (status[0] != '2' && status[0] != '3');
}

double timeline_mean(const JournalView& view, const std::string& series, double start, double end) {
  const std::vector<double>* values = view.timeline(series);
  if (!values) return NAN;
  double sum = 0;
  int n = 0;
  for (std::size_t i = 0; i < view.time.size(); ++i) {
    if (view.time[i] <= start || view.time[i] > end + 1e-9 || !std::isfinite((*values)[i]))
      continue;
    sum += (*values)[i];
    ++n;
  }
  return n > 0 ? sum / n : NAN;
}

std::vector<PhaseSummary> summarize_phases(const JournalView& view) {
  // Points name their phase; the bounds decide only for points that do not.
  std::vector<PhaseSummary> out;
  for (const PhaseSpan& phase : view.phases) out.push_back(summarize(view, phase, true));
  return out;
}

}  // namespace srelab::experiment
