// The meta (string → string) and metrics (string → double) of a span: a small map kept as a
// vector in the order keys were first set. A span has a dozen tags at most, set once and read
// once: a lookup is a scan that compares lengths before bytes, an insertion an append, and the
// whole map one allocation where a std::map costs one per tag. The part of std::map's interface
// that spans use: find/at/contains/insert_or_assign, iteration over pair<string, V> (`first`,
// `second`; insertion order, not key order), size/empty/clear; == ignores the order.
// clear() keeps the entries' strings (only the count drops), so a map that the tracer reuses for
// the next span refills them without allocating: the hot path of a traced request.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace srelab::telemetry {

template <class V>
class TagMap {
 public:
  using value_type = std::pair<std::string, V>;
  using const_iterator = typename std::vector<value_type>::const_iterator;
  using iterator = typename std::vector<value_type>::iterator;

  TagMap() = default;
  // A copy holds only the live entries (and no spare ones).
  TagMap(const TagMap& other) : items_(other.begin(), other.end()), size_(other.size_) {}
  TagMap& operator=(const TagMap& other) {
    if (this != &other) {
      items_.assign(other.begin(), other.end());
      size_ = other.size_;
    }
    return *this;
  }
  TagMap(TagMap&& other) noexcept
      : items_(std::move(other.items_)), size_(std::exchange(other.size_, 0)) {}
  TagMap& operator=(TagMap&& other) noexcept {
    items_ = std::move(other.items_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }

  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.begin() + static_cast<std::ptrdiff_t>(size_); }
  iterator begin() { return items_.begin(); }
  iterator end() { return items_.begin() + static_cast<std::ptrdiff_t>(size_); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  void reserve(std::size_t count) { items_.reserve(count); }
  // Bytes held beyond the entries themselves (strings' capacity): for callers that bound memory.
  std::size_t retained_bytes() const {
    std::size_t bytes = items_.capacity() * sizeof(value_type);
    for (const auto& item : items_) bytes += item.first.capacity() + extra_capacity(item.second);
    return bytes;
  }

  const_iterator find(std::string_view key) const {
    return std::find_if(begin(), end(), [key](const value_type& item) { return same(item, key); });
  }
  iterator find(std::string_view key) {
    return std::find_if(begin(), end(), [key](const value_type& item) { return same(item, key); });
  }
  bool contains(std::string_view key) const { return find(key) != end(); }
  const V& at(std::string_view key) const {
    auto found = find(key);
    if (found == end()) throw std::out_of_range("no tag " + std::string(key));
    return found->second;
  }

  template <class Value>
  void insert_or_assign(std::string_view key, Value&& value) {
    (*this)[key] = std::forward<Value>(value);
  }

  // The value for `key`, inserted default-constructed when absent.
  V& operator[](std::string_view key) {
    if (auto found = find(key); found != end()) return found->second;
    if (size_ == items_.size()) {
      if (items_.capacity() == 0) items_.reserve(kFirstCapacity);
      items_.emplace_back();
    }
    // The first spare entry takes the key (its string keeps its capacity).
    value_type& spare = items_[size_++];
    spare.first.assign(key);
    reset(spare.second);
    return spare.second;
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

  static std::size_t extra_capacity(const std::string& value) { return value.capacity(); }
  static std::size_t extra_capacity(double) { return 0; }
  static void reset(std::string& value) { value.clear(); }  // keeps the capacity
  static void reset(double& value) { value = 0; }
  static bool same(const value_type& item, std::string_view key) {
    return item.first.size() == key.size() && std::string_view(item.first) == key;
  }

  std::vector<value_type> items_;  // [0, size_) live, in insertion order; the rest spare
  std::size_t size_ = 0;
};

}  // namespace srelab::telemetry
