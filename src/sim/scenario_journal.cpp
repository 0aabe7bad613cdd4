#include "sim/scenario_journal.hpp"

#include <boost/json/array.hpp>
#include <chrono>
#include <map>

#include "experiment/journal.hpp"
#include "experiment/phase_book.hpp"
#include "sim/scenario_summary.hpp"
#include "sim/twin_timeline.hpp"

namespace srelab::sim {
namespace {

struct Stretch {
  double start = 0;
  std::string name;
};

// The phases: "start", then one per instant something changes, named after all that changes.
std::vector<Stretch> stretches_of(const Scenario& scenario) {
  std::map<double, std::string> names;
  auto add = [&](double at_s, const std::string& what) {
    if (at_s <= 0 || at_s >= scenario.duration_s) return;
    std::string& name = names[at_s];
    name += (name.empty() ? "" : "; ") + what;
  };
  for (const TrafficSegment& segment : scenario.traffic)
    add(segment.at_s, "traffic " + std::to_string(static_cast<long long>(segment.rate)) + "/s");
  for (const FaultEvent& fault : scenario.faults) add(fault.at_s, fault_text(fault));
  std::vector<Stretch> stretches{{0, "start"}};
  for (const auto& [at_s, what] : names) {
    char at[32];
    std::snprintf(at, sizeof at, "%g s", at_s);
    stretches.push_back({at_s, std::string("at ") + at + ": " + what});
  }
  return stretches;
}

boost::json::array transitions_json(const std::vector<BreakerTransition>& transitions) {
  boost::json::array out;
  for (const BreakerTransition& t : transitions)
    out.push_back({{"replica", t.replica + 1},
                   {"at_s", t.at_s},
                   {"from", resilience::to_string(t.from)},
                   {"to", resilience::to_string(t.to)},
                   {"reason", t.reason}});
  return out;
}

}  // namespace

ScenarioRun run_scenario(const Scenario& scenario, const std::string& version, double epoch_ms) {
  const std::vector<Stretch> stretches = stretches_of(scenario);
  experiment::PhaseBook book;
  for (const Stretch& stretch : stretches) book.enter(stretch.name, stretch.start);
  experiment::Timeline timeline;
  const std::size_t pool_size = scenario.replica.pool_size * scenario.replicas;

  ScenarioRun run;
  const auto started = std::chrono::steady_clock::now();
  run.result = simulate(scenario, [&](const SecondRecord& record) {
    add_timeline_point(timeline, record.second,
                       {epoch_ms, pool_size, worst_breaker_state(record.second), 0},
                       record.replaces_last);
    // A short last second folded into the one before it is already in the book as that second:
    // the book keeps the earlier record (its phase figures miss the sliver).
    if (!record.replaces_last) book.add(record.second.point, record.cumulative);
  });
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  boost::json::array phases;
  for (std::size_t i = 0; i < stretches.size(); ++i) {
    const double end = i + 1 < stretches.size() ? stretches[i + 1].start : scenario.duration_s;
    boost::json::object phase{
        {"name", stretches[i].name}, {"start", stretches[i].start}, {"end", end}};
    const experiment::Samples samples = book.samples(stretches[i].name);
    if (samples.latency.count > 0) phase["latency_s"] = experiment::latency_json(samples.latency);
    phases.push_back(std::move(phase));
  }
  char reason[160];
  std::snprintf(reason, sizeof reason,
                "%llu requests simulated over %g s in %.2f s of wall time (seed %llu)",
                static_cast<unsigned long long>(run.result.requests), scenario.duration_s,
                run.wall_s, static_cast<unsigned long long>(scenario.seed));
  boost::json::object ours{
      {"name", "sre-lab"},
      {"version", version},
      {"verdict", "simulated"},
      {"reason", reason},
      {"service_url", nullptr},
      {"load_url", nullptr},
      {"phases", std::move(phases)},
      {"load", experiment::load_seconds(book.seconds(), 0)},
      {"timeline",
       experiment::timeline_json(timeline, epoch_ms, epoch_ms + scenario.duration_s * 1000 + 1000)},
      {"transitions", transitions_json(run.result.transitions)},
      {"scenario", scenario_summary(scenario)}};
  boost::json::array errors;
  for (const std::string& error : run.result.errors) errors.push_back(boost::json::string(error));
  ours["errors"] = std::move(errors);
  run.journal = {{"title", scenario.name},
                 {"description", scenario.description},
                 {"status", "completed"},
                 {"start", experiment::iso_time(epoch_ms)},
                 {"end", experiment::iso_time(epoch_ms + scenario.duration_s * 1000)},
                 {"duration", scenario.duration_s},
                 {"extensions", boost::json::array{std::move(ours)}}};
  return run;
}

}  // namespace srelab::sim
