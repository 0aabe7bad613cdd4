// The last lines of a server's log, folded into one line for an error message: PostgresServer
// and RedisServer quote it when a child exits during start-up.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace srelab::lab {

// Size of the file now (0 if missing): remember it before spawning, so only this run's lines
// are quoted.
std::uintmax_t log_size(const std::filesystem::path& file);

// The last `lines` non-empty lines written after byte `from`, joined with " | ".
std::string log_tail(const std::filesystem::path& file, std::uintmax_t from, int lines = 5);

}  // namespace srelab::lab
