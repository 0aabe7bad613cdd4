// `sre-lab simulate FILE [--seed N] [--duration D] [--calibration FILE] [--out DIR] [--check]`
// and `sre-lab simulate calibrate JOURNAL [--out FILE]`: reads and validates what it is given
// (each problem one line, exit 2), then hands the scenario to run_simulation() or writes the
// fitted calibration.
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>

#include "app/commands.hpp"
#include "app/simulate_options.hpp"
#include "experiment/report_markdown.hpp"
#include "experiment/twin_validation.hpp"
#include "load/flag_values.hpp"
#include "sim/calibration_fit.hpp"
#include "sim/scenario_file.hpp"
#include "sim/scenario_summary.hpp"

namespace srelab::app {
namespace {

int usage_error(const std::string& line) {
  std::fprintf(stderr, "sre-lab simulate: %s (see 'sre-lab simulate --help')\n", line.c_str());
  return 2;
}

int failure(const std::string& line) {
  std::fprintf(stderr, "sre-lab simulate: %s\n", line.c_str());
  return 2;
}

// The flags of `simulate calibrate` and `simulate validate`: --out only.
std::optional<std::string> out_only_flag_error(const OptionValues& values, const char* verb) {
  for (const char* flag : {"seed", "duration", "calibration", "check"})
    if (values.is_set(flag))
      return "--" + std::string(flag) + " is not an option of 'simulate " + verb + "' (only --out)";
  return std::nullopt;
}

int run_calibrate(const std::vector<std::string>& words, OptionValues& values) {
  if (words.size() != 2) return usage_error("calibrate takes one journal.json");
  if (auto error = out_only_flag_error(values, "calibrate")) return usage_error(*error);
  const std::string& file = words[1];
  const auto text = sim::read_text_file(file);
  if (!text) return failure(file + ": cannot read the file");
  boost::system::error_code code;
  const boost::json::value journal = boost::json::parse(*text, code);
  if (code) return failure(file + ": not JSON (" + code.message() + ")");
  std::string error;
  const auto fit = sim::fit_calibration(journal, file, error);
  if (!fit) return failure(file + ": " + error);

  const std::string json = sim::calibration_json(fit->calibration) + "\n";
  const std::string out = values.text("out", "");
  if (out.empty()) {
    std::fputs(json.c_str(), stdout);
  } else {
    std::ofstream file_out(out, std::ios::binary | std::ios::trunc);
    file_out << json;
    file_out.close();
    if (!file_out) return failure("cannot write " + out);
  }
  const std::string where = out.empty() ? "" : ", written to " + out;
  std::fprintf(stderr,
               "sre-lab simulate calibrate: fitted from the %s phase (%.1f %% cache hits)%s\n",
               fit->phase.c_str(), fit->hit_share * 100, where.c_str());
  for (const auto& note : fit->notes)
    std::fprintf(stderr, "sre-lab simulate calibrate: %s\n", note.c_str());
  return 0;
}

// `simulate validate LAB_JOURNAL TWIN_JOURNAL`: the twin's run beside the lab's, phase by phase
// (experiment/twin_validation.hpp). Exit 0 within the twin's target, 1 outside it.
int run_validate(const std::vector<std::string>& words, OptionValues& values) {
  if (words.size() != 3)
    return usage_error("validate takes the lab's journal.json, then the twin's");
  if (auto error = out_only_flag_error(values, "validate")) return usage_error(*error);
  boost::json::value journals[2];
  for (int i = 0; i < 2; ++i) {
    const std::string& file = words[1 + i];
    const auto text = sim::read_text_file(file);
    if (!text) return failure(file + ": cannot read the file");
    boost::system::error_code code;
    journals[i] = boost::json::parse(*text, code);
    if (code) return failure(file + ": not JSON (" + code.message() + ")");
  }
  const std::string report = experiment::render_twin_validation_markdown(journals[0], journals[1]);
  std::fputs(report.c_str(), stdout);
  if (const std::string out = values.text("out", ""); !out.empty()) {
    std::ofstream file_out(out, std::ios::binary | std::ios::trunc);
    file_out << report;
    file_out.close();
    if (!file_out) return failure("cannot write " + out);
  }
  const auto validation = experiment::validate_twin(experiment::read_journal(journals[0]),
                                                    experiment::read_journal(journals[1]));
  return validation.within() ? 0 : 1;
}

// The command line's overrides of the file: a seed, a duration, a calibration file.
bool apply_overrides(OptionValues& values, sim::Scenario& scenario) {
  if (values.is_set("seed"))
    scenario.seed = static_cast<std::uint64_t>(
        values.integer("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  if (const auto text = values.raw("duration")) {
    if (const auto duration = load::parse_duration(*text))
      scenario.duration_s = std::chrono::duration<double>(*duration).count();
    else
      values.fail("duration", *text, load::kDurationForm);
  }
  if (const auto file = values.raw("calibration"); file && values.error().empty()) {
    std::string error;
    if (auto calibration = sim::read_calibration_file(*file, error))
      scenario.calibration = std::move(*calibration);
    else
      values.fail_with("--calibration: " + error);
  }
  return values.error().empty();
}

}  // namespace

int run_simulate(const std::vector<std::string>& words, OptionValues& values) {
  if (words.empty()) return usage_error("a scenario file is required");
  if (words[0] == "calibrate") return run_calibrate(words, values);
  if (words[0] == "validate") return run_validate(words, values);
  if (words.size() > 1) return usage_error("one scenario file at a time, got '" + words[1] + "'");

  SimulateOptions options;
  options.scenario_file = words[0];
  options.out = values.text("out", "");
  const bool check = values.switch_on("check");
  if (!values.error().empty()) return usage_error(values.error());
  std::string error;
  auto scenario = sim::read_scenario_file(options.scenario_file, error);
  if (!scenario) return failure(error);
  if (!apply_overrides(values, *scenario)) return usage_error(values.error());
  if (check) {
    std::fputs(sim::scenario_summary(*scenario).c_str(), stdout);
    std::printf("%s: valid\n", options.scenario_file.c_str());
    return 0;
  }
  return run_simulation(*scenario, options);
}

}  // namespace srelab::app
