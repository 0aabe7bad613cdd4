// Starting a shipped experiment from the console (POST /console/api/experiments/run): the
// request's checks (a shipped name, vars as short one-line text), the child's command line, and
// the rule of one run at a time. The child process is the app's: it injects an ExperimentSpawner
// (start the service's own executable, poll it), so the console links no process code and a
// service without one (a test process) answers that it cannot start runs. The Console's sampler
// calls poll() every second, which reaps a child soon after it exits. The child is a plain
// `sre-lab experiment run`: it posts its run back to the console like any other.
// Thread-safe: one mutex, held across a launch so that two requests cannot both start a child.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/field_error.hpp"

namespace srelab::console {

struct ShippedExperiment {
  std::string name;   // "part4-memory-leak"
  std::string title;  // "" when the file has no top-level title line
};

// The experiments embedded in the binary (/assets/experiments/<name>.yaml), sorted by name.
std::vector<ShippedExperiment> shipped_experiments();

// The value of a YAML document's top-level `title:` line, unquoted; "" when it has none. A light
// read, not a YAML parser: the console does not link the experiment module for one string.
std::string yaml_title(std::string_view yaml);

struct LaunchRequest {
  std::string name;
  std::map<std::string, std::string> vars;
};

// {"name": "<a shipped experiment>", "vars": {"injection_s": "10", ...}}: a var's value may be a
// string, a number or a boolean, and becomes text. The console sets service_url and load_url
// itself, so a request may not. A bad field → a FieldError naming it ("name", "vars.<key>").
std::optional<LaunchRequest> parse_launch_request(std::string_view body,
                                                  const std::vector<ShippedExperiment>& shipped,
                                                  FieldError& error);

// Where the child points the experiment: this service, and where its load goes.
struct LaunchTargets {
  std::string service_url;  // http://127.0.0.1:<port>
  std::string load_url;     // the gateway's URL when the service knows it, else service_url
};

// The child's arguments after the program: experiment run NAME --var K=V... --var
// service_url=... --var load_url=... --quiet (the spawner adds --out, the folder it makes).
std::vector<std::string> launch_arguments(const LaunchRequest& request,
                                          const LaunchTargets& targets);

struct ChildStatus {
  bool running = false;
  std::optional<int> exit_status;  // once the child is reaped (128 + N for signal N)
  std::string output;              // the end of what it printed, once it exited
};

struct ExperimentSpawner {
  // Starts the service's own executable with `args`; the child's pid, or nullopt with `error`
  // saying why.
  std::function<std::optional<int>(const std::vector<std::string>& args, std::string& error)> start;
  // The last child's state, reaping it once it exited.
  std::function<ChildStatus()> poll;
};

struct Launch {
  std::string name;
  std::map<std::string, std::string> vars;
  int pid = 0;
  double started_ms = 0;  // wall time, ms since the Unix epoch
  ChildStatus status;
};

class ExperimentLaunches {
 public:
  // Called once by the app, when the service knows its port, before it serves requests.
  void enable(ExperimentSpawner spawner, LaunchTargets targets);
  bool available() const;

  enum class Outcome { started, busy, unavailable, failed };
  struct Answer {
    Outcome outcome = Outcome::failed;
    int pid = 0;         // started
    std::string detail;  // otherwise: why, for the person who asked
  };
  // Starts `request` unless a child runs already (busy) or no spawner was given (unavailable).
  Answer launch(const LaunchRequest& request, double now_ms);

  // The last launch's status from the spawner (a child that exited is reaped).
  void poll();
  std::optional<Launch> last() const;

 private:
  mutable std::mutex mutex_;
  ExperimentSpawner spawner_;
  LaunchTargets targets_;
  std::optional<Launch> last_;
};

}  // namespace srelab::console
