// A child process we started and own: spawned with fork/exec (optionally as another user, with
// output to a log file), stopped by its pid only, and always reaped.
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
  std::vector<std::string> argv;        // argv[0] is the program path
  std::optional<std::string> run_as;    // a system user name, when we are root
  std::filesystem::path log_file;       // stdout+stderr appended here; empty: inherit
  std::vector<std::string> extra_env;   // "KEY=value" added to our environment
};

class Process {
 public:
  Process() = default;
  static result<Process> spawn(const SpawnOptions& options);
  Process(Process&&) noexcept;
  Process& operator=(Process&&) noexcept;
  ~Process();  // stops the child (SIGTERM, then SIGKILL after a grace period) if still running

  pid_t pid() const { return pid_; }
  bool running();  // reaps it if it exited
  std::optional<int> exit_status() const { return exit_status_; }
  // Sends `signal`, waits up to `grace`, then SIGKILL; returns once the child is reaped.
  void stop(int signal, std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

}  // namespace srelab::lab
