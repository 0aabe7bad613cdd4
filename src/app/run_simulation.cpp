// The call site of the simulation engine: runs the scenario on the twin, writes its journal and
// the experiment reports (one report writer for both), and prints the scenario, what each phase
// saw and the breakers' transitions.
#include <boost/json/serialize.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "app/simulate_options.hpp"
#include "experiment/journal_view.hpp"
#include "experiment/phase_summary.hpp"
#include "experiment/report_html.hpp"
#include "experiment/report_markdown.hpp"
#include "experiment/report_text.hpp"
#include "sim/scenario_journal.hpp"
#include "sim/scenario_summary.hpp"

namespace srelab::app {
namespace {

std::filesystem::path default_out(const sim::Scenario& scenario) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  std::string name;
  for (char c : scenario.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return std::filesystem::path("simulation-runs") / (std::string(stamp) + "-" + name);
}

bool write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary);
  file << content;
  if (file.good()) return true;
  std::fprintf(stderr, "sre-lab simulate: cannot write %s\n", path.string().c_str());
  return false;
}

void print_phases(const boost::json::object& journal) {
  const experiment::JournalView view = experiment::read_journal(journal);
  std::printf("%-44s %10s %9s %9s %9s %8s %8s\n", "phase", "req/s", "p50", "p95", "p99", "errors",
              "hit rate");
  for (const experiment::PhaseSummary& p : experiment::summarize_phases(view)) {
    std::string name = p.name.size() > 44 ? p.name.substr(0, 41) + "..." : p.name;
    std::printf("%-44s %10s %9s %9s %9s %8s %8s\n", name.c_str(),
                experiment::format_count(p.rate).c_str(), experiment::format_seconds(p.p50).c_str(),
                experiment::format_seconds(p.p95).c_str(),
                experiment::format_seconds(p.p99).c_str(),
                experiment::format_percent(p.error_share).c_str(),
                experiment::format_percent(p.hit_rate).c_str());
  }
}

void print_transitions(const std::vector<sim::BreakerTransition>& transitions) {
  constexpr std::size_t kShown = 12;
  std::printf("breaker transitions: %zu\n", transitions.size());
  for (std::size_t i = 0; i < transitions.size() && i < kShown; ++i) {
    const auto& t = transitions[i];
    std::printf("  %8.3f s  replica %zu  %s -> %s: %s\n", t.at_s, t.replica + 1,
                std::string(resilience::to_string(t.from)).c_str(),
                std::string(resilience::to_string(t.to)).c_str(), t.reason.c_str());
  }
  if (transitions.size() > kShown)
    std::printf("  ... %zu more in journal.json\n", transitions.size() - kShown);
}

}  // namespace

int run_simulation(const sim::Scenario& scenario, const SimulateOptions& options) {
  const std::filesystem::path out = options.out.empty() ? default_out(scenario) : options.out;
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "sre-lab simulate: cannot create %s: %s\n", out.string().c_str(),
                 ec.message().c_str());
    return 2;
  }
  std::fputs(sim::scenario_summary(scenario).c_str(), stdout);
  const double epoch_ms =
      std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const sim::ScenarioRun run = sim::run_scenario(scenario, SRE_LAB_VERSION, epoch_ms);
  for (const std::string& error : run.result.errors)
    std::fprintf(stderr, "sre-lab simulate: a fault was refused: %s\n", error.c_str());
  std::printf("%s\n",
              std::string(run.journal.at("extensions").at(0).at("reason").as_string()).c_str());
  print_phases(run.journal);
  print_transitions(run.result.transitions);
  const std::string journal = boost::json::serialize(run.journal) + "\n";
  const bool written = write_file(out / "journal.json", journal) &&
                       write_file(out / "report.md", experiment::render_markdown(run.journal)) &&
                       write_file(out / "report.html", experiment::render_html(run.journal));
  std::printf("report:  %s\n", (out / "report.html").string().c_str());
  return written ? 0 : 1;
}

}  // namespace srelab::app
