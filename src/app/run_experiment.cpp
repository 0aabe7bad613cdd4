// `sre-lab experiment list | validate FILE… | run NAME|FILE`: finds the experiment (a file, or
// one shipped in the binary from experiments/), parses it with the load flags' own checks,
// refuses non-loopback targets unless --allow-remote, runs it against the lab with Ctrl-C as its
// stop, and writes journal.json and the reports.
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "app/commands.hpp"
#include "app/load_config.hpp"
#include "app/signals.hpp"
#include "console/web_assets.hpp"
#include "experiment/lab_target.hpp"
#include "experiment/report_html.hpp"
#include "experiment/report_markdown.hpp"
#include "experiment/report_text.hpp"
#include "experiment/runner.hpp"
#include "http/exchange.hpp"
#include "http/http_url.hpp"
#include "lab/postgres_server.hpp"
#include "sim/scenario_file.hpp"
#include "sim/sim_target.hpp"

namespace srelab::app {
namespace {

constexpr std::string_view kShippedPrefix = "/assets/experiments/";

void say(const std::string& line) {
  std::fprintf(stderr, "sre-lab experiment: %s\n", line.c_str());
}

struct ExperimentText {
  std::string name;  // the shipped name, or the file's stem
  std::string file;  // what errors call it
  std::string text;
};

std::vector<std::pair<std::string, std::string_view>> shipped() {
  std::vector<std::pair<std::string, std::string_view>> found;
  for (const auto& asset : console::web_assets()) {
    if (!asset.path.starts_with(kShippedPrefix) || !asset.path.ends_with(".yaml")) continue;
    std::string_view name = asset.path.substr(kShippedPrefix.size());
    name.remove_suffix(5);
    found.emplace_back(std::string(name), asset.body);
  }
  return found;
}

std::optional<ExperimentText> find_experiment(const std::string& name_or_file) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(name_or_file, ec)) {
    std::ifstream in(name_or_file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) return std::nullopt;
    return ExperimentText{std::filesystem::path(name_or_file).stem().string(), name_or_file,
                          text.str()};
  }
  for (const auto& [name, text] : shipped())
    if (name == name_or_file)
      return ExperimentText{name, "experiments/" + name + ".yaml", std::string(text)};
  return std::nullopt;
}

// The load provider's arguments go through `sre-lab load`'s own option table and finalizer,
// so a rate or a duration is checked (and worded) exactly as on that command line.
std::optional<load::LoadPlan> build_plan(const std::map<std::string, std::string>& arguments,
                                         std::string& error) {
  std::map<std::string, std::string, std::less<>> flags;
  for (const auto& [key, value] : arguments) {
    const std::string flag = key == "paths" ? "path" : key;
    if (flag == "json" || flag == "csv" || flag == "progress" || flag == "quiet" ||
        find_option(load_options(), flag) == nullptr) {
      error = "unknown load argument '" + key +
              "' (accepted: rate, duration, connections, max-connections, threads, timeout, ids, "
              "path, seed, target)";
      return std::nullopt;
    }
    flags[flag] = value;
  }
  OptionValues values(load_options(), std::move(flags),
                      [](std::string_view) { return std::optional<std::string>(); });
  auto config = finalize_load_config(values);
  if (!config) {
    error = values.error();
    return std::nullopt;
  }
  return config->plan;
}

std::string stamp_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &utc);
  return text;
}

bool write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (out) return true;
  say("cannot write " + path.string());
  return false;
}

bool write_reports(const std::filesystem::path& folder, const boost::json::object& journal) {
  bool written = write_file(folder / "journal.json", boost::json::serialize(journal) + "\n");
  written = write_file(folder / "report.md", experiment::render_markdown(journal)) && written;
  return write_file(folder / "report.html", experiment::render_html(journal)) && written;
}

// "with protection" → "with-protection": a variant's folder.
std::string slug(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (keep)
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "variant" : out;
}

// The run to the console of the service it targeted (POST /console/api/experiments), which lists
// it in its Experiments view. Best effort: a failure is one line, and changes nothing else.
void send_to_console(std::string service_url, const std::string& name, const std::string& variant,
                     const boost::json::object& journal) {
  while (service_url.ends_with('/')) service_url.pop_back();
  const boost::json::object body{{"journal", journal},
                                 {"report_html", experiment::render_html(journal)},
                                 {"name", name},
                                 {"variant", variant}};
  const auto answer = http::http_exchange("POST", service_url + "/console/api/experiments",
                                          {{"Content-Type", "application/json"}},
                                          boost::json::serialize(body), std::chrono::seconds(10));
  if (answer.status == 201) return;
  say("could not send the run to the console: " +
      (answer.status == 0 ? answer.error
                          : std::to_string(answer.status) + " " + answer.body.substr(0, 300)));
}

// Of two exit codes, the one that says more went wrong: stopped, failed, inconclusive, held.
int worse(int a, int b) {
  const auto rank = [](int code) { return code == 130 ? 4 : code == 1 ? 3 : code == 3 ? 2 : code; };
  return rank(a) >= rank(b) ? a : b;
}

std::string progress_line(const experiment::Progress& progress) {
  char text[200];
  std::snprintf(text, sizeof text, "%-9s %3.0f s left · %5.0f req/s · p95 %s · failed %s",
                progress.phase.c_str(), std::ceil(progress.phase_left_s), progress.rate,
                experiment::format_seconds(progress.p95_s).c_str(),
                experiment::format_percent(progress.failed_share).c_str());
  return text;
}

const char* mark(const boost::json::value& judgement) {
  if (judgement == "met") return "✓";
  if (judgement == "not_met") return "✗";
  return "?";
}

// The verdict and every judged probe, one line each, for the terminal.
std::string summary(const boost::json::object& journal, const experiment::RunResult& result) {
  std::string out = "verdict: " + to_string(result.verdict) + " — " + result.reason + "\n";
  const auto lines = [&out](const boost::json::value* runs) {
    if (runs == nullptr || !runs->is_array()) return;
    for (const auto& run : runs->as_array()) {
      const auto* ours = run.as_object().if_contains("sre-lab");
      if (ours == nullptr) continue;
      const auto& judged = ours->as_object();
      out += "  " + std::string(mark(judged.at("judgement"))) + " [" +
             std::string(judged.at("phase").as_string()) + "] " +
             std::string(judged.at("statement").as_string()) + ": " +
             std::string(judged.at("evidence").as_string()) + "\n";
    }
  };
  const auto& states = journal.at("steady_states").as_object();
  for (const char* when : {"before", "after"}) {
    const auto& state = states.at(when);
    if (state.is_object()) lines(state.as_object().if_contains("probes"));
  }
  lines(journal.if_contains("run"));
  return out;
}

int list_experiments() {
  for (const auto& [name, text] : shipped()) {
    std::string error;
    const auto parsed = experiment::parse_experiment(text, name, {}, build_plan);
    std::printf("%-28s %s\n", name.c_str(),
                parsed.experiment ? parsed.experiment->title.c_str() : parsed.error.c_str());
  }
  return 0;
}

int validate(const std::vector<std::string>& names) {
  int code = 0;
  for (const auto& name : names) {
    const auto found = find_experiment(name);
    if (!found) {
      say("no file and no shipped experiment named '" + name + "' (see 'sre-lab experiment list')");
      code = 2;
      continue;
    }
    const auto parsed = experiment::parse_experiment(found->text, found->file, {}, build_plan);
    if (!parsed.experiment) {
      say(parsed.error);
      code = 2;
    } else {
      std::printf("%s: valid (%s)\n", found->file.c_str(), parsed.experiment->title.c_str());
    }
  }
  return code;
}

constexpr const char* kTwinUrl = "http://twin";

double wall_now_ms() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// With `--target sim`, the twin to run on: the lab as `up --replicas N` runs it (one replica
// by default), with the calibration of --calibration or the defaults; nullopt for the real lab
// (or a bad flag, in values.error()).
std::optional<sim::Scenario> twin_of(OptionValues& values) {
  const auto target = values.raw("target");
  const auto calibration = values.raw("calibration");
  if (target != "sim") {
    if (calibration) values.fail_with("--calibration is for --target sim only");
    // The real lab's replicas are `up`'s: an experiment run cannot add any.
    if (values.is_set("replicas"))
      values.fail_with("--replicas is for --target sim only (the lab's are `up --replicas N`)");
    if (values.is_set("seed")) values.fail_with("--seed is for --target sim only");
    return std::nullopt;
  }
  sim::Scenario scenario;
  scenario.name = "experiment twin";
  scenario.seed = static_cast<std::uint64_t>(
      values.integer("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  scenario.replicas = static_cast<std::size_t>(values.integer("replicas", 1, 1, 16));
  scenario.postgres.max_connections = static_cast<std::size_t>(lab::lab_max_connections(
      static_cast<int>(scenario.replicas), static_cast<int>(scenario.replica.pool_size)));
  if (calibration) {
    std::string error;
    auto parsed = sim::read_calibration_file(*calibration, error);
    if (!parsed) {
      values.fail_with("--calibration " + error);
      return std::nullopt;
    }
    scenario.calibration = std::move(*parsed);
  }
  return scenario;
}

int run(const std::string& name, std::map<std::string, std::string> vars, OptionValues& values) {
  const auto found = find_experiment(name);
  if (!found) {
    say("no file and no shipped experiment named '" + name + "' (see 'sre-lab experiment list')");
    return 2;
  }
  const std::optional<sim::Scenario> twin = twin_of(values);
  if (!values.error().empty()) {
    say(values.error());
    return 2;
  }
  if (twin) {
    // The URLs only carry paths to the twin; nothing is sent over the network.
    vars["service_url"] = kTwinUrl;
    vars["load_url"] = kTwinUrl;
  } else if (const auto target = values.raw("target")) {
    if (!http::parse_http_url(*target)) {
      say("--target " + *target + ": expected http://HOST:PORT or sim");
      return 2;
    }
    vars.try_emplace("service_url", *target);
    vars.try_emplace("load_url", *target);
  }
  const bool allow_remote = values.switch_on("allow-remote");
  const bool progress = values.switch_on("progress");
  const bool quiet = values.switch_on("quiet");
  if (!values.error().empty()) {
    say(values.error());
    return 2;
  }
  const auto parsed = experiment::parse_experiment(found->text, found->file, vars, build_plan);
  if (!parsed.experiment) {
    say(parsed.error);
    return 2;
  }
  // A file with variants runs once per variant, each parsed with the variant's vars (and the
  // command line's on top), into a folder of its own; the side-by-side report goes above them.
  std::vector<std::pair<std::string, experiment::Experiment>> runs;
  if (parsed.experiment->variants.empty()) runs.emplace_back("", *parsed.experiment);
  for (const auto& variant : parsed.experiment->variants) {
    std::map<std::string, std::string> merged = variant.vars;
    for (const auto& [key, value] : vars) merged[key] = value;
    auto one = experiment::parse_experiment(found->text, found->file, merged, build_plan);
    if (!one.experiment) {
      say("variant '" + variant.name + "': " + one.error);
      return 2;
    }
    runs.emplace_back(variant.name, std::move(*one.experiment));
  }
  for (const auto& [variant, plan] : runs) {
    if (const std::string action = experiment::first_dependency_action(plan);
        twin && !action.empty()) {
      say(found->file + ": --target sim: the twin does not model dependency faults (" + action +
          " orders Redis or Postgres about); run it against the lab, `sre-lab up`");
      return 2;
    }
    if (const std::string remote = experiment::remote_targets(plan);
        !twin && !remote.empty() && !allow_remote) {
      say("refusing targets that are not on loopback: " + remote + " (--allow-remote allows them)");
      return 2;
    }
  }
  const std::filesystem::path out =
      values.text("out", "experiment-runs/" + stamp_now() + "-" + found->name);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) {
    say("cannot create " + out.string() + ": " + ec.message());
    return 2;
  }

  const bool lines = !quiet && (progress || ::isatty(STDERR_FILENO) == 1);
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  experiment::RunOptions options;
  options.version = SRE_LAB_VERSION;
  if (lines)
    options.on_progress = [terminal](const experiment::Progress& progress) {
      // On a terminal the line rewrites itself; piped, one line a second.
      std::fprintf(stderr, terminal ? "\r\033[K%s" : "%s\n", progress_line(progress).c_str());
      std::fflush(stderr);
    };
  StopOnSignal stop;
  bool written = true;
  int code = 0;
  std::vector<std::pair<std::string, boost::json::value>> journals;
  for (const auto& [variant, plan] : runs) {
    if (stop.token().stop_requested()) break;
    const std::filesystem::path folder = variant.empty() ? out : out / slug(variant);
    std::filesystem::create_directories(folder, ec);
    say("running '" + plan.title + "'" + (variant.empty() ? "" : ", variant '" + variant + "'") +
        " (" + found->file + ")");
    std::unique_ptr<experiment::Target> target;
    if (twin)
      target = std::make_unique<sim::SimTarget>(*twin, wall_now_ms());
    else
      target = std::make_unique<experiment::LabTarget>(plan.service_url);
    const experiment::RunResult result =
        experiment::run_experiment(plan, *target, stop.token(), options);
    if (lines && terminal) std::fputs("\r\033[K", stderr);
    written = write_reports(folder, result.journal) && written;
    if (!twin) send_to_console(plan.service_url, found->name, variant, result.journal);
    if (!variant.empty()) std::printf("variant '%s'\n", variant.c_str());
    std::fputs(summary(result.journal, result).c_str(), stdout);
    std::fflush(stdout);
    code = worse(code, experiment::exit_code(result.verdict));
    journals.emplace_back(variant, result.journal);
  }
  if (runs.size() > 1) {
    written = write_file(out / "report.md", experiment::render_side_by_side_markdown(journals)) &&
              written;
    written =
        write_file(out / "report.html", experiment::render_side_by_side_html(journals)) && written;
  }
  std::printf("report:  %s\n", (out / "report.html").string().c_str());
  std::fflush(stdout);
  return written ? code : 1;
}

}  // namespace

int run_experiment(const std::vector<std::string>& words, const std::vector<std::string>& vars,
                   OptionValues& values) {
  const std::string subcommand = words.empty() ? "" : words[0];
  const std::vector<std::string> names(words.begin() + (words.empty() ? 0 : 1), words.end());
  if (subcommand == "list" && names.empty()) return list_experiments();
  if (subcommand == "validate" && !names.empty()) return validate(names);
  if (subcommand == "run" && names.size() == 1) {
    std::map<std::string, std::string> overrides;
    for (const std::string& var : vars) {
      const auto equals = var.find('=');
      if (equals == std::string::npos || equals == 0) {
        say("--var " + var + ": expected NAME=VALUE");
        return 2;
      }
      overrides[var.substr(0, equals)] = var.substr(equals + 1);
    }
    return run(names[0], std::move(overrides), values);
  }
  say("expected 'list', 'validate FILE…' or 'run NAME|FILE' (see 'sre-lab experiment --help')");
  return 2;
}

}  // namespace srelab::app
