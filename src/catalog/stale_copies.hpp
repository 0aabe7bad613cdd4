// The in-process stale copies of products: the last JSON the database gave for each recently
// read product, kept in a bounded LRU. ProductService fills it on every database read and
// serves from it when the breaker rejects the call or the database fails and Redis cannot
// answer either (source=fallback_emergency). One instance is shared by all worker threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"

namespace srelab::catalog {

struct StaleCopy {
  std::string json;
  Clock::time_point fetched_at;  // when the database returned it: the copy's age is now - this
};

class StaleCopies {
 public:
  // At most `capacity` products; 0 keeps nothing.
  explicit StaleCopies(std::size_t capacity);

  // Stores or replaces the copy of `id` and makes it the most recent. A copy fetched earlier
  // than the one held (two workers racing on the same product) does not replace it.
  void put(std::int32_t id, std::string json, Clock::time_point fetched_at);
  // A copy of the stored entry, which becomes the most recent; nullopt when none is held.
  std::optional<StaleCopy> get(std::int32_t id);
  // Drops every copy; returns how many there were.
  std::size_t clear();
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::int32_t id;
    StaleCopy copy;
  };
  using Order = std::list<Entry>;  // most recent first

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Order order_;
  std::unordered_map<std::int32_t, Order::iterator> index_;
};

}  // namespace srelab::catalog
