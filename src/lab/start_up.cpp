#include "lab/start_up.hpp"

#include <thread>

#include "lab/log_tail.hpp"

namespace srelab::lab {

StartUp await_start_up(Process& process, std::chrono::milliseconds limit,
                       std::chrono::milliseconds interval, const std::function<bool()>& ready) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (ready()) return StartUp::ready;
    if (!process.running()) return StartUp::exited;
    if (std::chrono::steady_clock::now() >= deadline) return StartUp::timed_out;
    std::this_thread::sleep_for(interval);
  }
}

std::string exited_during_start_up(std::string_view name, const Process& process,
                                   const std::filesystem::path& log, std::uintmax_t log_from) {
  return std::string(name) + " exited during start-up (status " +
         std::to_string(process.exit_status().value_or(-1)) + "): " + log_tail(log, log_from);
}

}  // namespace srelab::lab
