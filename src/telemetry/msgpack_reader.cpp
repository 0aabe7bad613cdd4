#include "telemetry/msgpack_reader.hpp"

#include <bit>
#include <cstddef>
#include <optional>
#include <utility>

namespace srelab::telemetry {
namespace {

constexpr int kMaxDepth = 64;

class Decoder {
 public:
  explicit Decoder(std::string_view bytes) : bytes_(bytes) {}

  std::optional<MsgpackValue> value(int depth) {
    if (depth > kMaxDepth) return std::nullopt;
    auto lead = byte();
    if (!lead) return std::nullopt;
    const std::uint8_t b = *lead;
    if (b <= 0x7f) return make(MsgpackWire::positive_fixint, std::uint64_t{b});
    if (b >= 0xe0) {
      return make(MsgpackWire::negative_fixint, std::int64_t{static_cast<std::int8_t>(b)});
    }
    if ((b & 0xf0) == 0x80) return map(MsgpackWire::fixmap, b & 0x0f, depth);
    if ((b & 0xf0) == 0x90) return array(MsgpackWire::fixarray, b & 0x0f, depth);
    if ((b & 0xe0) == 0xa0) return text(MsgpackWire::fixstr, b & 0x1f);
    switch (b) {
      case 0xc0:
        return make(MsgpackWire::nil, std::monostate{});
      case 0xc2:
        return make(MsgpackWire::boolean, false);
      case 0xc3:
        return make(MsgpackWire::boolean, true);
      case 0xc4:
        return sized_text(MsgpackWire::bin8, 1);
      case 0xc5:
        return sized_text(MsgpackWire::bin16, 2);
      case 0xc6:
        return sized_text(MsgpackWire::bin32, 4);
      case 0xca: {
        auto raw = big_endian(4);
        if (!raw) return std::nullopt;
        return make(MsgpackWire::float32,
                    double{std::bit_cast<float>(static_cast<std::uint32_t>(*raw))});
      }
      case 0xcb: {
        auto raw = big_endian(8);
        if (!raw) return std::nullopt;
        return make(MsgpackWire::float64, std::bit_cast<double>(*raw));
      }
      case 0xcc:
        return unsigned_int(MsgpackWire::uint8, 1);
      case 0xcd:
        return unsigned_int(MsgpackWire::uint16, 2);
      case 0xce:
        return unsigned_int(MsgpackWire::uint32, 4);
      case 0xcf:
        return unsigned_int(MsgpackWire::uint64, 8);
      case 0xd0:
        return signed_int(MsgpackWire::int8, 1);
      case 0xd1:
        return signed_int(MsgpackWire::int16, 2);
      case 0xd2:
        return signed_int(MsgpackWire::int32, 4);
      case 0xd3:
        return signed_int(MsgpackWire::int64, 8);
      case 0xd9:
        return sized_text(MsgpackWire::str8, 1);
      case 0xda:
        return sized_text(MsgpackWire::str16, 2);
      case 0xdb:
        return sized_text(MsgpackWire::str32, 4);
      case 0xdc:
      case 0xdd: {
        auto count = big_endian(b == 0xdc ? 2 : 4);
        if (!count) return std::nullopt;
        return array(b == 0xdc ? MsgpackWire::array16 : MsgpackWire::array32, *count, depth);
      }
      case 0xde:
      case 0xdf: {
        auto count = big_endian(b == 0xde ? 2 : 4);
        if (!count) return std::nullopt;
        return map(b == 0xde ? MsgpackWire::map16 : MsgpackWire::map32, *count, depth);
      }
      default:
        return std::nullopt;  // ext types and the never-used 0xc1
    }
  }

  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  template <class T>
  static MsgpackValue make(MsgpackWire wire, T data) {
    MsgpackValue v;
    v.wire = wire;
    v.data = std::move(data);
    return v;
  }

  std::optional<std::uint8_t> byte() {
    if (pos_ >= bytes_.size()) return std::nullopt;
    return static_cast<std::uint8_t>(bytes_[pos_++]);
  }

  std::optional<std::uint64_t> big_endian(int count) {
    if (bytes_.size() - pos_ < static_cast<std::size_t>(count)) return std::nullopt;
    std::uint64_t v = 0;
    for (int i = 0; i < count; ++i) v = (v << 8) | static_cast<std::uint8_t>(bytes_[pos_++]);
    return v;
  }

  std::optional<MsgpackValue> unsigned_int(MsgpackWire wire, int count) {
    auto v = big_endian(count);
    if (!v) return std::nullopt;
    return make(wire, *v);
  }

  std::optional<MsgpackValue> signed_int(MsgpackWire wire, int count) {
    auto v = big_endian(count);
    if (!v) return std::nullopt;
    // Sign-extend from `count` bytes.
    const int shift = 64 - 8 * count;
    const auto extended = static_cast<std::int64_t>(*v << shift) >> shift;
    return make(wire, extended);
  }

  std::optional<MsgpackValue> text(MsgpackWire wire, std::uint64_t size) {
    if (bytes_.size() - pos_ < size) return std::nullopt;
    std::string s(bytes_.substr(pos_, size));
    pos_ += size;
    return make(wire, std::move(s));
  }

  std::optional<MsgpackValue> sized_text(MsgpackWire wire, int length_bytes) {
    auto size = big_endian(length_bytes);
    if (!size) return std::nullopt;
    return text(wire, *size);
  }

  std::optional<MsgpackValue> array(MsgpackWire wire, std::uint64_t count, int depth) {
    // Every element takes at least one byte: a count beyond what is left is a lie, and
    // reserving for it would let a 5-byte input allocate gigabytes.
    if (count > bytes_.size() - pos_) return std::nullopt;
    MsgpackValue::Array items;
    items.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
      auto item = value(depth + 1);
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
    }
    return make(wire, std::move(items));
  }

  std::optional<MsgpackValue> map(MsgpackWire wire, std::uint64_t count, int depth) {
    if (count > (bytes_.size() - pos_) / 2) return std::nullopt;
    MsgpackValue::Map entries;
    entries.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
      auto key = value(depth + 1);
      if (!key) return std::nullopt;
      auto val = value(depth + 1);
      if (!val) return std::nullopt;
      entries.push_back(MsgpackEntry{std::move(*key), std::move(*val)});
    }
    return make(wire, std::move(entries));
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

const MsgpackValue* MsgpackValue::find(std::string_view key) const {
  if (!is_map()) return nullptr;
  for (const auto& entry : map()) {
    if (entry.key.is_string() && entry.key.str() == key) return &entry.value;
  }
  return nullptr;
}

result<MsgpackValue> msgpack_decode(std::string_view bytes) {
  Decoder decoder(bytes);
  auto v = decoder.value(0);
  if (!v || !decoder.at_end()) return errc::protocol_error;
  return std::move(*v);
}

std::string_view to_string(MsgpackWire wire) {
  switch (wire) {
    case MsgpackWire::nil:
      return "nil";
    case MsgpackWire::boolean:
      return "bool";
    case MsgpackWire::positive_fixint:
      return "positive_fixint";
    case MsgpackWire::negative_fixint:
      return "negative_fixint";
    case MsgpackWire::uint8:
      return "uint8";
    case MsgpackWire::uint16:
      return "uint16";
    case MsgpackWire::uint32:
      return "uint32";
    case MsgpackWire::uint64:
      return "uint64";
    case MsgpackWire::int8:
      return "int8";
    case MsgpackWire::int16:
      return "int16";
    case MsgpackWire::int32:
      return "int32";
    case MsgpackWire::int64:
      return "int64";
    case MsgpackWire::float32:
      return "float32";
    case MsgpackWire::float64:
      return "float64";
    case MsgpackWire::fixstr:
      return "fixstr";
    case MsgpackWire::str8:
      return "str8";
    case MsgpackWire::str16:
      return "str16";
    case MsgpackWire::str32:
      return "str32";
    case MsgpackWire::bin8:
      return "bin8";
    case MsgpackWire::bin16:
      return "bin16";
    case MsgpackWire::bin32:
      return "bin32";
    case MsgpackWire::fixarray:
      return "fixarray";
    case MsgpackWire::array16:
      return "array16";
    case MsgpackWire::array32:
      return "array32";
    case MsgpackWire::fixmap:
      return "fixmap";
    case MsgpackWire::map16:
      return "map16";
    case MsgpackWire::map32:
      return "map32";
  }
  return "unknown";
}

}  // namespace srelab::telemetry
