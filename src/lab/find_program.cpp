#include "lab/find_program.hpp"

#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string>

namespace srelab::lab {

std::filesystem::path find_program(std::string_view name, std::string_view more_dirs) {
  std::string dirs;
  if (const char* path = std::getenv("PATH")) dirs = path;
  if (!more_dirs.empty()) dirs.append(":").append(more_dirs);
  std::stringstream list(dirs);
  for (std::string dir; std::getline(list, dir, ':');) {
    if (dir.empty()) continue;
    const std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

}  // namespace srelab::lab
