// The one supervisor of `up` (DESIGN: "one supervisor in lab/"): it watches Postgres, Redis, the
// gateway and every service replica, restarts a child that exits unexpectedly under its
// RestartPolicy, and carries out what the control channel asks of a dependency (kill, stop,
// start, pause, resume, with a duration_s guardrail that undoes a pause or a stop by itself).
//
// It is logic over hooks: each child is a handful of functions (start, stop, running, signal, ...)
// that `up` binds to its PostgresServer, RedisServer, GatewayServer or Process, and the caller
// passes the time. One thread drives it (up's main loop: tick() and the channel's act()), so the
// children need no lock; unit tests drive it with fake hooks and a manual clock.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "lab/restart_policy.hpp"

namespace srelab::lab {

enum class ChildState {
  running,
  paused,      // SIGSTOPped on request: not an exit
  stopped,     // shut down on request: not restarted until `start` (or its guardrail)
  restarting,  // exited (or failed to start); started again when its backoff has passed
  failed,      // the restart limit was reached
};
const char* to_string(ChildState state);

enum class DependencyAction { kill, stop, start, pause, resume };
const char* to_string(DependencyAction action);
std::optional<DependencyAction> parse_dependency_action(std::string_view text);

// What `up` binds a child to. start() returns once it is ready (or false with a one-line reason);
// stop() shuts it down cleanly and waits; running() reaps it when it has exited; signal() reaches
// the child itself or, with `whole`, every process of the server (Postgres' backends too).
struct ChildHooks {
  std::function<bool(std::string& error)> start;
  std::function<void()> stop;
  std::function<bool()> running;
  std::function<pid_t()> pid;
  std::function<std::optional<int>()> exit_status;  // 128 + N when signal N ended it
  std::function<void(int signal, bool whole)> signal;
  // Waits up to `timeout` for it to exit (after a SIGKILL): whether it has.
  std::function<bool(std::chrono::milliseconds timeout)> wait_exit;
};

struct ChildSpec {
  std::string name;   // as the channel and the JSON name it: "redis", "postgres", "gateway", ...
  std::string label;  // as messages name it: "Redis", "the gateway", "replica 2"
  bool dependency = false;  // the channel may act on it
  ChildHooks hooks;
};

// Something that happened to a child, for up's stderr and the channel's watchers.
struct SupervisorEvent {
  std::string child;    // its name
  std::string kind;     // exited, restarted, restart_failed, gave_up, killed, stopped, started,
                        // paused, resumed
  std::string message;  // one line, e.g. "Redis (pid 41) exited: killed by SIGKILL; ..."
};

// One child as GET /chaos/dependency shows it.
struct ChildView {
  std::string name;
  bool dependency = false;
  ChildState state = ChildState::running;
  std::optional<pid_t> pid;  // while running or paused
  int restarts = 0;
  std::string last_exit;               // "" before any; e.g. "killed by SIGKILL"
  std::optional<double> restart_in_s;  // while restarting
  std::optional<double> reverts_in_s;  // while a guardrail runs
};

struct ActOrder {
  std::string dependency;
  DependencyAction action;
};

struct ActResult {
  int status = 200;    // 200; 409 when an action does not apply (nothing is done then)
  std::string detail;  // why not, when status != 200
  std::vector<ChildView> dependencies;    // each one named, after its action
  std::vector<DependencyAction> actions;  // in the same order
};

// "exited with status 3", "killed by SIGKILL": how a child ended, from Process' status.
std::string describe_exit(std::optional<int> status);

class Supervisor {
 public:
  using EventSink = std::function<void(const SupervisorEvent&)>;
  Supervisor(const RestartSettings& settings, EventSink sink);

  // A child `up` has just started.
  void add(ChildSpec spec, Clock::time_point now);
  // A dependency `up` did not start (an external server): acting on it is refused with `why`.
  void add_external(std::string name, std::string why);

  // Notices exits, restarts what is due and runs guardrails. false once a restart limit was
  // reached: up stops the lab then (gave_up() says which).
  bool tick(Clock::time_point now);
  // All orders are checked first, then all done: a refused request changes nothing.
  ActResult act(const std::vector<ActOrder>& orders, std::optional<Clock::duration> revert_after,
                Clock::time_point now);
  std::vector<ChildView> view(Clock::time_point now) const;
  // Before up stops the lab: a SIGSTOPped server ignores SIGTERM until continued.
  void resume_paused();
  const std::string& gave_up() const { return gave_up_; }

 private:
  struct Child {
    Child(ChildSpec s, RestartPolicy p) : spec(std::move(s)), policy(std::move(p)) {}
    ChildSpec spec;
    RestartPolicy policy;
    ChildState state = ChildState::running;
    Clock::time_point restart_at{};
    std::string last_exit;
    // A guardrail: at `at`, resume (after pause) or start (after stop).
    std::optional<Clock::time_point> revert_at;
    DependencyAction revert_action = DependencyAction::resume;
  };

  Child* find(const std::string& name);
  std::string refusal(const ActOrder& order);
  void apply(Child& child, DependencyAction action, std::optional<Clock::duration> revert_after,
             Clock::time_point now);
  void exited(Child& child, Clock::time_point now);
  void schedule_restart(Child& child, const std::string& what, Clock::time_point now);
  bool start(Child& child, const char* kind, Clock::time_point now);
  void emit(const Child& child, const char* kind, std::string message);
  ChildView view_of(const Child& child, Clock::time_point now) const;

  RestartSettings settings_;
  EventSink sink_;
  std::vector<Child> children_;
  std::map<std::string, std::string> external_;
  std::string gave_up_;
};

}  // namespace srelab::lab
