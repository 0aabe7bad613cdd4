#include "sim/scenario_summary.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "experiment/document.hpp"

namespace srelab::sim {

namespace {

// The first ceil(share × replicas) replicas, at least one (scenario.hpp); the epsilon keeps
// 0.2 × 20 at 4 despite 0.2's binary rounding.
std::size_t replicas_reached(double share, std::size_t replicas) {
  const auto reached = static_cast<std::size_t>(std::ceil(share * double(replicas) - 1e-9));
  return std::clamp<std::size_t>(reached, 1, replicas);
}

// Shortest round-trip text: 50000, not 5e+04; 0.25, not 0.250000.
std::string number(double value) {
  return experiment::scalar_text(boost::json::value(value));
}

// "window_size 10, mode normal, ...": the settings as POST /resilience/configure's keys.
std::string settings_text(const boost::json::object& settings) {
  std::string text;
  for (const auto& [key, value] : settings) {
    if (!text.empty()) text += ", ";
    text += std::string(key) + " " + experiment::scalar_text(value);
  }
  return text;
}

// A fitted figure, to 3 significant digits (the fit is not finer than that).
std::string milliseconds(double seconds) {
  std::ostringstream text;
  text.precision(3);
  text << seconds * 1000 << " ms";
  return text.str();
}

void distribution_line(std::ostream& out, const char* name, const Distribution& distribution) {
  out << "    " << name << ": median " << milliseconds(distribution.quantile(0.5)) << ", p95 "
      << milliseconds(distribution.quantile(0.95)) << "\n";
}

}  // namespace

std::string fault_text(const FaultEvent& fault) {
  switch (fault.kind) {
    case FaultEvent::Kind::chaos:
      return "chaos " + fault.body;
    case FaultEvent::Kind::chaos_reset:
      return "chaos reset";
    case FaultEvent::Kind::resilience:
      return "resilience " + fault.body;
    case FaultEvent::Kind::resilience_reset:
      return "resilience reset";
    case FaultEvent::Kind::clear_cache:
      return "clear_cache";
  }
  return "";
}

std::string scenario_summary(const Scenario& scenario) {
  std::ostringstream out;
  out << "scenario " << scenario.name;
  if (!scenario.description.empty()) out << ": " << scenario.description;
  out << "\n  seed " << scenario.seed << ", " << number(scenario.duration_s) << " s simulated, "
      << (scenario.poisson_arrivals ? "poisson" : "constant") << " arrivals\n";
  out << "  " << scenario.replicas << " replica(s) x pool " << scenario.replica.pool_size << " = "
      << scenario.replicas * scenario.replica.pool_size << " connections; Postgres allows "
      << scenario.postgres.max_connections << "\n";
  if (scenario.gateway.enabled)
    out << "  gateway: server timeout " << number(scenario.gateway.server_timeout.count() / 1000.0)
        << " s, queue timeout " << number(scenario.gateway.queue_timeout.count() / 1000.0) << " s, "
        << scenario.gateway.server_connections << " connections per replica\n";
  else
    out << "  no gateway: clients talk to the replica directly\n";
  out << "  cache TTL " << scenario.replica.cache_ttl.count() << " s, stale copies "
      << scenario.replica.stale_ttl.count() << " s (" << scenario.replica.stale_copies
      << " in process)\n";
  out << "  resilience at the start: " << settings_text(to_json(scenario.resilience))
      << "\n  traffic:\n";
  for (const auto& segment : scenario.traffic)
    out << "    at " << number(segment.at_s) << " s: " << number(segment.rate) << " req/s, ids "
        << segment.ids.text() << "\n";
  out << "  faults:" << (scenario.faults.empty() ? " none\n" : "\n");
  for (const auto& fault : scenario.faults) {
    out << "    at " << number(fault.at_s) << " s: " << fault_text(fault);
    if (fault.kind != FaultEvent::Kind::clear_cache)
      out << " on " << replicas_reached(fault.replica_share, scenario.replicas) << " of "
          << scenario.replicas << " replica(s)";
    out << "\n";
  }
  out << "  calibration (" << scenario.calibration.source << "):\n";
  distribution_line(out, "service_overhead", scenario.calibration.service_overhead);
  distribution_line(out, "cache_latency", scenario.calibration.cache_latency);
  distribution_line(out, "db_query", scenario.calibration.db_query);
  distribution_line(out, "gateway_overhead", scenario.calibration.gateway_overhead);
  return out.str();
}

}  // namespace srelab::sim
