// The meta (string → string) and metrics (string → double) of a span: a small map in the order
// keys were first set. A span has a dozen tags at most, set once and read once, on every traced
// request, so the map is two buffers: the keys' and values' bytes back to back, and one small
// entry (offsets and sizes, or the number) per tag. Setting a tag is a scan that compares
// lengths before bytes and a copy or two into room the buffer has; clear() keeps both buffers'
// capacity, so a map the tracer reuses for the next span refills them without allocating, and
// moving a span moves two buffers (a string per key and per value cost a move each). Reads give
// views into the map, valid until it is next changed. The part of std::map's interface spans
// use: find/at/contains, iteration over pair<string_view, value> (`first`, `second`; insertion
// order, not key order), size/empty/clear; == ignores the order. set() inserts or replaces;
// set_joined() sets a value made of parts (a URL from scheme, host and target) without a
// temporary string.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "telemetry/short_strings.hpp"

namespace srelab::telemetry {

template <class V>
class TagMap {
  static_assert(std::is_same_v<V, std::string> || std::is_same_v<V, double>,
                "tags are text (meta) or numbers (metrics)");
  static constexpr bool kText = std::is_same_v<V, std::string>;
  struct TextEntry {
    std::uint32_t key_at, key_size, value_at, value_size;
  };
  struct NumberEntry {
    std::uint32_t key_at, key_size;
    double value;
  };
  using Entry = std::conditional_t<kText, TextEntry, NumberEntry>;

 public:
  // What a read gives: a view of the text, or the number.
  using mapped_type = std::conditional_t<kText, std::string_view, double>;
  using value_type = std::pair<std::string_view, mapped_type>;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = TagMap::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = value_type;

    const_iterator() = default;
    value_type operator*() const { return map_->entry_pair(*at_); }
    // it->first, it->second: the pair lives as long as the expression.
    struct Arrow {
      value_type pair;
      const value_type* operator->() const { return &pair; }
    };
    Arrow operator->() const { return Arrow{**this}; }
    const_iterator& operator++() {
      ++at_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++at_;
      return before;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.at_ == b.at_;
    }

   private:
    friend class TagMap;
    const_iterator(const TagMap* map, const Entry* at) : map_(map), at_(at) {}
    const TagMap* map_ = nullptr;
    const Entry* at_ = nullptr;
  };
  using iterator = const_iterator;

  TagMap() = default;
  // A copy holds the live bytes only.
  TagMap(const TagMap& other) : entries_(other.entries_) {
    if (other.used_ != 0) {
      grow(other.used_);
      append_bytes({other.bytes_.get(), other.used_});
    }
  }
  TagMap& operator=(const TagMap& other) {
    if (this != &other) *this = TagMap(other);
    return *this;
  }
  TagMap(TagMap&& other) noexcept
      : bytes_(std::move(other.bytes_)),
        used_(std::exchange(other.used_, 0)),
        room_(std::exchange(other.room_, 0)),
        entries_(std::move(other.entries_)) {
    other.entries_.clear();
  }
  TagMap& operator=(TagMap&& other) noexcept {
    bytes_ = std::move(other.bytes_);
    used_ = std::exchange(other.used_, 0);
    room_ = std::exchange(other.room_, 0);
    entries_ = std::move(other.entries_);
    other.entries_.clear();
    return *this;
  }
  ~TagMap() = default;

  const_iterator begin() const { return {this, entries_.data()}; }
  const_iterator end() const { return {this, entries_.data() + entries_.size()}; }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // Keeps both buffers' capacity.
  void clear() {
    entries_.clear();
    used_ = 0;
  }
  // The keys' and values' bytes (values since replaced among them): with a header per key and
  // value, a bound on what the map takes encoded, known without walking it.
  std::size_t stored_bytes() const { return used_; }
  // Bytes held (the buffers' capacity): for callers that bound memory.
  std::size_t retained_bytes() const { return room_ + entries_.capacity() * sizeof(Entry); }

  const_iterator find(std::string_view key) const {
    const Entry* found = find_entry(key);
    return found != nullptr ? const_iterator(this, found) : end();
  }
  bool contains(std::string_view key) const { return find(key) != end(); }
  mapped_type at(std::string_view key) const {
    const auto found = find(key);
    if (found == end()) throw std::out_of_range("no tag " + std::string(key));
    return value_of(*found.at_);
  }

  // Inserts `key` or replaces its value.
  void set(std::string_view key, mapped_type value) {
    std::unique_ptr<char[]> old;  // see entry_with_room
    if constexpr (kText) {
      Entry& entry = entry_with_room(key, value.size(), old);
      entry.value_at = static_cast<std::uint32_t>(used_);
      entry.value_size = static_cast<std::uint32_t>(value.size());
      append_bytes(value);
    } else {
      entry_with_room(key, 0, old).value = value;
    }
  }
  // Inserts `key` or replaces its value, with the parts written one after the other.
  void set_joined(std::string_view key,
                  std::initializer_list<std::string_view> parts) requires kText {
    std::size_t size = 0;
    for (std::string_view part : parts) size += part.size();
    std::unique_ptr<char[]> old;
    Entry& entry = entry_with_room(key, size, old);
    entry.value_at = static_cast<std::uint32_t>(used_);
    entry.value_size = static_cast<std::uint32_t>(size);
    for (std::string_view part : parts) append_bytes(part);
  }

  friend bool operator==(const TagMap& a, const TagMap& b) {
    if (a.size() != b.size()) return false;
    for (const auto& [key, value] : a) {
      const auto found = b.find(key);
      if (found == b.end() || !(found->second == value)) return false;
    }
    return true;
  }

 private:
  static constexpr std::size_t kFirstCapacity = 8;

  std::string_view key_of(const Entry& entry) const {
    return {bytes_.get() + entry.key_at, entry.key_size};
  }
  mapped_type value_of(const Entry& entry) const {
    if constexpr (kText) {
      return {bytes_.get() + entry.value_at, entry.value_size};
    } else {
      return entry.value;
    }
  }
  value_type entry_pair(const Entry& entry) const { return {key_of(entry), value_of(entry)}; }

  const Entry* find_entry(std::string_view key) const {
    for (const Entry& entry : entries_) {
      if (entry.key_size == key.size() &&
          same_bytes(bytes_.get() + entry.key_at, key.data(), key.size()))
        return &entry;
    }
    return nullptr;
  }
  // The entry of `key` (appended, with the key's bytes, when absent), with room after it for a
  // value of `value_size` bytes. The value may be this map's own bytes (copied from another
  // tag): when the buffer has to move, the old one goes to `old`, alive until the caller has
  // copied the value. A replaced value's old bytes stay behind, unused until clear(): tags are
  // set about once.
  Entry& entry_with_room(std::string_view key, std::size_t value_size,
                         std::unique_ptr<char[]>& old) {
    Entry* entry = const_cast<Entry*>(find_entry(key));
    const std::size_t needed = (entry == nullptr ? key.size() : 0) + value_size;
    if (room_ - used_ < needed) old = grow(needed);
    return entry != nullptr ? *entry : append_key(key);
  }
  // A buffer with room for `count` more bytes; the old one is handed back, still readable.
  std::unique_ptr<char[]> grow(std::size_t count) {
    const std::size_t room = std::max({2 * room_, used_ + count, kFirstRoom});
    auto fresh = std::make_unique_for_overwrite<char[]>(room);
    if (used_ != 0) std::memcpy(fresh.get(), bytes_.get(), used_);
    room_ = room;
    return std::exchange(bytes_, std::move(fresh));
  }
  // Within room made beforehand.
  void append_bytes(std::string_view text) {
    copy_bytes(bytes_.get() + used_, text.data(), text.size());
    used_ += text.size();
  }
  Entry& append_key(std::string_view key) {
    if (entries_.capacity() == 0) entries_.reserve(kFirstCapacity);
    Entry& entry = entries_.emplace_back();
    entry.key_at = static_cast<std::uint32_t>(used_);
    entry.key_size = static_cast<std::uint32_t>(key.size());
    append_bytes(key);
    return entry;
  }

  static constexpr std::size_t kFirstRoom = 128;

  std::unique_ptr<char[]> bytes_;  // keys and values, back to back: [0, used_) of room_
  std::size_t used_ = 0;
  std::size_t room_ = 0;
  std::vector<Entry> entries_;  // in insertion order
};

}  // namespace srelab::telemetry
