#include "gateway/log_follower.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace srelab::gateway {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

}  // namespace

LogFollower::LogFollower(std::filesystem::path path, std::size_t max_read)
    : path_(std::move(path)), max_read_(max_read) {
  open_at(true);
}

LogFollower::~LogFollower() {
  close();
}

std::size_t LogFollower::poll(const std::function<void(std::string_view)>& on_line) {
  if (fd_ < 0 && !open_at(false)) return 0;
  struct stat open_file {};
  if (::fstat(fd_, &open_file) == 0 && static_cast<std::uint64_t>(open_file.st_size) < offset_) {
    // Truncated in place (copytruncate rotation, or `: > file`): its lines start again.
    ::lseek(fd_, 0, SEEK_SET);
    offset_ = 0;
    lines_.reset();
    ++reopened_;
  }
  std::size_t total = read_some(max_read_, on_line);
  struct stat at_path {};
  const bool replaced = ::stat(path_.c_str(), &at_path) == 0 &&
                        (at_path.st_ino != inode_ || at_path.st_dev != device_);
  // Only once the old file is read to its end (less than the budget came): its last lines count.
  if (replaced && total < max_read_) {
    close();
    lines_.reset();
    ++reopened_;
    if (open_at(false)) total += read_some(max_read_ - total, on_line);
  }
  return total;
}

bool LogFollower::open_at(bool from_end) {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat file {};
  if (::fstat(fd, &file) != 0) {
    ::close(fd);
    return false;
  }
  fd_ = fd;
  device_ = file.st_dev;
  inode_ = file.st_ino;
  offset_ = from_end ? static_cast<std::uint64_t>(file.st_size) : 0;
  ::lseek(fd_, static_cast<off_t>(offset_), SEEK_SET);
  return true;
}

void LogFollower::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::size_t LogFollower::read_some(std::size_t budget,
                                   const std::function<void(std::string_view)>& on_line) {
  std::size_t total = 0;
  chunk_.resize(kChunk);
  while (total < budget) {
    const std::size_t want = std::min(kChunk, budget - total);
    const ssize_t got = ::read(fd_, chunk_.data(), want);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    const auto size = static_cast<std::size_t>(got);
    total += size;
    offset_ += size;
    lines_.feed(std::string_view(chunk_.data(), size), on_line);
  }
  return total;
}

}  // namespace srelab::gateway
