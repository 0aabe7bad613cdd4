// A configuration file the lab writes into its state directory (HAProxy's, Prometheus'): written
// next to itself and renamed into place, so a server that reads it never sees half a file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace srelab::lab {

// Creates the file's directory if needed. false with a one-line `error` naming the file.
bool write_state_file(const std::filesystem::path& file, std::string_view text, std::string& error);

}  // namespace srelab::lab
