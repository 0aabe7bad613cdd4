#include "catalog/stale_copies.hpp"

#include <algorithm>
#include <utility>

namespace srelab::catalog {

StaleCopies::StaleCopies(std::size_t capacity) : capacity_(capacity) {
  index_.reserve(std::min<std::size_t>(capacity, 1 << 16));  // a huge capacity fills lazily
}

void StaleCopies::put(std::int32_t id, std::string json, Clock::time_point fetched_at) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (auto found = index_.find(id); found != index_.end()) {
    order_.splice(order_.begin(), order_, found->second);
    StaleCopy& held = found->second->copy;
    if (fetched_at >= held.fetched_at) held = StaleCopy{std::move(json), fetched_at};
    return;
  }
  order_.push_front(Entry{id, StaleCopy{std::move(json), fetched_at}});
  index_.emplace(id, order_.begin());
  if (order_.size() > capacity_) {
    index_.erase(order_.back().id);
    order_.pop_back();
  }
}

std::optional<StaleCopy> StaleCopies::get(std::int32_t id) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(id);
  if (found == index_.end()) return std::nullopt;
  order_.splice(order_.begin(), order_, found->second);
  return found->second->copy;
}

std::size_t StaleCopies::clear() {
  std::lock_guard lock(mutex_);
  const std::size_t dropped = order_.size();
  order_.clear();
  index_.clear();
  return dropped;
}

std::size_t StaleCopies::size() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

}  // namespace srelab::catalog
