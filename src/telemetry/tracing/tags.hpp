// A span's meta (text) or metrics (numbers): keys in the order they were first set, each once.
// A span carries a dozen tags, set once and read once, so a vector searched from the front is
// the simplest map that fits, and the cheapest: one allocation a span where a std::map made one
// a tag (with std::map, tags took ~11,000 of a cache hit's ~19,000 tracing instructions;
// callgrind on the trace-path benchmark). The part of std::map's interface spans use.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace srelab::telemetry {

template <class V>
class Tags {
 public:
  using value_type = std::pair<std::string, V>;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  // Replaces the value of `key`, or adds it at the end.
  template <class Value>
  void set(std::string_view key, Value&& value) {
    if (auto found = find_in(entries_, key); found != entries_.end()) {
      found->second = std::forward<Value>(value);
      return;
    }
    if (entries_.empty()) entries_.reserve(kTypicalCount);
    entries_.emplace_back(std::string(key), std::forward<Value>(value));
  }

  // Removes `key` when it is there; the others keep their order.
  void erase(std::string_view key) {
    if (auto found = find_in(entries_, key); found != entries_.end()) entries_.erase(found);
  }

  const_iterator find(std::string_view key) const { return find_in(entries_, key); }
  bool contains(std::string_view key) const { return find(key) != end(); }
  const V& at(std::string_view key) const {
    const auto found = find(key);
    if (found == end()) throw std::out_of_range("no tag " + std::string(key));
    return found->second;
  }

  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }

  // The same tags with the same values, in any order.
  friend bool operator==(const Tags& a, const Tags& b) {
    return a.size() == b.size() && std::all_of(a.begin(), a.end(), [&b](const value_type& entry) {
             const auto found = b.find(entry.first);
             return found != b.end() && found->second == entry.second;
           });
  }

 private:
  static constexpr std::size_t kTypicalCount = 12;

  // One search for both constnesses: an iterator into `entries`, whichever kind it is.
  template <class Entries>
  static auto find_in(Entries& entries, std::string_view key) {
    return std::find_if(entries.begin(), entries.end(),
                        [key](const value_type& entry) { return entry.first == key; });
  }

  std::vector<value_type> entries_;
};

}  // namespace srelab::telemetry
