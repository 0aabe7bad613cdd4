// Follows a log file another process appends to, as `tail -F` does: poll() reads what was added
// since the last call (at most `max_read` bytes a call) and hands out complete lines. A file
// that exists when the follower is made is read from its end (its lines are an earlier run's);
// a file that appears later, or replaces the one followed (rotation: a new inode at the path),
// is read from its start, after the rest of the old one; a file cut shorter (truncated) is read
// again from its start. A missing file is not an error: poll() finds nothing until it appears.
// Memory is bounded by the LineBuffer's longest line. Not thread-safe: one reader thread.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "gateway/line_buffer.hpp"

namespace srelab::gateway {

class LogFollower {
 public:
  explicit LogFollower(std::filesystem::path path, std::size_t max_read = 1 << 20);
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  // Calls on_line for each complete line read now; returns the number of bytes read.
  std::size_t poll(const std::function<void(std::string_view)>& on_line);

  std::uint64_t dropped_lines() const { return lines_.dropped_lines(); }
  std::uint64_t reopened() const { return reopened_; }  // rotations and truncations seen

 private:
  bool open_at(bool from_end);
  void close();
  std::size_t read_some(std::size_t budget, const std::function<void(std::string_view)>& on_line);

  std::filesystem::path path_;
  std::size_t max_read_;
  int fd_ = -1;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  std::uint64_t offset_ = 0;
  std::uint64_t reopened_ = 0;
  LineBuffer lines_;
  std::string chunk_;  // the read buffer, reused
};

}  // namespace srelab::gateway
