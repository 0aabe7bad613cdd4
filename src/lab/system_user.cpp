#include "lab/system_user.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "lab/process.hpp"

namespace srelab::lab {
namespace {

std::optional<SystemUser> look_up(const std::string& name) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr) {
    return std::nullopt;
  }
  SystemUser user{name, entry.pw_uid, entry.pw_gid, {}};
  int count = 64;
  user.groups.resize(static_cast<std::size_t>(count));
  if (::getgrouplist(name.c_str(), user.gid, user.groups.data(), &count) < 0) {
    user.groups.resize(static_cast<std::size_t>(count));
    ::getgrouplist(name.c_str(), user.gid, user.groups.data(), &count);
  }
  user.groups.resize(static_cast<std::size_t>(count));
  return user;
}

constexpr const char* kCreationLock = "/tmp/srelab-useradd.lock";

bool may_search(const SystemUser& user, const struct stat& st) {
  if (user.uid == 0) return true;
  if (st.st_uid == user.uid) return (st.st_mode & S_IXUSR) != 0;
  const bool in_group = st.st_gid == user.gid || std::find(user.groups.begin(), user.groups.end(),
                                                           st.st_gid) != user.groups.end();
  if (in_group) return (st.st_mode & S_IXGRP) != 0;
  return (st.st_mode & S_IXOTH) != 0;
}

}  // namespace

result<SystemUser> ensure_system_user(const std::string& name, std::string& error) {
  if (auto user = look_up(name)) return *user;
  // Parallel test binaries race here on a fresh machine, and concurrent useradds can briefly
  // show a user that one of them then rolls back: one creator at a time, across processes.
  const int lock = ::open(kCreationLock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock >= 0) ::flock(lock, LOCK_EX);
  std::string last_failure;
  std::optional<SystemUser> user = look_up(name);
  for (int attempt = 0; attempt < 5 && !user; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    SpawnOptions options;
    options.argv = {"/usr/sbin/useradd", "--system",          "--no-create-home",
                    "--shell",           "/usr/sbin/nologin", name};
    auto child = Process::spawn(options, last_failure);
    if (child) {
      const auto status = child->wait(std::chrono::seconds(30));
      if (!status) child->stop(SIGKILL, std::chrono::milliseconds(0));
      last_failure = "useradd exited with status " + std::to_string(status.value_or(-1));
    }
    user = look_up(name);
  }
  if (lock >= 0) ::close(lock);  // releases the flock
  if (user) return *user;
  error = "cannot create system user '" + name + "': " + last_failure;
  return errc::invalid_argument;
}

bool can_reach(const SystemUser& user, const std::filesystem::path& dir, std::string& error) {
  std::filesystem::path prefix;
  for (const auto& part : std::filesystem::absolute(dir).lexically_normal()) {
    if (part.empty()) continue;
    prefix /= part;
    struct stat st {};
    if (::stat(prefix.c_str(), &st) != 0) break;  // not made yet: we create it 0755
    if (!may_search(user, st)) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      error = "directory " + prefix.string() + " (mode " + mode + ") is not traversable by user '" +
              user.name + "': allow it with chmod o+x or choose a state directory elsewhere";
      return false;
    }
  }
  return true;
}

}  // namespace srelab::lab
