// The meta (string → string) and metrics (string → double) of a span: a small map in the order
// keys were first set. A span has a dozen tags at most, set once and read once, on every traced
// request, so the map is two buffers: one of bytes, holding each tag as the Datadog payload
// carries it (a MessagePack key and value, back to back: see packed_pairs()), and one small
// entry (offsets and sizes, or the number) per tag. Encoding a span's tags is then one copy, and
// setting one is a copy or two into room the buffer has; a 64-bit filter of the keys present
// answers most lookups of an absent key (every new tag) without a scan. clear() keeps both
// buffers' capacity, so a map the tracer reuses for the next span refills them without
// allocating. Reads give views into the map, valid until it is next changed. The part of
// std::map's interface spans use: find/at/contains, iteration over pair<string_view, value>
// (`first`, `second`; insertion order, not key order), size/empty/clear; == ignores the order.
// set() inserts or replaces; set_joined() sets a value made of parts (a URL from scheme, host
// and target) without a temporary string.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "telemetry/msgpack_bytes.hpp"
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
  TagMap(const TagMap& other)
      : entries_(other.entries_), key_bits_(other.key_bits_), packed_(other.packed_) {
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
        entries_(std::move(other.entries_)),
        key_bits_(std::exchange(other.key_bits_, 0)),
        packed_(std::exchange(other.packed_, true)) {
    other.entries_.clear();
  }
  TagMap& operator=(TagMap&& other) noexcept {
    bytes_ = std::move(other.bytes_);
    used_ = std::exchange(other.used_, 0);
    room_ = std::exchange(other.room_, 0);
    entries_ = std::move(other.entries_);
    key_bits_ = std::exchange(other.key_bits_, 0);
    packed_ = std::exchange(other.packed_, true);
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
    key_bits_ = 0;
    packed_ = true;
  }
  // The bytes the tags take in MessagePack form (values since replaced among them): at least
  // what the pairs take encoded, known without walking them.
  std::size_t stored_bytes() const { return used_; }
  // The tags as MessagePack key/value pairs in insertion order (what follows a map header in the
  // Datadog payload: str keys, str or float64 values), or nullopt when a value replaced by one of
  // another size left a gap (then encode the pairs one by one).
  std::optional<std::string_view> packed_pairs() const {
    if (!packed_) return std::nullopt;
    return std::string_view(bytes_.get(), used_);
  }
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

  // Inserts `key` or replaces its value. A new key with room already made (a recycled map
  // being refilled: the usual case) is appended inline, so where the key is a literal its
  // filter bit, header and copy are worked out when compiling; anything else takes the general
  // path.
  [[gnu::always_inline]] void set(std::string_view key, mapped_type value) {
    const std::uint64_t bit = key_bit(key);
    if constexpr (kText) {
      // One array each: the general path's escapes into a call, and a store through char* could
      // then change it, so the inline path would read it again after every copy.
      if ((key_bits_ & bit) == 0 && has_room(key.size(), wire_size(value.size()))) {
        append_text(key, bit, std::array<std::string_view, 1>{value}, value.size());
      } else {
        const std::array<std::string_view, 1> parts{value};
        set_text(key, bit, parts);
      }
    } else {
      if ((key_bits_ & bit) == 0 && has_room(key.size(), msgpack_bytes::kFixed64Size)) {
        append_number(key, bit, value);
      } else {
        set_number(key, bit, value);
      }
    }
  }
  // Inserts `key` or replaces its value, with the parts written one after the other.
  [[gnu::always_inline]] void set_joined(
      std::string_view key, std::initializer_list<std::string_view> parts) requires kText {
    const std::uint64_t bit = key_bit(key);
    std::size_t size = 0;
    for (std::string_view part : parts) size += part.size();
    if ((key_bits_ & bit) == 0 && has_room(key.size(), wire_size(size))) {
      append_text(key, bit, parts, size);
    } else {
      set_text(key, bit, {parts.begin(), parts.size()});
    }
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

  // One bit of key_bits_ per key: a clear bit means no key of the map can be equal. A shared
  // bit only costs a scan; these factors give each key this project sets a bit of its own.
  static constexpr std::uint64_t key_bit(std::string_view key) {
    if (key.empty()) return 1;
    const auto first = static_cast<unsigned char>(key.front());
    const auto last = static_cast<unsigned char>(key.back());
    return std::uint64_t{1} << ((key.size() * 14 + first * 3 + last * 6) & 63);
  }
  const Entry* find_entry(std::string_view key) const { return find_entry(key, key_bit(key)); }
  const Entry* find_entry(std::string_view key, std::uint64_t bit) const {
    if ((key_bits_ & bit) == 0) return nullptr;
    for (const Entry& entry : entries_) {
      if (entry.key_size == key.size() &&
          same_bytes(bytes_.get() + entry.key_at, key.data(), key.size()))
        return &entry;
    }
    return nullptr;
  }

  // Room for a new tag of this key size and value bytes (header included), and for its entry.
  bool has_room(std::size_t key_size, std::size_t value_bytes) const {
    return room_ - used_ >= wire_size(key_size) + value_bytes &&
           entries_.size() < entries_.capacity();
  }

  // The general path, out of line.
  [[gnu::noinline]] void set_text(std::string_view key, std::uint64_t bit,
                                  std::span<const std::string_view> parts) {
    std::size_t size = 0;
    for (std::string_view part : parts) size += part.size();
    if (auto* found = const_cast<Entry*>(find_entry(key, bit))) {
      replace_text(*found, parts, size);
      return;
    }
    // A part may be this map's own bytes (copied from another tag): when the buffer has to
    // move, the old one stays alive in `old` until the parts are copied.
    std::unique_ptr<char[]> old;
    const std::size_t needed = wire_size(key.size()) + wire_size(size);
    if (room_ - used_ < needed) old = grow(needed);
    if (entries_.capacity() == 0) entries_.reserve(kFirstCapacity);
    append_text(key, bit, parts, size);
  }
  // Rare (a tag set twice): in place when the size is the same, at the end when the value was
  // the last bytes, else after everything, leaving a gap (no longer packed).
  void replace_text(Entry& entry, std::span<const std::string_view> parts, std::size_t size) {
    std::string own;  // parts taken from this map's bytes, which the new value may overwrite
    std::string_view copied[1];
    for (std::string_view part : parts) {
      if (used_ != 0 && part.data() >= bytes_.get() && part.data() < bytes_.get() + used_) {
        for (std::string_view each : parts) own.append(each);
        copied[0] = own;
        parts = copied;
        break;
      }
    }
    const std::size_t value_start =
        entry.value_at - msgpack_bytes::string_header_size(entry.value_size);
    if (size == entry.value_size) {
      put_value(bytes_.get(), bytes_.get() + value_start, parts, size, entry);
      return;
    }
    if (entry.value_at + entry.value_size == used_) {
      used_ = value_start;
    } else {
      packed_ = false;
    }
    if (room_ - used_ < wire_size(size)) grow(wire_size(size));
    used_ = static_cast<std::size_t>(
        put_value(bytes_.get(), bytes_.get() + used_, parts, size, entry) - bytes_.get());
  }

  // A number's bytes follow its key: float64, always 9 bytes, so replacing one is in place.
  [[gnu::noinline]] void set_number(std::string_view key, std::uint64_t bit, double value) {
    if (auto* found = const_cast<Entry*>(find_entry(key, bit))) {
      found->value = value;
      msgpack_bytes::put_float64(bytes_.get() + found->key_at + found->key_size, value);
      return;
    }
    const std::size_t needed = wire_size(key.size()) + msgpack_bytes::kFixed64Size;
    if (room_ - used_ < needed) grow(needed);
    if (entries_.capacity() == 0) entries_.reserve(kFirstCapacity);
    append_number(key, bit, value);
  }

  // A new tag, within room made beforehand (bytes and entry). The writes go through a local
  // cursor and a local entry: stores through char* may alias the members, which the compiler
  // would otherwise reload after each.
  // (Parts: a std::array where the count is known when compiling, else a span.)
  template <class Parts>
  [[gnu::always_inline]] void append_text(std::string_view key, std::uint64_t bit,
                                          const Parts& parts, std::size_t size) {
    char* const base = bytes_.get();
    Entry entry;
    char* const end = put_value(base, put_key(base, used_, key, entry), parts, size, entry);
    add_entry(entry, bit, static_cast<std::size_t>(end - base));
  }
  [[gnu::always_inline]] void append_number(std::string_view key, std::uint64_t bit, double value) {
    char* const base = bytes_.get();
    Entry entry;
    char* at = put_key(base, used_, key, entry);
    entry.value = value;
    at = msgpack_bytes::put_float64(at, value);
    add_entry(entry, bit, static_cast<std::size_t>(at - base));
  }

  static constexpr std::size_t wire_size(std::size_t size) {
    return msgpack_bytes::string_header_size(size) + size;
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
  // The key with its header at base + at, within room made beforehand; returns its end.
  [[gnu::always_inline]] static char* put_key(char* base, std::size_t at, std::string_view key,
                                              Entry& entry) {
    char* cursor = msgpack_bytes::put_string_header(base + at, key.size());
    entry.key_at = static_cast<std::uint32_t>(cursor - base);
    entry.key_size = static_cast<std::uint32_t>(key.size());
    copy_bytes(cursor, key.data(), key.size());
    return cursor + key.size();
  }
  // A text value (header, then the parts) at `at`, within room made beforehand, recorded in
  // `entry`; returns its end.
  template <class Parts>
  [[gnu::always_inline]] static char* put_value(char* base, char* at, const Parts& parts,
                                                std::size_t size, Entry& entry) {
    at = msgpack_bytes::put_string_header(at, size);
    entry.value_at = static_cast<std::uint32_t>(at - base);
    entry.value_size = static_cast<std::uint32_t>(size);
    return copy_parts(at, parts);
  }
  [[gnu::always_inline]] void add_entry(const Entry& entry, std::uint64_t bit, std::size_t used) {
    entries_.push_back(entry);
    key_bits_ |= bit;
    used_ = used;
  }

  static constexpr std::size_t kFirstRoom = 128;

  std::unique_ptr<char[]> bytes_;  // MessagePack keys and values: [0, used_) of room_
  std::size_t used_ = 0;
  std::size_t room_ = 0;
  std::vector<Entry> entries_;  // in insertion order
  std::uint64_t key_bits_ = 0;  // key_bit() of every key
  bool packed_ = true;          // bytes_ holds the entries' pairs in order and nothing else
};

}  // namespace srelab::telemetry
