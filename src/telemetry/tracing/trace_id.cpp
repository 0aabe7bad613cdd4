#include "telemetry/tracing/trace_id.hpp"

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

std::string generate_runtime_id(Random& random) {
  const std::uint64_t high = (random.next() & ~0xf000ULL) | 0x4000ULL;           // version 4
  const std::uint64_t low = (random.next() & ~(0x3ULL << 62)) | (0x2ULL << 62);  // variant 10
  const std::string hex = to_hex16(high) + to_hex16(low);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string to_hex16(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4)
    text[static_cast<std::size_t>(i)] = kDigits[value & 0xf];
  return text;
}

std::string to_hex(const TraceId& id) {
  return to_hex16(id.high) + to_hex16(id.low);
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
