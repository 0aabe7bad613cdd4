// A small MessagePack decoder into a value tree that remembers each value's wire format, so
// tests (and later a test trace receiver) can assert not only what was sent but how: a strict
// receiver wants ids as uint64 (0xcf), times as int64 (0xd3), error as int32 (0xd2), metrics as
// float64 (0xcb). Not for hot paths: it copies strings and allocates per container.
// Unsupported: ext types (0xc7–0xc9, 0xd4–0xd8), which the trace payload never uses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/errc.hpp"

namespace srelab::telemetry {

// The format family of the leading byte, as the encoder chose it.
enum class MsgpackWire : std::uint8_t {
  nil,
  boolean,
  positive_fixint,
  negative_fixint,
  uint8,
  uint16,
  uint32,
  uint64,
  int8,
  int16,
  int32,
  int64,
  float32,
  float64,
  fixstr,
  str8,
  str16,
  str32,
  bin8,
  bin16,
  bin32,
  fixarray,
  array16,
  array32,
  fixmap,
  map16,
  map32,
};

std::string_view to_string(MsgpackWire wire);

struct MsgpackEntry;

struct MsgpackValue {
  using Array = std::vector<MsgpackValue>;
  using Map = std::vector<MsgpackEntry>;  // in wire order, duplicates kept

  MsgpackWire wire = MsgpackWire::nil;
  // Unsigned formats and positive fixint decode to uint64; signed formats and negative fixint
  // to int64; float32/float64 to double; str and bin to std::string.
  std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string, Array, Map>
      data;

  bool is_map() const { return std::holds_alternative<Map>(data); }
  bool is_array() const { return std::holds_alternative<Array>(data); }
  bool is_string() const { return std::holds_alternative<std::string>(data); }
  const Map& map() const { return std::get<Map>(data); }
  const Array& array() const { return std::get<Array>(data); }
  const std::string& str() const { return std::get<std::string>(data); }
  // The value of the first entry whose key is the string `key`, or nullptr (also when not a map).
  const MsgpackValue* find(std::string_view key) const;
};

struct MsgpackEntry {
  MsgpackValue key;
  MsgpackValue value;
};

// Decodes exactly one value that spans all of `bytes`. errc::protocol_error on truncation,
// trailing bytes, an unsupported format, or nesting deeper than 64.
result<MsgpackValue> msgpack_decode(std::string_view bytes);

}  // namespace srelab::telemetry
