#include "cli/cli.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "app/commands.hpp"
#include "app/option_values.hpp"
#include "cli/malloc_in_use.hpp"

namespace srelab::cli {
namespace {

constexpr std::string_view serve_summary =
    "Runs the catalog service (GET /products/{id}, /healthz, /readyz) against Postgres and Redis.";
constexpr std::string_view up_summary =
    "Runs the whole lab on this machine: a private Postgres and Redis under the state directory,\n"
    "the seeded catalog, the service and the API gateway (HAProxy) in front of it. Ctrl-C or\n"
    "SIGTERM stops all of it. With --database-url / --redis-url (or DATABASE_URL / REDIS_URL) it\n"
    "uses those servers instead of its own.";

constexpr std::string_view load_summary =
    "Sends HTTP load and measures latency without hiding stalls (details: docs/load.md).\n"
    "Open loop with --rate: requests are due at a constant rate whatever the answers do, and\n"
    "latency counts from each request's due time. Connections are kept alive and opened as\n"
    "needed up to --max-connections; a request that finds none free waits for one, and is\n"
    "dropped by the generator (and counted) once it has waited --timeout. Closed loop without\n"
    "--rate: --connections connections, each sending when its answer arrives (max throughput).\n"
    "\n"
    "--ids: uniform:LOW-HIGH (default uniform:1-10000); zipf:EXPONENT:N (id r has weight "
    "r^-EXPONENT,\n"
    "id 1 the hottest, N <= 1000000); hot:PERCENT%:COUNT:LOW-HIGH (PERCENT of the requests on ids\n"
    "LOW..LOW+COUNT-1, the rest uniform over LOW..HIGH), e.g. hot:90%:100:1-10000.\n"
    "--duration, --timeout: 60s, 2m, 500ms or plain seconds.\n"
    "\n"
    "A status line a second on stderr when it is a terminal (--progress: always, --quiet: never),\n"
    "the summary on stdout at the end or on Ctrl-C. Exit code 0 whatever the target answered,\n"
    "2 for a bad option. Example: sre-lab load --rate 200 --duration 30s --ids zipf:1.1:10000";

constexpr std::string_view experiment_summary =
    "Runs an experiment: a baseline under load with the steady-state hypothesis judged on it, the\n"
    "injection (the method's actions; its probes judged on the phase), the recovery (the\n"
    "rollbacks; the steady state judged again), then writes journal.json (Chaos Toolkit's format)\n"
    "and the reports (details: docs/experiments.md).\n"
    "\n"
    "  sre-lab experiment list                 the shipped experiments (experiments/ in the "
    "source)\n"
    "  sre-lab experiment validate FILE...     check files without running them\n"
    "  sre-lab experiment run NAME|FILE        run one against the lab on this machine\n"
    "\n"
    "Exit code: 0 the hypothesis held, 1 it deviated (or the steady state did not hold before the\n"
    "injection, or an action failed), 2 a bad option or experiment file, 3 inconclusive (too few\n"
    "samples to decide), 130 stopped by Ctrl-C (the rollbacks still ran).\n"
    "Example: sre-lab experiment run part1-db-latency --var injection_s=10";

constexpr std::string_view simulate_summary =
    "Runs the lab as a discrete-event model (the twin) on a scenario file: replicas, pools, the\n"
    "gateway, Postgres, traffic and faults over time, at scales this machine cannot run. It is\n"
    "single-threaded and deterministic for a seed (details and the file's format:\n"
    "docs/simulation.md; shipped scenarios: scenarios/ in the source).\n"
    "\n"
    "  sre-lab simulate FILE                       run the scenario\n"
    "  sre-lab simulate FILE --check               validate it and print its summary\n"
    "  sre-lab simulate calibrate JOURNAL [--out FILE]\n"
    "                                              fit the twin's service times from a real\n"
    "                                              run's journal.json (sre-lab experiment run)\n"
    "  sre-lab simulate validate LAB_JOURNAL TWIN_JOURNAL [--out FILE]\n"
    "                                              an experiment's run on the lab beside the same\n"
    "                                              run on the twin (experiment run --target sim)\n"
    "\n"
    "Exit code: 0 done (validate: within the twin's target), 1 validate: outside it, 2 a bad\n"
    "option, scenario file or journal.\n"
    "Example: sre-lab simulate scenarios/slow-replica.yaml --seed 7 --duration 2m";

constexpr const char* top_usage =
    "usage: sre-lab <command> [options]\n"
    "\n"
    "commands:\n"
    "  up          run the whole lab: Postgres, Redis, seeded catalog, the service, its gateway\n"
    "  serve       run the catalog service only\n"
    "  load        send HTTP load (open or closed loop) and report latency percentiles\n"
    "  experiment  run an experiment of the guide (hypothesis, injection, verdict, report)\n"
    "  simulate    run the lab's twin on a scenario file, at any scale; calibrate it from a run\n"
    "\n"
    "sre-lab <command> --help shows the command's options; sre-lab --version the version.\n";

std::string self_path(const char* argv0) {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : path.string();
}

int command(std::string_view name, std::span<const app::OptionSpec> options,
            std::string_view summary, std::span<const std::string> args, const char* argv0) {
  ParsedArgs parsed = parse_args(options, args, name == "experiment" || name == "simulate");
  if (parsed.help) {
    std::fputs(usage(name, summary, options).c_str(), stdout);
    return 0;
  }
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "sre-lab %.*s: %s (see 'sre-lab %.*s --help')\n",
                 static_cast<int>(name.size()), name.data(), parsed.error.c_str(),
                 static_cast<int>(name.size()), name.data());
    return 2;
  }
  app::OptionValues values(options, parsed.flags, app::process_env());
  if (name == "serve") return app::run_serve(values, self_path(argv0));
  if (name == "load") return app::run_load(values);
  if (name == "simulate") return app::run_simulate(parsed.words, values);
  if (name == "experiment") {
    std::vector<std::string> vars;
    for (const std::string& flag : parsed.given)
      if (flag.starts_with("--var=")) vars.push_back(flag.substr(6));
    return app::run_experiment(parsed.words, vars, values);
  }
  // `up` passes on the serve flags it was given; its own flags stay with it.
  std::vector<std::string> forwarded;
  for (const std::string& flag : parsed.given) {
    const std::string key = flag.substr(2, flag.find('=') - 2);
    if (app::find_option(app::serve_options(), key)) forwarded.push_back(flag);
  }
  return app::run_up(values, forwarded, self_path(argv0));
}

}  // namespace

ParsedArgs parse_args(std::span<const app::OptionSpec> options, std::span<const std::string> args,
                      bool takes_words) {
  ParsedArgs parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 && takes_words) {
      parsed.words.push_back(arg);
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      parsed.error = "unexpected argument '" + arg + "'";
      return parsed;
    }
    const auto equals = arg.find('=');
    const std::string flag = arg.substr(2, equals == std::string::npos ? equals : equals - 2);
    if (app::find_option(options, flag) == nullptr) {
      parsed.error = "unknown option '--" + flag + "'";
      return parsed;
    }
    std::string value;
    if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
    } else if (app::find_option(options, flag)->value_name.empty()) {
      value = "true";  // a switch
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      parsed.error = "option '--" + flag + "' needs a value";
      return parsed;
    }
    parsed.flags[flag] = value;
    parsed.given.push_back("--" + flag + "=" + value);
  }
  return parsed;
}

std::string usage(std::string_view command, std::string_view summary,
                  std::span<const app::OptionSpec> options) {
  std::string out = "usage: sre-lab " + std::string(command) +
                    (command == "experiment" ? " list|validate|run ..."
                     : command == "simulate" ? " FILE | calibrate JOURNAL | validate LAB TWIN"
                                             : "") +
                    " [options]\n\n";
  out += summary;
  out += "\n\noptions (flag, environment variable, default):\n";
  for (const app::OptionSpec& option : options) {
    std::string left = "  --" + std::string(option.flag);
    if (!option.value_name.empty()) left += " " + std::string(option.value_name);
    left.resize(std::max<std::size_t>(left.size() + 1, 32), ' ');  // a long flag still gets a space
    out += left + std::string(option.help) + "\n";
    out += std::string(32, ' ') + "[";
    if (!option.env.empty()) out += std::string(option.env) + ", ";
    out += "default " + std::string(option.default_text) + "]\n";
  }
  out += "  --help                        this help\n";
  return out;
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(top_usage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::printf("sre-lab %s\nmalloc: %s\n", SRE_LAB_VERSION, malloc_in_use().c_str());
    return 0;
  }
  const std::span<const std::string> rest(args.data() + 1, args.size() - 1);
  if (args[0] == "serve")
    return command("serve", app::serve_options(), serve_summary, rest, argv[0]);
  if (args[0] == "up") return command("up", app::up_options(), up_summary, rest, argv[0]);
  if (args[0] == "load") return command("load", app::load_options(), load_summary, rest, argv[0]);
  if (args[0] == "experiment")
    return command("experiment", app::experiment_options(), experiment_summary, rest, argv[0]);
  if (args[0] == "simulate")
    return command("simulate", app::simulate_options(), simulate_summary, rest, argv[0]);
  std::fprintf(stderr, "sre-lab: unknown command '%s' (see 'sre-lab --help')\n", args[0].c_str());
  return 2;
}

}  // namespace srelab::cli
