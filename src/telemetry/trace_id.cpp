#include "telemetry/trace_id.hpp"

#include <array>
#include <charconv>
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

// "000102…ff": the two digits of every byte value. Ids are written on every traced request (the
// answer's X-Trace-Id, `_dd.p.tid`): a byte at a time is half the steps of a digit at a time.
constexpr std::array<char, 512> kByteDigits = [] {
  constexpr std::string_view digits = "0123456789abcdef";
  std::array<char, 512> pairs{};
  for (std::size_t byte = 0; byte < 256; ++byte) {
    pairs[2 * byte] = digits[byte >> 4];
    pairs[2 * byte + 1] = digits[byte & 0xf];
  }
  return pairs;
}();

void write_hex16(std::uint64_t value, char* out) {
  for (int i = 7; i >= 0; --i) {
    const std::size_t byte = value & 0xff;
    out[2 * i] = kByteDigits[2 * byte];
    out[2 * i + 1] = kByteDigits[2 * byte + 1];
    value >>= 8;
  }
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
