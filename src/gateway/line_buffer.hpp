// Bytes of a growing log file in, complete lines out, in bounded memory: a line longer than
// `max_line` is dropped whole (counted), and the bytes of a line still being written wait for
// its newline. Sans-I/O: LogFollower feeds it what it reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace srelab::gateway {

class LineBuffer {
 public:
  explicit LineBuffer(std::size_t max_line = 16 * 1024) : max_line_(max_line) {}

  // Calls on_line(std::string_view) for every line completed by `bytes` (without its '\n').
  template <class OnLine>
  void feed(std::string_view bytes, OnLine&& on_line);

  // Forgets a partial line (the file was replaced or truncated under it).
  void reset() {
    partial_.clear();
    dropping_ = false;
  }

  std::uint64_t dropped_lines() const { return dropped_; }
  std::size_t pending_bytes() const { return partial_.size(); }

 private:
  std::size_t max_line_;
  std::string partial_;
  bool dropping_ = false;  // inside a line already too long
  std::uint64_t dropped_ = 0;
};

template <class OnLine>
void LineBuffer::feed(std::string_view bytes, OnLine&& on_line) {
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    if (!dropping_ && partial_.size() + piece.size() > max_line_) {
      dropping_ = true;
      partial_.clear();
    }
    if (!dropping_) partial_.append(piece);
    if (newline == std::string_view::npos) return;
    if (dropping_) {
      ++dropped_;
      dropping_ = false;
    } else {
      on_line(std::string_view(partial_));
    }
    partial_.clear();
    bytes.remove_prefix(newline + 1);
  }
}

}  // namespace srelab::gateway
