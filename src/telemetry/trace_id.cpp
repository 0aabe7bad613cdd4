#include "telemetry/trace_id.hpp"

#include <bit>
#include <charconv>
#include <cstring>
#include <string_view>

namespace srelab::telemetry {

TraceId generate_trace_id(Random& random) {
  TraceId id;
  id.high = random.next();
  do {
    id.low = random.next();
  } while (id.low == 0);
  return id;
}

SpanId generate_span_id(Random& random) {
  SpanId id = 0;
  while (id == 0) id = random.next();
  return id;
}

namespace {

// Ids are written on every traced request (the answer's X-Trace-Id, `_dd.p.tid`), so a word at
// a time: each nibble is spread to a byte of its own, and every byte becomes its digit at once
// ('0' + n, plus the gap to 'a' where n > 9) — no table, no branch, no loop.
void write_hex8(std::uint32_t value, char* out) {
  std::uint64_t x = value;
  x = ((x & 0xffff0000ULL) << 16) | (x & 0xffffULL);
  x = ((x & 0x0000ff000000ff00ULL) << 8) | (x & 0x000000ff000000ffULL);
  x = ((x & 0x00f000f000f000f0ULL) << 4) | (x & 0x000f000f000f000fULL);
  // Byte i holds nibble i (the least significant in byte 0); n + 6 carries into bit 4 iff n > 9.
  const std::uint64_t letters = ((x + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
  x += 0x3030303030303030ULL + letters * ('a' - '0' - 10);
  // The most significant digit goes first: byte 7 on a little-endian machine.
  if constexpr (std::endian::native == std::endian::little) x = __builtin_bswap64(x);
  std::memcpy(out, &x, sizeof x);
}

void write_hex16(std::uint64_t value, char* out) {
  write_hex8(static_cast<std::uint32_t>(value >> 32), out);
  write_hex8(static_cast<std::uint32_t>(value), out + 8);
}

}  // namespace

HexText<16> hex_text(std::uint64_t value) {
  HexText<16> text;
  write_hex16(value, text.chars);
  return text;
}

HexText<32> hex_text(const TraceId& id) {
  HexText<32> text;
  write_hex16(id.high, text.chars);
  write_hex16(id.low, text.chars + 16);
  return text;
}

std::string to_hex16(std::uint64_t value) {
  return std::string(hex_text(value).view());
}

std::string to_hex(const TraceId& id) {
  return std::string(hex_text(id).view());
}

std::optional<std::uint64_t> parse_hex16(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    std::uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  return value;
}

std::optional<TraceId> parse_trace_id_hex(std::string_view text) {
  if (text.size() != 32) return std::nullopt;
  auto high = parse_hex16(text.substr(0, 16));
  auto low = parse_hex16(text.substr(16));
  if (!high || !low) return std::nullopt;
  return TraceId{*high, *low};
}

std::optional<std::uint64_t> parse_decimal_u64(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace srelab::telemetry
