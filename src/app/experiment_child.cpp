#include "app/experiment_child.hpp"

#include <signal.h>
#include <stdlib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

namespace srelab::app {
namespace {

// What the status keeps of the child's output: its last lines, enough for an error message.
constexpr std::streamoff kOutputTail = 4096;
// Long enough for an interrupted run to roll its faults back and post its journal.
constexpr std::chrono::seconds kStopGrace{15};

std::string tail_of(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff from = size > kOutputTail ? size - kOutputTail : 0;
  in.seekg(from);
  std::string text(static_cast<std::size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (from > 0) {  // start on a whole line
    const auto newline = text.find('\n');
    if (newline != std::string::npos) text.erase(0, newline + 1);
  }
  return text;
}

}  // namespace

std::optional<int> ExperimentChild::start(const std::vector<std::string>& args,
                                          std::string& error) {
  std::lock_guard lock(mutex_);
  if (stopping_) {
    error = "the service is stopping";
    return std::nullopt;
  }
  if (process_ && process_->running()) {
    error = "an experiment is still running (pid " + std::to_string(process_->pid()) + ")";
    return std::nullopt;
  }
  if (process_) finish();
  std::error_code ec;
  std::string pattern =
      (std::filesystem::temp_directory_path(ec) / "sre-lab-console-run.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    error = "cannot make a folder for the run (" + pattern + "): " + std::strerror(errno);
    return std::nullopt;
  }
  lab::SpawnOptions options;
  options.argv.push_back(executable_);
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.argv.insert(options.argv.end(), {"--out", pattern});
  options.log_file = std::filesystem::path(pattern) / "output.log";
  // Sent when the thread that spawned it ends: a service that dies takes its run with it.
  options.parent_death_signal = SIGTERM;
  auto spawned = lab::Process::spawn(options, error);
  if (!spawned) {
    std::filesystem::remove_all(pattern, ec);
    return std::nullopt;
  }
  process_ = std::move(*spawned);
  folder_ = pattern;
  status_ = {true, std::nullopt, {}};
  return process_->pid();
}

console::ChildStatus ExperimentChild::poll() {
  std::lock_guard lock(mutex_);
  if (process_ && !process_->running() && !folder_.empty()) finish();
  return status_;
}

// The wait is outside the lock: the child's last requests (its rollbacks, its journal) are
// answered by the service's threads, one of which polls this object every second.
void ExperimentChild::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (!process_) return;
    if (!process_->running()) {
      if (!folder_.empty()) finish();
      return;
    }
    ::kill(process_->pid(), SIGTERM);  // not reaped yet (running() said so): still our child
  }
  const auto until = std::chrono::steady_clock::now() + kStopGrace;
  while (poll().running && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::lock_guard lock(mutex_);
  process_->stop(SIGKILL, std::chrono::milliseconds(0));
  if (!folder_.empty()) finish();
}

console::ChildStatus ExperimentChild::finish() {
  status_.running = false;
  status_.exit_status = process_->exit_status();
  if (!folder_.empty()) {
    status_.output = tail_of(folder_ / "output.log");
    std::error_code ec;
    std::filesystem::remove_all(folder_, ec);
    folder_.clear();
  }
  return status_;
}

console::ExperimentSpawner ExperimentChild::spawner() {
  return {[this](const std::vector<std::string>& args, std::string& error) {
            return start(args, error);
          },
          [this] { return poll(); }};
}

}  // namespace srelab::app
