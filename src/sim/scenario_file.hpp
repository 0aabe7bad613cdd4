// A scenario file (YAML, or JSON) read into a Scenario, for `sre-lab simulate` and its --check.
// The file's tree comes from experiment/document and its fields are checked with
// experiment::Fields (the same reader, with lines, and the same words as experiment files); an
// error names the field, the object it sits in, the accepted range or form and the line, as in
//   scenarios/slow-replica.yaml:21: 'at_s' in faults[2] must be a number of seconds in
//   [0, 600] (duration_s), got 700
// Unknown keys are errors. The chaos and resilience bodies go through the service's own parsers
// (chaos::merge_chaos_settings, resilience::merge_resilience_settings), so a body the service
// would refuse is refused here in the service's words. The format: docs/simulation.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "sim/scenario.hpp"

namespace srelab::sim {

// `file_name` is what errors call the file; its stem names the scenario when the file has no
// `name`. A `calibration:` path is read relative to `directory`.
std::optional<Scenario> parse_scenario(std::string_view text, const std::string& file_name,
                                       const std::filesystem::path& directory, std::string& error);

// Reads `path` and parses it (calibration relative to the file's folder).
std::optional<Scenario> read_scenario_file(const std::filesystem::path& path, std::string& error);

// A calibration file (calibration_json's form); `error` names the file and the field.
std::optional<Calibration> read_calibration_file(const std::filesystem::path& path,
                                                 std::string& error);

// Whole-file read; nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace srelab::sim
