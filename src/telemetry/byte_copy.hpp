// Copying the short strings spans are made of (tag keys and values, names: most under 32
// bytes) without a call to memcpy for each: a traced request copies a few dozen of them when it
// tags its spans and again when it encodes them, and for such sizes the call and its dispatch
// cost more than the copy. Two loads and two stores of a fixed width that overlap in the middle
// cover any length between that width and twice it; longer strings go to memcpy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace srelab::telemetry {

namespace byte_copy_detail {
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
}  // namespace byte_copy_detail

inline void copy_bytes(char* to, const char* from, std::size_t n) {
  using byte_copy_detail::copy_overlapping;
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

}  // namespace srelab::telemetry
