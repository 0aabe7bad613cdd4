#include "sim/shared_cache.hpp"

#include <algorithm>

namespace srelab::sim {

void SharedCache::put(std::uint64_t id, std::int64_t now_ns, std::int64_t ttl_ns,
                      std::int64_t stale_ttl_ns) {
  if (ttl_ns <= 0 && stale_ttl_ns <= 0) return;
  Entry& stored = slot(id);
  if (ttl_ns > 0) stored.fresh_until = now_ns + ttl_ns;
  if (stale_ttl_ns > 0) stored.stale_until = now_ns + stale_ttl_ns;
}

void SharedCache::clear(bool include_stale) {
  for (Entry& stored : flat_) {
    stored.fresh_until = 0;
    if (include_stale) stored.stale_until = 0;
  }
  for (auto& [id, stored] : sparse_) {
    stored.fresh_until = 0;
    if (include_stale) stored.stale_until = 0;
  }
}

std::size_t SharedCache::fresh_count(std::int64_t now_ns) const {
  const auto alive = [now_ns](const Entry& stored) { return stored.fresh_until > now_ns; };
  std::size_t count = static_cast<std::size_t>(std::count_if(flat_.begin(), flat_.end(), alive));
  for (const auto& [id, stored] : sparse_) count += alive(stored) ? 1 : 0;
  return count;
}

// Grows the flat array by doubling, so a run pays for the ids it asks for and no more.
SharedCache::Entry& SharedCache::slot(std::uint64_t id) {
  if (id >= kFlatIds) return sparse_[id];
  if (id >= flat_.size()) {
    const std::uint64_t wanted = std::max<std::uint64_t>(id + 1, flat_.size() * 2);
    flat_.resize(static_cast<std::size_t>(std::min(wanted, kFlatIds)));
  }
  return flat_[id];
}

}  // namespace srelab::sim
