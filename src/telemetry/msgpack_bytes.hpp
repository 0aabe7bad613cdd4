// A hand-written MessagePack encoder, just enough for the Datadog v0.4 trace payload
// (datadog_payload.hpp): containers and strings take the smallest header that fits, while the
// numbers are written with the exact format the caller names, because a strict receiver checks
// wire types (uint64 ids, int64 times, int32 error, float64 metrics), not only values.
// (msgpack-cxx is not usable here: Debian's package conflicts with Boost 1.81.)
// It runs on the request thread for every traced request, so each value is one bounds check and
// a copy into room the writer grew ahead (the target string is sized up in steps and cut back
// to what was written when the writer is done or the bytes are read).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace srelab::telemetry {

class MsgpackWriter {
 public:
  // Writes into its own buffer (bytes(), take()).
  MsgpackWriter() : out_(&own_), start_(0), size_(0) {}
  // Appends to `target`, which must outlive the writer; it holds exactly what was written once
  // the writer is gone.
  explicit MsgpackWriter(std::string& target)
      : out_(&target), start_(target.size()), size_(target.size()) {}
  MsgpackWriter(const MsgpackWriter&) = delete;
  MsgpackWriter& operator=(const MsgpackWriter&) = delete;
  ~MsgpackWriter() { settle(); }

  // fixmap (< 16), map16 (< 65536), else map32; followed by `count` key/value pairs.
  void map_header(std::uint32_t count) { container_header(count, 0x80, 0xde, 0xdf); }
  // fixarray (< 16), array16 (< 65536), else array32; followed by `count` values.
  void array_header(std::uint32_t count) { container_header(count, 0x90, 0xdc, 0xdd); }
  // fixstr (< 32 bytes), str8 (< 256), str16 (< 65536), else str32. Bytes are copied as given.
  void string(std::string_view value) {
    const std::size_t size = value.size();
    if (size < 32) {
      char* at = room(1 + size);
      *at = static_cast<char>(0xa0 | size);
      if (size != 0) std::memcpy(at + 1, value.data(), size);
      return;
    }
    if (size < 256) {
      tagged(0xd9, size, 1);
    } else if (size < 65536) {
      tagged(0xda, size, 2);
    } else {
      tagged(0xdb, size, 4);  // callers never come near 4 GiB; the payload is capped far below
    }
    std::memcpy(room(size), value.data(), size);
  }
  // A short literal (a map key): the same bytes as string(), copied with a size known when
  // compiling (no call per key).
  template <std::size_t N>
  void literal(const char (&text)[N]) {
    static_assert(N >= 1 && N - 1 < 32, "a fixstr literal");
    char* at = room(N);
    *at = static_cast<char>(0xa0 | (N - 1));
    std::memcpy(at + 1, text, N - 1);
  }
  void uint64(std::uint64_t value) { tagged(0xcf, value, 8); }  // always 0xcf + 8 bytes
  void int64(std::int64_t value) {                              // always 0xd3 + 8 bytes
    tagged(0xd3, static_cast<std::uint64_t>(value), 8);
  }
  void int32(std::int32_t value) {  // always 0xd2 + 4 bytes
    tagged(0xd2, static_cast<std::uint32_t>(value), 4);
  }
  void float64(double value) {  // always 0xcb + 8 bytes
    tagged(0xcb, std::bit_cast<std::uint64_t>(value), 8);
  }
  void boolean(bool value) { *room(1) = static_cast<char>(value ? 0xc3 : 0xc2); }  // 0xc3 / 0xc2
  void nil() { *room(1) = static_cast<char>(0xc0); }                               // 0xc0

  const std::string& bytes() {
    settle();
    return *out_;
  }
  std::string take() {
    settle();
    return std::move(*out_);
  }

 private:
  // `count` bytes to write at, growing the target ahead when it has fewer left.
  char* room(std::size_t count) {
    if (out_->size() - size_ < count) grow(count);
    char* at = out_->data() + size_;
    size_ += count;
    return at;
  }
  void grow(std::size_t count);
  // The target cut back to what was written.
  void settle() { out_->resize(size_); }

  // A format byte and `byte_count` big-endian bytes of `value`.
  void tagged(std::uint8_t code, std::uint64_t value, int byte_count) {
    char* at = room(1 + static_cast<std::size_t>(byte_count));
    at[0] = static_cast<char>(code);
    for (int i = 0; i < byte_count; ++i)
      at[1 + i] = static_cast<char>((value >> ((byte_count - 1 - i) * 8)) & 0xff);
  }
  void container_header(std::uint32_t count, std::uint8_t fix_base, std::uint8_t code16,
                        std::uint8_t code32) {
    if (count < 16) {
      *room(1) = static_cast<char>(fix_base | count);
    } else if (count < 65536) {
      tagged(code16, count, 2);
    } else {
      tagged(code32, count, 4);
    }
  }

  std::string own_;
  std::string* out_;
  std::size_t start_;  // the target's size when the writer took it
  std::size_t size_;   // the target's bytes so far (it may be longer: room grown ahead)
};

}  // namespace srelab::telemetry
