// The meta (string → string) and metrics (string → double) of a span: a small map kept as a
// vector sorted by key. A span has a dozen tags at most, set once and read once, so a sorted
// vector costs one allocation where a std::map costs one per tag, and iterates in the same key
// order. The part of std::map's interface that spans use: find/at/contains/insert_or_assign,
// iteration over pair<string, V> (`first`, `second`), size/empty/clear.
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

  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void clear() { items_.clear(); }
  void reserve(std::size_t count) { items_.reserve(count); }

  const_iterator find(std::string_view key) const {
    auto found = lower_bound(key);
    return found != items_.end() && found->first == key ? found : items_.end();
  }
  iterator find(std::string_view key) {
    auto found = lower_bound(key);
    return found != items_.end() && found->first == key ? found : items_.end();
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
    if (items_.capacity() == 0) items_.reserve(kFirstCapacity);  // before taking a position
    auto position = lower_bound(key);
    if (position == items_.end() || position->first != key)
      position = items_.emplace(position, std::string(key), V{});
    return position->second;
  }

  friend bool operator==(const TagMap&, const TagMap&) = default;

 private:
  static constexpr std::size_t kFirstCapacity = 8;

  const_iterator lower_bound(std::string_view key) const {
    return std::lower_bound(
        items_.begin(), items_.end(), key,
        [](const value_type& item, std::string_view k) { return item.first < k; });
  }
  iterator lower_bound(std::string_view key) {
    return std::lower_bound(
        items_.begin(), items_.end(), key,
        [](const value_type& item, std::string_view k) { return item.first < k; });
  }

  std::vector<value_type> items_;
};

}  // namespace srelab::telemetry
