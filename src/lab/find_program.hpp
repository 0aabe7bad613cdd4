// Where a server's executable is: the lab runs Debian's redis-server, haproxy and prometheus as
// they are installed, so each is looked for the way a shell would, by name along PATH.
#pragma once

#include <filesystem>
#include <string_view>

namespace srelab::lab {

// The first executable `name` in PATH, then in `more_dirs` (':'-separated, e.g. "/usr/sbin", which
// a non-root PATH often lacks); empty when there is none.
std::filesystem::path find_program(std::string_view name, std::string_view more_dirs = {});

}  // namespace srelab::lab
