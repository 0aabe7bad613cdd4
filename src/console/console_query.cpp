#include "console/console_query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "telemetry/logging/log_record.hpp"

namespace srelab::console {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) return false;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return true;
}

// What a detail quotes of a value: at most 64 bytes of it (the answer's JSON writer replaces
// bytes that are not UTF-8).
std::string quoted(std::string_view value) {
  constexpr std::size_t kShown = 64;
  return "'" + std::string(value.substr(0, kShown)) + (value.size() > kShown ? "…'" : "'");
}

std::nullopt_t fail(FieldError& error, std::string_view key, std::string_view expected,
                    std::string_view value) {
  error = {std::string(key),
           std::string(key) + " must be " + std::string(expected) + ", got " + quoted(value)};
  return std::nullopt;
}

std::nullopt_t unknown(FieldError& error, std::string_view key, std::string_view expected) {
  error = {std::string(key),
           "unknown parameter " + quoted(key) + ": expected " + std::string(expected)};
  return std::nullopt;
}

bool parse_unsigned(std::string_view text, std::uint64_t min, std::uint64_t max,
                    std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size() && out >= min &&
         out <= max;
}

bool parse_non_negative(std::string_view text, double max, double& out) {
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), out, std::chars_format::fixed);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size() &&
         std::isfinite(out) && out >= 0 && out <= max;
}

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return hex_value(c) >= 0; });
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<telemetry::LogLevel> parse_level(std::string_view text) {
  using telemetry::LogLevel;
  if (text.empty()) return LogLevel::debug;
  for (LogLevel level : {LogLevel::debug, LogLevel::info, LogLevel::warning, LogLevel::error})
    if (text == telemetry::to_string(level)) return level;
  return std::nullopt;
}

}  // namespace

std::optional<Params> decode_query(std::string_view query, FieldError& error) {
  Params params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string key;
    std::string value;
    if (!percent_decode(pair.substr(0, eq), key)) {
      error = {std::string(pair.substr(0, eq)), "a malformed percent escape in a parameter name"};
      return std::nullopt;
    }
    if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value)) {
      error = {key, key + " has a malformed percent escape (%XX with two hex digits)"};
      return std::nullopt;
    }
    params.emplace_back(std::move(key), std::move(value));
  }
  return params;
}

std::optional<TraceFilter> parse_trace_query(std::string_view query, FieldError& error) {
  const auto params = decode_query(query, error);
  if (!params) return std::nullopt;
  TraceFilter filter;
  for (const auto& [key, value] : *params) {
    if (key == "status") {
      const auto status = parse_trace_status(value);
      if (!status) return fail(error, key, "any, ok or error", value);
      filter.status = *status;
    } else if (key == "min_ms") {
      double ms = 0;
      if (!parse_non_negative(value, 86'400'000, ms))
        return fail(error, key, "a number of milliseconds in 0..86400000", value);
      filter.min_duration = std::chrono::nanoseconds(std::llround(ms * 1e6));
    } else if (key == "resource") {
      if (value.size() > kMaxFilterText) return fail(error, key, "at most 256 bytes", value);
      filter.resource = value;
    } else if (key == "tag") {
      if (value.size() > kMaxFilterText) return fail(error, key, "at most 256 bytes", value);
      if (!value.empty() && value.front() == ':')
        return fail(error, key, "key:value or key (a tag key before the ':')", value);
      filter.tag = value;
    } else if (key == "limit") {
      std::uint64_t limit = 0;
      if (!parse_unsigned(value, 1, kMaxTraceLimit, limit))
        return fail(error, key, "an integer in 1..500", value);
      filter.limit = static_cast<std::size_t>(limit);
    } else {
      return unknown(error, key, "status, min_ms, resource, tag, limit");
    }
  }
  return filter;
}

std::optional<LogFilter> parse_log_query(std::string_view query, FieldError& error) {
  const auto params = decode_query(query, error);
  if (!params) return std::nullopt;
  LogFilter filter;
  for (const auto& [key, value] : *params) {
    if (key == "level") {
      const auto level = parse_level(value);
      if (!level) return fail(error, key, "debug, info, warning or error", value);
      filter.min_level = *level;
    } else if (key == "text") {
      if (value.size() > kMaxFilterText) return fail(error, key, "at most 256 bytes", value);
      filter.text = value;
    } else if (key == "trace_id") {
      if (!value.empty() && !((value.size() == 32 || value.size() == 16) && is_hex(value)))
        return fail(error, key, "32 hex digits (or the 16 of the low half)", value);
      filter.trace_id = lowercase(value);
    } else if (key == "after") {
      std::uint64_t after = 0;
      if (!parse_unsigned(value, 0, std::numeric_limits<std::uint64_t>::max(), after))
        return fail(error, key, "a sequence number, an integer ≥ 0", value);
      filter.after_sequence = after;
    } else if (key == "limit") {
      std::uint64_t limit = 0;
      if (!parse_unsigned(value, 1, kMaxLogLimit, limit))
        return fail(error, key, "an integer in 1..1000", value);
      filter.limit = static_cast<std::size_t>(limit);
    } else {
      return unknown(error, key, "level, text, trace_id, after, limit");
    }
  }
  return filter;
}

std::optional<Clock::wall_time> parse_timeline_query(std::string_view query, FieldError& error) {
  const auto params = decode_query(query, error);
  if (!params) return std::nullopt;
  Clock::wall_time since{};
  for (const auto& [key, value] : *params) {
    if (key != "since") return unknown(error, key, "since");
    // What wall_time's nanoseconds hold (to the year 2262).
    constexpr std::uint64_t kMaxMs = 9'223'372'036'853;
    std::uint64_t ms = 0;
    if (!parse_unsigned(value, 0, kMaxMs, ms))
      return fail(error, key, "milliseconds since the Unix epoch, an integer in 0..9223372036853",
                  value);
    // The answer gives times in whole ms: "after since" means after the last nanosecond of
    // that millisecond, or a poller would get the point it has again.
    since = Clock::wall_time(std::chrono::duration_cast<Clock::wall_time::duration>(
                std::chrono::milliseconds(static_cast<std::int64_t>(ms) + 1))) -
            Clock::wall_time::duration(1);
  }
  return since;
}

std::optional<std::string> normalize_trace_id(std::string_view text) {
  if (text.size() != 32 || !is_hex(text)) return std::nullopt;
  return lowercase(text);
}

}  // namespace srelab::console
