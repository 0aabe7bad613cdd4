// Stop signals, taken synchronously: the main thread blocks SIGINT/SIGTERM (and SIGCHLD for `up`)
// before any thread starts, so every thread inherits the mask and only sigwait sees them.
#pragma once

#include <chrono>
#include <optional>

namespace srelab::app {

void block_signals(bool with_child_signal);
// The signal received, or nullopt when `timeout` passed first.
std::optional<int> wait_for_signal(bool with_child_signal, std::chrono::milliseconds timeout);

}  // namespace srelab::app
