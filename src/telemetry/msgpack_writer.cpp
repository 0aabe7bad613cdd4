#include "telemetry/msgpack_writer.hpp"

#include <bit>
#include <utility>

namespace srelab::telemetry {

void MsgpackWriter::big_endian(std::uint64_t value, int byte_count) {
  for (int shift = (byte_count - 1) * 8; shift >= 0; shift -= 8) {
    out_.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void MsgpackWriter::container_header(std::uint32_t count, std::uint8_t fix_base,
                                     std::uint8_t code16, std::uint8_t code32) {
  if (count < 16) {
    out_.push_back(static_cast<char>(fix_base | count));
  } else if (count < 65536) {
    out_.push_back(static_cast<char>(code16));
    big_endian(count, 2);
  } else {
    out_.push_back(static_cast<char>(code32));
    big_endian(count, 4);
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
    out_.push_back(static_cast<char>(0xa0 | size));
  } else if (size < 256) {
    out_.push_back(static_cast<char>(0xd9));
    big_endian(size, 1);
  } else if (size < 65536) {
    out_.push_back(static_cast<char>(0xda));
    big_endian(size, 2);
  } else {
    out_.push_back(static_cast<char>(0xdb));
    big_endian(size, 4);  // callers never come near 4 GiB; the payload is capped far below
  }
  out_.append(value);
}

void MsgpackWriter::uint64(std::uint64_t value) {
  out_.push_back(static_cast<char>(0xcf));
  big_endian(value, 8);
}

void MsgpackWriter::int64(std::int64_t value) {
  out_.push_back(static_cast<char>(0xd3));
  big_endian(static_cast<std::uint64_t>(value), 8);
}

void MsgpackWriter::int32(std::int32_t value) {
  out_.push_back(static_cast<char>(0xd2));
  big_endian(static_cast<std::uint32_t>(value), 4);
}

void MsgpackWriter::float64(double value) {
  out_.push_back(static_cast<char>(0xcb));
  big_endian(std::bit_cast<std::uint64_t>(value), 8);
}

void MsgpackWriter::boolean(bool value) {
  out_.push_back(static_cast<char>(value ? 0xc3 : 0xc2));
}

void MsgpackWriter::nil() {
  out_.push_back(static_cast<char>(0xc0));
}

}  // namespace srelab::telemetry
