#include "lab/state_file.hpp"

#include <fstream>
#include <system_error>

namespace srelab::lab {

bool write_state_file(const std::filesystem::path& file, std::string_view text,
                      std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const std::filesystem::path temporary = file.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    if (!out.flush()) {
      error = "cannot write " + temporary.string();
      return false;
    }
  }
  std::filesystem::rename(temporary, file, ec);
  if (ec) {
    error = "cannot write " + file.string() + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace srelab::lab
