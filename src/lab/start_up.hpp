// The wait every server the lab starts goes through after its spawn (Postgres, Redis, the
// gateway, Prometheus): ask whether it is ready until it is, its process exits, or time is up;
// and the message when it exited, with the end of its log.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "lab/process.hpp"

namespace srelab::lab {

enum class StartUp { ready, exited, timed_out };

// Asks `ready` every `interval` (first at once) until it answers true, `process` has exited, or
// `limit` has passed. An answer of true wins over an exit seen in the same round.
StartUp await_start_up(Process& process, std::chrono::milliseconds limit,
                       std::chrono::milliseconds interval, const std::function<bool()>& ready);

// "<name> exited during start-up (status N): <the log's lines since log_from>"
std::string exited_during_start_up(std::string_view name, const Process& process,
                                   const std::filesystem::path& log, std::uintmax_t log_from);

}  // namespace srelab::lab
