#include "app/signals.hpp"

#include <signal.h>

#include <cerrno>
#include <ctime>

namespace srelab::app {
namespace {

sigset_t stop_set(bool with_child_signal) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (with_child_signal) sigaddset(&set, SIGCHLD);
  return set;
}

}  // namespace

void block_signals(bool with_child_signal) {
  const sigset_t set = stop_set(with_child_signal);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

std::optional<int> wait_for_signal(bool with_child_signal, std::chrono::milliseconds timeout) {
  const sigset_t set = stop_set(with_child_signal);
  timespec wait{};
  wait.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  wait.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1'000'000);
  for (;;) {
    const int signal = sigtimedwait(&set, nullptr, &wait);
    if (signal > 0) return signal;
    if (errno == EINTR) continue;
    return std::nullopt;
  }
}

StopOnSignal::StopOnSignal() {
  block_signals(false);
  watcher_ = std::jthread([this](std::stop_token done) {
    while (!done.stop_requested()) {
      if (wait_for_signal(false, std::chrono::milliseconds(50))) {
        source_.request_stop();
        return;
      }
    }
  });
}

}  // namespace srelab::app
