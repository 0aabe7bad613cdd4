// Stop signals, taken synchronously: the main thread blocks SIGINT/SIGTERM (and SIGCHLD for `up`)
// before any thread starts, so every thread inherits the mask and only sigwait sees them.
#pragma once

#include <chrono>
#include <optional>
#include <stop_token>
#include <thread>

namespace srelab::app {

void block_signals(bool with_child_signal);
// The signal received, or nullopt when `timeout` passed first.
std::optional<int> wait_for_signal(bool with_child_signal, std::chrono::milliseconds timeout);

// Ctrl-C and SIGTERM, taken by sigwait on a thread of their own, become a stop_token: for the
// commands that run until done (load, experiment) and stop early, cleanly, on a signal. Make it
// before any other thread starts, so they all inherit the blocked mask.
class StopOnSignal {
 public:
  StopOnSignal();
  std::stop_token token() const { return source_.get_token(); }

 private:
  std::stop_source source_;
  std::jthread watcher_;  // joined first, on destruction
};

}  // namespace srelab::app
