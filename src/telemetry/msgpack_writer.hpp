// A hand-written MessagePack encoder, just enough for the Datadog v0.4 trace payload
// (datadog_payload.hpp): containers and strings take the smallest header that fits, while the
// numbers are written with the exact format the caller names, because a strict receiver checks
// wire types (uint64 ids, int64 times, int32 error, float64 metrics), not only values.
// (msgpack-cxx is not usable here: Debian's package conflicts with Boost 1.81.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace srelab::telemetry {

class MsgpackWriter {
 public:
  // Writes into its own buffer (bytes(), take()).
  MsgpackWriter() : out_(&own_) {}
  // Appends to `target`, which must outlive the writer (no intermediate copy).
  explicit MsgpackWriter(std::string& target) : out_(&target) {}
  MsgpackWriter(const MsgpackWriter&) = delete;
  MsgpackWriter& operator=(const MsgpackWriter&) = delete;

  // fixmap (< 16), map16 (< 65536), else map32; followed by `count` key/value pairs.
  void map_header(std::uint32_t count);
  // fixarray (< 16), array16 (< 65536), else array32; followed by `count` values.
  void array_header(std::uint32_t count);
  // fixstr (< 32 bytes), str8 (< 256), str16 (< 65536), else str32. Bytes are copied as given.
  void string(std::string_view value);
  void uint64(std::uint64_t value);  // always 0xcf + 8 bytes
  void int64(std::int64_t value);    // always 0xd3 + 8 bytes
  void int32(std::int32_t value);    // always 0xd2 + 4 bytes
  void float64(double value);        // always 0xcb + 8 bytes
  void boolean(bool value);          // 0xc3 / 0xc2
  void nil();                        // 0xc0

  const std::string& bytes() const { return *out_; }
  std::string take() { return std::move(*out_); }

 private:
  // A format byte and `byte_count` big-endian bytes of `value`, in one append.
  void tagged(std::uint8_t code, std::uint64_t value, int byte_count);
  void container_header(std::uint32_t count, std::uint8_t fix_base, std::uint8_t code16,
                        std::uint8_t code32);

  std::string own_;
  std::string* out_;
};

}  // namespace srelab::telemetry
