#include "telemetry/msgpack_writer.hpp"

#include <bit>
#include <utility>

namespace srelab::telemetry {

void MsgpackWriter::tagged(std::uint8_t code, std::uint64_t value, int byte_count) {
  char bytes[9];
  bytes[0] = static_cast<char>(code);
  for (int i = 0; i < byte_count; ++i)
    bytes[1 + i] = static_cast<char>((value >> ((byte_count - 1 - i) * 8)) & 0xff);
  out_->append(bytes, static_cast<std::size_t>(byte_count) + 1);
}

void MsgpackWriter::container_header(std::uint32_t count, std::uint8_t fix_base,
                                     std::uint8_t code16, std::uint8_t code32) {
  if (count < 16) {
    out_->push_back(static_cast<char>(fix_base | count));
  } else if (count < 65536) {
    tagged(code16, count, 2);
  } else {
    tagged(code32, count, 4);
  }
}

void MsgpackWriter::map_header(std::uint32_t count) {
  container_header(count, 0x80, 0xde, 0xdf);
}

void MsgpackWriter::array_header(std::uint32_t count) {
  container_header(count, 0x90, 0xdc, 0xdd);
}

void MsgpackWriter::string(std::string_view value) {
  const std::size_t size = value.size();
  if (size < 32) {
    out_->push_back(static_cast<char>(0xa0 | size));
  } else if (size < 256) {
    tagged(0xd9, size, 1);
  } else if (size < 65536) {
    tagged(0xda, size, 2);
  } else {
    tagged(0xdb, size, 4);  // callers never come near 4 GiB; the payload is capped far below
  }
  out_->append(value);
}

void MsgpackWriter::uint64(std::uint64_t value) {
  tagged(0xcf, value, 8);
}

void MsgpackWriter::int64(std::int64_t value) {
  tagged(0xd3, static_cast<std::uint64_t>(value), 8);
}

void MsgpackWriter::int32(std::int32_t value) {
  tagged(0xd2, static_cast<std::uint32_t>(value), 4);
}

void MsgpackWriter::float64(double value) {
  tagged(0xcb, std::bit_cast<std::uint64_t>(value), 8);
}

void MsgpackWriter::boolean(bool value) {
  out_->push_back(static_cast<char>(value ? 0xc3 : 0xc2));
}

void MsgpackWriter::nil() {
  out_->push_back(static_cast<char>(0xc0));
}

}  // namespace srelab::telemetry
