// The twin's Redis: one for all replicas, as in the lab. Each product id has a fresh copy
// ("product:{id}", for the cache TTL) and a stale copy ("stale:product:{id}", for the stale TTL),
// each alive until its expiry; nothing refreshes an entry but a new fill, so entries run out
// while the database is in trouble. Only expiry times are kept (the JSON is the service's
// business, not the twin's), in flat arrays indexed by id for the ids a scenario asks for, with
// a hash map past kFlatIds for sparse huge ranges.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace srelab::sim {

class SharedCache {
 public:
  static constexpr std::uint64_t kFlatIds = std::uint64_t{1} << 22;

  bool fresh(std::uint64_t id, std::int64_t now_ns) const { return entry(id).fresh_until > now_ns; }
  bool stale(std::uint64_t id, std::int64_t now_ns) const { return entry(id).stale_until > now_ns; }

  // SET product:{id} EX ttl and SET stale:product:{id} EX stale_ttl; a TTL of 0 stores nothing
  // (the twin's "no caching").
  void put(std::uint64_t id, std::int64_t now_ns, std::int64_t ttl_ns, std::int64_t stale_ttl_ns);
  // POST /chaos/clear_cache: the fresh copies, and the stale ones when asked.
  void clear(bool include_stale);
  // Fresh copies alive now (a scan: for reports, not for every request).
  std::size_t fresh_count(std::int64_t now_ns) const;

 private:
  struct Entry {
    std::int64_t fresh_until = 0;
    std::int64_t stale_until = 0;
  };

  Entry entry(std::uint64_t id) const {
    if (id < flat_.size()) return flat_[id];
    if (id < kFlatIds) return {};
    const auto it = sparse_.find(id);
    return it == sparse_.end() ? Entry{} : it->second;
  }
  Entry& slot(std::uint64_t id);

  std::vector<Entry> flat_;
  std::unordered_map<std::uint64_t, Entry> sparse_;
};

}  // namespace srelab::sim
