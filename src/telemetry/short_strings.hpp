// Copying and comparing the short strings spans are made of (tag keys and values, names: most
// under 32 bytes) without a call to memcpy or memcmp for each: a traced request copies a few
// dozen of them when it tags its spans and again when it encodes them, and compares keys to
// find a tag, and for such sizes the call and its dispatch cost more than the work. Two loads
// of a fixed width that overlap in the middle cover any length between that width and twice
// it; longer strings go to memcpy and memcmp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

namespace srelab::telemetry {

namespace short_strings_detail {
template <std::size_t Width>
struct Block {
  char bytes[Width];
};
// Width <= n <= 2 * Width.
template <std::size_t Width>
inline void copy_overlapping(char* to, const char* from, std::size_t n) {
  Block<Width> head;
  Block<Width> tail;
  std::memcpy(&head, from, Width);
  std::memcpy(&tail, from + n - Width, Width);
  std::memcpy(to, &head, Width);
  std::memcpy(to + n - Width, &tail, Width);
}
template <class Word>
inline Word load(const char* from) {
  Word word;
  std::memcpy(&word, from, sizeof word);
  return word;
}
// sizeof(Word) <= n <= 2 * sizeof(Word).
template <class Word>
inline bool same_overlapping(const char* a, const char* b, std::size_t n) {
  constexpr std::size_t kWidth = sizeof(Word);
  return load<Word>(a) == load<Word>(b) && load<Word>(a + n - kWidth) == load<Word>(b + n - kWidth);
}
}  // namespace short_strings_detail

[[gnu::always_inline]] inline void copy_bytes(char* to, const char* from, std::size_t n) {
  using short_strings_detail::copy_overlapping;
  if (n >= 16) {
    if (n <= 32) {
      copy_overlapping<16>(to, from, n);
    } else {
      std::memcpy(to, from, n);
    }
  } else if (n >= 8) {
    copy_overlapping<8>(to, from, n);
  } else if (n >= 4) {
    copy_overlapping<4>(to, from, n);
  } else if (n != 0) {
    // 1 to 3 bytes: the first, the middle and the last.
    const char first = from[0];
    const char middle = from[n / 2];
    const char last = from[n - 1];
    to[0] = first;
    to[n / 2] = middle;
    to[n - 1] = last;
  }
}

// The parts (string_views) copied one after the other to `at`; returns their end.
template <class Parts>
[[gnu::always_inline]] inline char* copy_parts(char* at, const Parts& parts) {
  for (std::string_view part : parts) {
    copy_bytes(at, part.data(), part.size());
    at += part.size();
  }
  return at;
}

// `to` becomes the parts, one after the other: a recycled string of the same size (a span's
// name, service or resource, set again on every trace) is only copied over, with no call.
inline void assign_bytes(std::string& to, std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  to.resize(size);
  copy_parts(to.data(), parts);
}

// The n bytes at a and b are the same.
inline bool same_bytes(const char* a, const char* b, std::size_t n) {
  using short_strings_detail::same_overlapping;
  if (n >= 8) return n <= 16 ? same_overlapping<std::uint64_t>(a, b, n) : std::memcmp(a, b, n) == 0;
  if (n >= 4) return same_overlapping<std::uint32_t>(a, b, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace srelab::telemetry
