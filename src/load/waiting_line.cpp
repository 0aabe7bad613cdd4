#include "load/waiting_line.hpp"

namespace srelab::load {

bool WaitingLine::push(time_point due) {
  if (line_.size() >= capacity_) return false;
  line_.push_back(due);
  return true;
}

std::optional<WaitingLine::time_point> WaitingLine::pop(time_point now, std::uint64_t& dropped) {
  while (!line_.empty() && now - line_.front() > timeout_) {
    line_.pop_front();
    ++dropped;
  }
  if (line_.empty()) return std::nullopt;
  const time_point due = line_.front();
  line_.pop_front();
  return due;
}

}  // namespace srelab::load
