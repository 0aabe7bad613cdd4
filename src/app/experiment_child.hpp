// The child process that runs an experiment started from the console: the service's own
// executable as `experiment run … --out <a fresh folder under the temp dir>`, its output in that
// folder's output.log. The console keeps the one-at-a-time rule (console::ExperimentLaunches);
// this object keeps the process: reaped when polled, stopped by stop() (SIGTERM first, so the run
// rolls its faults back and still posts its journal, then SIGKILL) and by the destructor. The
// folder goes once the child is reaped: its run reached the console by then, or the output tail
// kept in the status says why not. Service hands spawner() to the console. Thread-safe.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "console/experiment_launches.hpp"
#include "lab/process.hpp"

namespace srelab::app {

class ExperimentChild {
 public:
  explicit ExperimentChild(std::string executable) : executable_(std::move(executable)) {}
  ~ExperimentChild() { stop(); }
  ExperimentChild(const ExperimentChild&) = delete;
  ExperimentChild& operator=(const ExperimentChild&) = delete;

  // Starts `executable args… --out <folder>`; the pid, or nullopt with `error` saying why. The
  // console starts one only when the last one is reaped.
  std::optional<int> start(const std::vector<std::string>& args, std::string& error);
  // The last child's state; reaps it, keeps the end of its output and removes its folder once it
  // exited.
  console::ChildStatus poll();
  // Idempotent: stops a running child and waits for it; no child starts after it.
  void stop();

  // start and poll as the console's callbacks; this object must outlive the console's use of them.
  console::ExperimentSpawner spawner();

 private:
  console::ChildStatus finish();  // mutex_ held, the child reaped

  const std::string executable_;
  std::mutex mutex_;
  std::optional<lab::Process> process_;
  std::filesystem::path folder_;  // the running child's; empty once removed
  console::ChildStatus status_;
  bool stopping_ = false;
};

}  // namespace srelab::app
