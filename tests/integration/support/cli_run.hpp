// The sre-lab binary run as a user runs it, for the CLI tests: to the end, its stdout and stderr
// in a log file, and the journal.json it wrote, if any.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lab/process.hpp"

namespace srelab::testing {

struct CliRun {
  int exit_code = -1;
  boost::json::value journal;  // null when none was written
  std::string output;          // stdout and stderr
  // The sre-lab extension's verdict, or why there is none.
  std::string verdict() const;
};

std::string read_text(const std::filesystem::path& file);

// Polls `done` every 100 ms for up to `limit`.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit);

// GET /readyz on `port` answers 200 within `limit` while `up` keeps running.
bool answers_ready(lab::Process& up, std::uint16_t port, std::chrono::seconds limit);

// Runs `binary args...` with its output in `log`; `journal_dir`, when given, is where its
// journal.json is looked for. `meanwhile` runs while it does (e.g. to signal it).
CliRun run_cli(const std::string& binary, const std::vector<std::string>& args,
               const std::filesystem::path& log, const std::filesystem::path& journal_dir = {},
               std::chrono::seconds limit = std::chrono::seconds(600),
               const std::function<void(lab::Process&)>& meanwhile = {});

}  // namespace srelab::testing
