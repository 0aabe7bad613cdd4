// The unprivileged system user the lab's servers run as when we are root (Postgres refuses to
// run as root): created on first use, and checked to be able to reach the state directory.
// Used by PostgresServer.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/errc.hpp"

namespace srelab::lab {

struct SystemUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups, the primary one included
};

// Looks the user up, creating it with `useradd --system --no-create-home --shell
// /usr/sbin/nologin NAME` when missing (root only). Safe when several processes race to create it.
result<SystemUser> ensure_system_user(const std::string& name, std::string& error);

// Whether `user` may search every directory from / down to `dir` (mode bits; ACLs are not
// consulted). On false, `error` names the first directory that blocks it.
bool can_reach(const SystemUser& user, const std::filesystem::path& dir, std::string& error);

}  // namespace srelab::lab
