#include "sim/calibration_fit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "core/random.hpp"
#include "experiment/journal_view.hpp"
#include "experiment/special_functions.hpp"

namespace srelab::sim {

namespace {

using experiment::JournalView;
using experiment::PhaseSpan;

// The service overhead's fit draws this many model requests per trial: enough for p95 to within
// about 1 %, and cheap (the two bisections make ~1,000 trials).
constexpr std::size_t kDraws = 8000;
// The client's tail is fitted up to p99: 100 times as many draws put a few hundred above it.
constexpr std::size_t kTailDraws = 100'000;
constexpr std::uint64_t kFitSeed = 0x5eed;
constexpr double kMinSeconds = 1e-7;  // the smallest median the fit reports
constexpr double kMaxSigma = 3;       // the overhead's widest: p95 = 139 × the median

struct QuietWindow {
  const JournalView& view;
  const PhaseSpan* phase;

  bool holds(double t) const { return t >= phase->start && t < phase->end; }

  // The series' value in each second of the phase (nulls skipped).
  std::vector<double> values(const std::string& name) const {
    std::vector<double> found;
    const auto* series = view.timeline(name);
    if (!series) return found;
    for (std::size_t i = 0; i < view.time.size() && i < series->size(); ++i)
      if (holds(view.time[i]) && std::isfinite((*series)[i])) found.push_back((*series)[i]);
    return found;
  }
};

double median(std::vector<double> values) {
  if (values.empty()) return NAN;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

std::string milliseconds(double seconds) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.4g ms", seconds * 1000);
  return text.data();
}

// The quiet phase: the baseline, else the warm-up (a run stopped early, or without a baseline).
const PhaseSpan* quiet_phase(const JournalView& view) {
  for (const char* name : {"baseline", "warmup"})
    if (const PhaseSpan* phase = view.phase(name); phase && phase->end > phase->start) return phase;
  return nullptr;
}

// A lognormal through the medians over the window of two per-second series.
std::optional<Distribution> fit_series(const QuietWindow& window, const std::string& p50,
                                       const std::string& p95, std::string& error) {
  const double median50 = median(window.values(p50));
  const double median95 = median(window.values(p95));
  if (!std::isfinite(median50) || !std::isfinite(median95)) {
    error = "the journal's timeline has no " + (std::isfinite(median50) ? p95 : p50) +
            " value in its " + window.phase->name +
            " phase (a run of this sre-lab records it; see docs/experiments.md)";
    return std::nullopt;
  }
  return Distribution::lognormal(std::max(median50, kMinSeconds), std::max(median95, median50));
}

// What lies between the client and the service (the gateway's hop, loopback, the client's own
// work): the client's quantile minus the service's, each the median over the phase's seconds.
// The validation compares what the client saw, so this is the figure the twin must add; the
// gateway's own log counts whole milliseconds and leaves the rest out.
std::optional<Distribution> fit_client_hop(const QuietWindow& window) {
  std::vector<double> client50, client95;
  for (const auto& point : window.view.load) {
    if (point.phase != window.phase->name) continue;
    if (std::isfinite(point.p50)) client50.push_back(point.p50);
    if (std::isfinite(point.p95)) client95.push_back(point.p95);
  }
  const double service50 = median(window.values("latency_p50"));
  const double service95 = median(window.values("latency_p95"));
  if (client50.empty() || client95.empty() || !std::isfinite(service50) ||
      !std::isfinite(service95))
    return std::nullopt;
  const double m = std::max(median(client50) - service50, kMinSeconds);
  return Distribution::lognormal(m, std::max(median(client95) - service95, m));
}

// What the gateway adds by its own log: its quantile minus the service's, second by second.
std::optional<Distribution> fit_gateway(const QuietWindow& window) {
  if (auto hop = fit_client_hop(window)) return hop;
  const auto* gateway50 = window.view.timeline("gateway_latency_p50");
  const auto* gateway95 = window.view.timeline("gateway_latency_p95");
  const auto* service50 = window.view.timeline("latency_p50");
  const auto* service95 = window.view.timeline("latency_p95");
  if (!gateway50 || !gateway95 || !service50 || !service95) return std::nullopt;
  std::vector<double> added50, added95;
  for (std::size_t i = 0; i < window.view.time.size(); ++i) {
    if (!window.holds(window.view.time[i])) continue;
    const double a = (*gateway50)[i] - (*service50)[i];
    const double b = (*gateway95)[i] - (*service95)[i];
    if (std::isfinite(a)) added50.push_back(a);
    if (std::isfinite(b)) added95.push_back(b);
  }
  if (added50.empty() || added95.empty()) return std::nullopt;
  const double m = std::max(median(added50), kMinSeconds);
  return Distribution::lognormal(m, std::max(median(added95), m));
}

// The share of the phase's answers that came from the cache (the load generator's per-second
// sources); NaN when the load recorded no sources.
double hit_share(const JournalView& view, const std::string& phase) {
  double cache = 0, all = 0;
  for (const auto& point : view.load) {
    if (point.phase != phase) continue;
    for (const auto& [source, count] : point.sources) {
      all += count;
      if (source == "cache") cache += count;
    }
  }
  return all > 0 ? cache / all : NAN;
}

// The model's request times for an overhead lognormal (mu, sigma): fixed draws, so that the
// quantiles move smoothly with mu and sigma and the bisections converge.
class RequestModel {
 public:
  RequestModel(const Distribution& cache, const Distribution& db, double hit_share,
               std::size_t draws = kDraws)
      : draws_(draws) {
    Random random(kFitSeed);
    normals_.reserve(draws_);
    rest_.reserve(draws_);
    const Distribution unit = Distribution::lognormal(1, std::exp(1.6448536269514722));
    for (std::size_t i = 0; i < draws_; ++i) {
      normals_.push_back(std::log(unit.sample(random)));  // a standard normal
      double rest = cache.sample(random);
      if (random.unit() >= hit_share) rest += db.sample(random) + cache.sample(random);
      rest_.push_back(rest);
    }
  }

  // The service's request times for a fitted overhead, one per model request.
  std::vector<double> times(const Distribution& overhead) const {
    Random random(kFitSeed + 1);
    std::vector<double> times(draws_);
    for (std::size_t i = 0; i < draws_; ++i) times[i] = overhead.sample(random) + rest_[i];
    return times;
  }

  std::pair<double, double> p50_p95(double mu, double sigma) {
    times_.resize(draws_);
    for (std::size_t i = 0; i < draws_; ++i)
      times_[i] = std::exp(mu + sigma * normals_[i]) + rest_[i];
    return {quantile(0.50), quantile(0.95)};
  }

 private:
  double quantile(double q) {
    const auto at = times_.begin() + static_cast<std::ptrdiff_t>(q * (draws_ - 1));
    std::nth_element(times_.begin(), at, times_.end());
    return *at;
  }

  std::size_t draws_;
  std::vector<double> normals_;
  std::vector<double> rest_;
  std::vector<double> times_;
};

// The mu that puts the model's p50 on `target` for this sigma.
double solve_mu(RequestModel& model, double sigma, double target) {
  double low = std::log(kMinSeconds), high = std::log(std::max(target, kMinSeconds) * 10);
  for (int i = 0; i < 40; ++i) {
    const double mid = (low + high) / 2;
    (model.p50_p95(mid, sigma).first < target ? low : high) = mid;
  }
  return (low + high) / 2;
}

Distribution fit_overhead(const Distribution& cache, const Distribution& db, double hit_share,
                          double p50, double p95, std::vector<std::string>& notes) {
  RequestModel model(cache, db, hit_share);
  const double floor50 = model.p50_p95(std::log(kMinSeconds), 0).first;
  if (p50 <= floor50) {
    notes.push_back("service_overhead: the service's p50 (" + milliseconds(p50) +
                    ") is at or below the model's lookup time alone; the overhead is set to 0");
    return Distribution::constant(0);
  }
  // With the p50 held, a wider overhead only raises the p95: bisect sigma on it.
  double low = 0, high = kMaxSigma;
  if (model.p50_p95(solve_mu(model, 0, p50), 0).second >= p95) {
    notes.push_back(
        "service_overhead: the service's p95 is reached without any spread in the "
        "overhead; it is fitted as a constant");
    return Distribution::constant(std::exp(solve_mu(model, 0, p50)));
  }
  for (int i = 0; i < 30; ++i) {
    const double mid = (low + high) / 2;
    (model.p50_p95(solve_mu(model, mid, p50), mid).second < p95 ? low : high) = mid;
  }
  const double sigma = (low + high) / 2;
  const double mu = solve_mu(model, sigma, p50);
  if (sigma > kMaxSigma * 0.99)
    notes.push_back("service_overhead: the service's p95 (" + milliseconds(p95) +
                    ") is beyond what the model reaches with the widest overhead it fits; the "
                    "overhead's spread is capped (the lookups' and queries' tails are too light "
                    "for this run)");
  return Distribution::lognormal(std::exp(mu), std::exp(mu + sigma * 1.6448536269514722));
}

// The value at quantile q of `values` (reordered).
double quantile_of(std::vector<double>& values, double q) {
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(q * (values.size() - 1));
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

// A hop through its p50, p95 and p99 shaped like a lognormal between them: log-linear in the
// normal quantile, the body below p95 with the p50→p95 slope, the tail past p99 with the
// p95→p99 one up to `ceiling` (a straight line between quantiles would put the p75 half-way to
// the p95, far too heavy for a tail made of a few slow requests). As knots of an empirical
// distribution.
Distribution piecewise_lognormal(const std::array<double, 3>& hop, double ceiling) {
  constexpr double kFloor = 1e-7;
  const double z95 = experiment::normal_quantile(0.95), z99 = experiment::normal_quantile(0.99);
  const double l50 = std::log(std::max(hop[0], kFloor));
  const double l95 = std::max(std::log(std::max(hop[1], kFloor)), l50);
  const double l99 = std::max(std::log(std::max(hop[2], kFloor)), l95);
  const auto value = [&](double q) {
    const double z = experiment::normal_quantile(q);
    if (z <= z95) return std::exp(l50 + (l95 - l50) * z / z95);
    return std::exp(l95 + (l99 - l95) * (z - z95) / (z99 - z95));
  };
  std::vector<std::pair<double, double>> knots{{0, 0}};
  for (const double q : {0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97,
                         0.98, 0.99, 0.995, 0.999, 0.9999})
    knots.emplace_back(q, std::max(std::min(value(q), std::max(ceiling, hop[2])),
                                   knots.back().second));  // rounding never descends
  knots.emplace_back(1, knots.back().second);
  return *Distribution::empirical(std::move(knots));
}

// What the client saw over the phase: its p50, p95, p99 and max. A second in which the service
// itself was slow (its own p95 ten times the phase's usual, e.g. a saturation avalanche left over
// from a cold start) is left out: the model makes those itself, and in the hop they would slow
// every scenario. Without such a second, the phase's exact quantiles (the run's histogram over
// all its answers); with one, the quantiles of the other seconds pooled, each second taken as a
// distribution through its own p50, p95, p99 and max.
struct ClientFigures {
  std::array<double, 3> quantiles{};  // p50, p95, p99
  double max = NAN;
  std::size_t seconds_left_out = 0;
};

std::optional<ClientFigures> client_figures(const QuietWindow& window) {
  std::vector<double> slow_times;
  const auto* service95 = window.view.timeline("latency_p95");
  const double usual = median(window.values("latency_p95"));
  if (service95 && std::isfinite(usual)) {
    for (std::size_t i = 0; i < window.view.time.size() && i < service95->size(); ++i)
      if (window.holds(window.view.time[i]) && (*service95)[i] > 10 * usual)
        slow_times.push_back(window.view.time[i]);
  }
  struct Second {
    double weight;
    std::array<std::pair<double, double>, 5> cdf;  // (value, cumulative share)
  };
  std::vector<Second> kept;
  ClientFigures figures;
  for (const auto& point : window.view.load) {
    if (point.phase != window.phase->name) continue;
    if (!std::isfinite(point.p50) || !std::isfinite(point.p99) || point.answered <= 0) continue;
    const bool slow = std::any_of(slow_times.begin(), slow_times.end(),
                                  [&](double t) { return std::abs(t - (point.t - 0.5)) < 1; });
    if (slow) {
      ++figures.seconds_left_out;
      continue;
    }
    const double top = std::isfinite(point.max) ? std::max(point.max, point.p99) : point.p99;
    kept.push_back({point.answered,
                    {{{0, 0}, {point.p50, 0.5}, {point.p95, 0.95}, {point.p99, 0.99}, {top, 1}}}});
    figures.max = std::isfinite(figures.max) ? std::max(figures.max, top) : top;
  }
  const PhaseSpan& phase = *window.phase;
  if (figures.seconds_left_out == 0 && std::isfinite(phase.p50) && std::isfinite(phase.p95) &&
      std::isfinite(phase.p99)) {
    figures.quantiles = {phase.p50, phase.p95, phase.p99};
    return figures;
  }
  if (kept.empty()) return std::nullopt;
  double all = 0;
  for (const Second& second : kept) all += second.weight;
  const auto share_below = [&](double x) {
    double below = 0;
    for (const Second& second : kept) {
      double share = 1;
      for (std::size_t k = 1; k < second.cdf.size(); ++k) {
        const auto [v0, q0] = second.cdf[k - 1];
        const auto [v1, q1] = second.cdf[k];
        if (x < v1) {
          share = v1 > v0 ? q0 + (q1 - q0) * (x - v0) / (v1 - v0) : q0;
          break;
        }
      }
      below += second.weight * share;
    }
    return below / all;
  };
  const std::array<double, 3> levels{0.50, 0.95, 0.99};
  for (std::size_t k = 0; k < levels.size(); ++k) {
    double low = 0, high = figures.max;
    for (int i = 0; i < 60; ++i) {
      const double mid = (low + high) / 2;
      (share_below(mid) < levels[k] ? low : high) = mid;
    }
    figures.quantiles[k] = high;
  }
  return figures;
}

// The hop as the client saw it, chosen so that the model's client times (the service's model
// plus the hop) have the client's p50, p95 and p99 over the phase (client_figures). Those keep
// the slow seconds a median of seconds leaves out (a core busy elsewhere for a few milliseconds
// on this 2-core machine): they reach every request alike, so they are the hop's, not a path's.
// Past p99 the tail goes no further than the slowest answer the client saw.
std::optional<Distribution> fit_client_tail(const std::vector<double>& service_times,
                                            const QuietWindow& window,
                                            std::vector<std::string>& notes) {
  const auto figures = client_figures(window);
  if (!figures) return std::nullopt;
  const std::array<double, 3> levels{0.50, 0.95, 0.99};
  const std::array<double, 3>& targets = figures->quantiles;
  std::array<double, 3> hop{};
  std::vector<double> sorted = service_times;
  for (std::size_t k = 0; k < levels.size(); ++k)
    hop[k] = std::max(targets[k] - quantile_of(sorted, levels[k]), 0.0);
  const double ceiling = std::isfinite(figures->max) ? figures->max : targets[2];

  Random random(kFitSeed + 2);
  std::vector<double> units(service_times.size());
  for (double& u : units) u = random.unit();
  // Each round moves a knot by how far its quantile of the client times is from the target;
  // a quantile moves about one for one with its knot, so a few dozen rounds settle it.
  std::vector<double> client(service_times.size());
  for (int round = 0; round < 60; ++round) {
    const Distribution model = piecewise_lognormal(hop, ceiling);
    for (std::size_t i = 0; i < client.size(); ++i)
      client[i] = service_times[i] + model.quantile(units[i]);
    for (std::size_t k = 0; k < levels.size(); ++k)
      hop[k] = std::clamp(hop[k] + targets[k] - quantile_of(client, levels[k]), 0.0, ceiling);
    hop[1] = std::max(hop[1], hop[0]);
    hop[2] = std::max(hop[2], hop[1]);
  }
  if (figures->seconds_left_out > 0)
    notes.push_back("gateway_overhead: " + std::to_string(figures->seconds_left_out) +
                    " second(s) of the " + window.phase->name +
                    " phase left out of the client's tail: the service itself was slow then "
                    "(its p95 over ten times the phase's usual)");
  if (hop[0] == 0)
    notes.push_back("gateway_overhead: the client's p50 (" + milliseconds(targets[0]) +
                    ") is at or below the service's model alone; the hop's median is 0");
  return piecewise_lognormal(hop, ceiling);
}

}  // namespace

std::optional<CalibrationFit> fit_calibration(const boost::json::value& journal,
                                              const std::string& source, std::string& error) {
  const JournalView view = experiment::read_journal(journal);
  if (!view.has_extension) {
    error = "not a journal of sre-lab experiment run (no \"sre-lab\" extension)";
    return std::nullopt;
  }
  const PhaseSpan* phase = quiet_phase(view);
  if (!phase) {
    error = "the journal has no baseline or warmup phase to fit from";
    return std::nullopt;
  }
  const QuietWindow window{view, phase};
  CalibrationFit fit;
  fit.phase = phase->name;
  Calibration& calibration = fit.calibration;
  calibration.source = source;
  // A baseline with every answer from the cache (a small id range) made no query, and the
  // warm-up's are a cold cache's stampede (each query slowed by the others in flight), not a
  // query alone: the defaults' is kept.
  const bool made_queries = !window.values("db_query_p50").empty();
  auto db = made_queries ? fit_series(window, "db_query_p50", "db_query_p95", error)
                         : std::optional(default_calibration().db_query);
  auto cache = db ? fit_series(window, "cache_lookup_p50", "cache_lookup_p95", error) : db;
  if (!made_queries)
    fit.notes.push_back("db_query: the " + phase->name +
                        " phase made no query (every answer from the cache); the defaults' is "
                        "kept");
  if (!db || !cache) return std::nullopt;
  calibration.db_query = *db;
  calibration.cache_latency = *cache;

  fit.hit_share = hit_share(view, phase->name);
  const double p50 = median(window.values("latency_p50"));
  const double p95 = median(window.values("latency_p95"));
  if (!std::isfinite(fit.hit_share) || !std::isfinite(p50) || !std::isfinite(p95)) {
    error =
        "the journal has no service latency (latency_p50, latency_p95) or no answer sources "
        "in its " +
        phase->name + " phase";
    return std::nullopt;
  }
  calibration.service_overhead =
      fit_overhead(*cache, *db, fit.hit_share, p50, std::max(p95, p50), fit.notes);
  const RequestModel model(*cache, *db, fit.hit_share, kTailDraws);
  if (auto tail = fit_client_tail(model.times(calibration.service_overhead), window, fit.notes)) {
    calibration.gateway_overhead = *tail;
  } else if (auto gateway = fit_gateway(window)) {
    calibration.gateway_overhead = *gateway;
  } else {
    calibration.gateway_overhead = default_calibration().gateway_overhead;
    fit.notes.push_back(
        "gateway_overhead: no gateway latency in the journal (a run without the "
        "gateway); the defaults' is kept");
  }
  return fit;
}

}  // namespace srelab::sim
