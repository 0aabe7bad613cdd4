// A child process we started and own: spawned with fork/exec (optionally as another user, with
// output to a log file), stopped by its pid only, and always reaped. Used by PostgresServer,
// RedisServer and the lab supervisor; the child gets its own process group so a terminal Ctrl-C
// reaches only the lab, which then stops its children in order.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/errc.hpp"

namespace srelab::lab {

struct SpawnOptions {
  std::vector<std::string> argv;       // argv[0] is the program path
  std::optional<std::string> run_as;   // a system user name; honoured only when we are root
  std::filesystem::path log_file;      // stdout+stderr appended here; empty: inherit
  std::vector<std::string> extra_env;  // "KEY=value" added to (or replacing in) our environment
  std::filesystem::path working_dir;   // empty: inherit ours
  // Sent to the child when we die (PR_SET_PDEATHSIG), so a crashed lab or test binary does not
  // leave servers holding its ports; 0: none. The kernel sends it when the spawning *thread*
  // exits, so it is honoured only when spawning from the main thread.
  int parent_death_signal = 0;
};

class Process {
 public:
  Process() = default;
  // On failure (bad user, unopenable log, exec failure) `error` gets a one-line explanation.
  static result<Process> spawn(const SpawnOptions& options, std::string& error);
  static result<Process> spawn(const SpawnOptions& options);
  Process(Process&&) noexcept;
  Process& operator=(Process&&) noexcept;  // stops the child it held
  ~Process();  // stops the child (SIGTERM, then SIGKILL after a grace period) if still running

  pid_t pid() const { return pid_; }  // kept after the child is reaped, for messages only
  bool running();                     // reaps it if it exited
  // Exit code once reaped; 128 + signal number when a signal ended it (as shells report it).
  std::optional<int> exit_status() const { return exit_status_; }
  // Waits up to `timeout` for the child to exit on its own; returns its status if it did.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Sends `signal`, waits up to `grace`, then SIGKILL; returns once the child is reaped.
  void stop(int signal, std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  explicit Process(pid_t pid) : pid_(pid) {}
  bool try_reap();

  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

// Sends `signal` to `pid`, then to each of its descendants (read from /proc/PID/task/*/children),
// parents before children: what pausing a whole server takes, since a process group does not
// reach them all (Postgres' backends call setsid()). A SIGSTOPped parent forks no new child
// while its children are listed.
void signal_tree(pid_t pid, int signal);

}  // namespace srelab::lab
