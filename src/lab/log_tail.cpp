#include "lab/log_tail.hpp"

#include <deque>
#include <fstream>
#include <system_error>

namespace srelab::lab {

std::uintmax_t log_size(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  return ec ? 0 : size;
}

std::string log_tail(const std::filesystem::path& file, std::uintmax_t from, int lines) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "(no log at " + file.string() + ")";
  in.seekg(static_cast<std::streamoff>(from));
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  if (last.empty()) return "(log " + file.string() + " is empty)";
  std::string joined;
  for (const auto& line : last) joined += (joined.empty() ? "" : " | ") + line;
  return joined;
}

}  // namespace srelab::lab
