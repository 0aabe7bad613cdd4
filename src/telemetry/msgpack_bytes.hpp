// A hand-written MessagePack encoder, just enough for the Datadog v0.4 trace payload
// (datadog_payload.hpp): containers and strings take the smallest header that fits, while the
// numbers are written with the exact format the caller names, because a strict receiver checks
// wire types (uint64 ids, int64 times, int32 error, float64 metrics), not only values.
// (msgpack-cxx is not usable here: Debian's package conflicts with Boost 1.81.)
// It runs on the request thread for every traced request, so it is a set of put_* functions on
// a raw cursor: the caller bounds a record's bytes first (the *_size constants: a string is its
// bytes and a header of at most kMaxHeaderSize), makes room once and writes through a local
// pointer — no bounds check per value, and a cursor the compiler keeps in a register (a writer
// object's member would be reloaded after every store through char*, which may alias it).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "telemetry/short_strings.hpp"

namespace srelab::telemetry {

namespace msgpack_bytes {

// Bytes a value takes, header included.
constexpr std::size_t container_size(std::uint32_t count) {
  return count < 16 ? 1 : count < 65536 ? 3 : 5;
}
template <std::size_t N>
constexpr std::size_t literal_size(const char (&)[N]) {
  return N;  // the fixstr byte and N - 1 characters
}
inline constexpr std::size_t kMaxHeaderSize = 5;  // a str32, array32 or map32 header
inline constexpr std::size_t kFixed64Size = 9;
inline constexpr std::size_t kFixed32Size = 5;

// A format byte and the big-endian bytes of a fixed-width number (one byte swap, one copy).
template <class Unsigned>
char* put_fixed(char* at, std::uint8_t code, Unsigned value) {
  if constexpr (std::endian::native == std::endian::little) {
    if constexpr (sizeof(Unsigned) == 8) {
      value = __builtin_bswap64(value);
    } else if constexpr (sizeof(Unsigned) == 4) {
      value = __builtin_bswap32(value);
    } else {
      value = __builtin_bswap16(value);
    }
  }
  at[0] = static_cast<char>(code);
  std::memcpy(at + 1, &value, sizeof(Unsigned));
  return at + 1 + sizeof(Unsigned);
}
inline char* put_container(char* at, std::uint32_t count, std::uint8_t fix_base,
                           std::uint8_t code16, std::uint8_t code32) {
  if (count < 16) {
    *at = static_cast<char>(fix_base | count);
    return at + 1;
  }
  if (count < 65536) return put_fixed(at, code16, static_cast<std::uint16_t>(count));
  return put_fixed(at, code32, count);
}
// fixmap (< 16), map16 (< 65536), else map32; followed by `count` key/value pairs.
inline char* put_map_header(char* at, std::uint32_t count) {
  return put_container(at, count, 0x80, 0xde, 0xdf);
}
// fixarray (< 16), array16 (< 65536), else array32; followed by `count` values.
inline char* put_array_header(char* at, std::uint32_t count) {
  return put_container(at, count, 0x90, 0xdc, 0xdd);
}
// The header of a string of `size` bytes: fixstr (< 32 bytes), str8 (< 256), str16 (< 65536),
// else str32.
constexpr std::size_t string_header_size(std::size_t size) {
  return size < 32 ? 1 : size < 256 ? 2 : size < 65536 ? 3 : 5;
}
[[gnu::always_inline]] inline char* put_string_header(char* at, std::size_t size) {
  if (size < 32) {
    *at = static_cast<char>(0xa0 | size);
    return at + 1;
  }
  if (size < 256) {
    at[0] = static_cast<char>(0xd9);
    at[1] = static_cast<char>(size);
    return at + 2;
  }
  if (size < 65536) return put_fixed(at, 0xda, static_cast<std::uint16_t>(size));
  // Callers never come near 4 GiB; the payload is capped far below.
  return put_fixed(at, 0xdb, static_cast<std::uint32_t>(size));
}
// A string: its header, then its bytes as given.
inline char* put_string(char* at, std::string_view value) {
  at = put_string_header(at, value.size());
  copy_bytes(at, value.data(), value.size());
  return at + value.size();
}
// A short literal (a map key): the same bytes as put_string, with a size known when compiling
// (a copy of N bytes, no call).
template <std::size_t N>
char* put_literal(char* at, const char (&text)[N]) {
  static_assert(N >= 1 && N - 1 < 32, "a fixstr literal");
  *at = static_cast<char>(0xa0 | (N - 1));
  std::memcpy(at + 1, text, N - 1);
  return at + N;
}
// Bytes already in MessagePack form (a tag map's packed pairs).
inline char* put_bytes(char* at, std::string_view encoded) {
  if (!encoded.empty()) std::memcpy(at, encoded.data(), encoded.size());
  return at + encoded.size();
}
inline char* put_uint64(char* at, std::uint64_t value) {  // always 0xcf + 8 bytes
  return put_fixed(at, 0xcf, value);
}
inline char* put_int64(char* at, std::int64_t value) {  // always 0xd3 + 8 bytes
  return put_fixed(at, 0xd3, static_cast<std::uint64_t>(value));
}
inline char* put_int32(char* at, std::int32_t value) {  // always 0xd2 + 4 bytes
  return put_fixed(at, 0xd2, static_cast<std::uint32_t>(value));
}
inline char* put_float64(char* at, double value) {  // always 0xcb + 8 bytes
  return put_fixed(at, 0xcb, std::bit_cast<std::uint64_t>(value));
}

}  // namespace msgpack_bytes

}  // namespace srelab::telemetry
