#include "experiment/report_text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "core/json_string.hpp"

namespace srelab::experiment {
namespace {

std::string printf_string(const char* format, auto... args) {
  char buffer[64];
  const int n = std::snprintf(buffer, sizeof buffer, format, args...);
  return std::string(buffer, static_cast<std::size_t>(std::clamp(n, 0, 63)));
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "…";
}

// Only a '<' that could open a tag or a comment is escaped: "p < 0.001" stays as written.
bool opens_tag(std::string_view text, std::size_t at) {
  if (at + 1 >= text.size()) return false;
  const char next = text[at + 1];
  return std::isalpha(static_cast<unsigned char>(next)) || next == '/' || next == '!' ||
         next == '?';
}

}  // namespace

std::string format_seconds(double seconds) {
  if (!std::isfinite(seconds)) return std::string(kNoValue);
  const double magnitude = std::abs(seconds);
  const double ms = seconds * 1000;
  if (magnitude == 0) return "0 ms";
  if (magnitude < 0.001) return printf_string("%.2f ms", ms);
  if (magnitude < 0.1) return printf_string("%.1f ms", ms);
  if (magnitude < 1) return printf_string("%.0f ms", ms);
  if (magnitude < 10) return printf_string("%.2f s", seconds);
  if (magnitude < 1000) return printf_string("%.1f s", seconds);
  return printf_string("%.0f s", seconds);
}

std::string format_percent(double ratio) {
  if (!std::isfinite(ratio)) return std::string(kNoValue);
  const double percent = ratio * 100;
  if (percent == 0 || percent == 100) return printf_string("%.0f %%", percent);
  if (std::abs(percent) < 1) return printf_string("%.2f %%", percent);
  return printf_string("%.1f %%", percent);
}

std::string format_count(double count) {
  if (!std::isfinite(count)) return std::string(kNoValue);
  std::string digits = printf_string("%.0f", std::abs(count));
  for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<std::size_t>(i), ",");
  return (count <= -0.5 ? "-" : "") + digits;
}

std::string format_bytes(double bytes) {
  if (!std::isfinite(bytes)) return std::string(kNoValue);
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  double scaled = bytes;
  while (std::abs(scaled) >= 1024 && unit + 1 < std::size(kUnits)) {
    scaled /= 1024;
    ++unit;
  }
  return unit == 0 ? printf_string("%.0f B", scaled)
                   : printf_string("%.1f %s", scaled, kUnits[unit]);
}

std::string format_plain(double value) {
  if (!std::isfinite(value)) return std::string(kNoValue);
  if (std::abs(value) >= 1e9) return printf_string("%.3g", value);
  if (value == std::round(value)) return format_count(value);
  return printf_string("%.3g", value);
}

std::string format_value(double value, std::string_view unit) {
  if (unit == "s") return format_seconds(value);
  if (unit == "ratio") return format_percent(value);
  if (unit == "bytes") return format_bytes(value);
  const std::string plain = format_plain(value);
  return unit.empty() || plain == kNoValue ? plain : plain + " " + std::string(unit);
}

std::string format_timestamp(std::string_view iso) {
  // The runner writes "YYYY-MM-DDTHH:MM:SS[.ffffff]" in UTC.
  if (iso.size() < 19 || iso[10] != 'T') return std::string(iso);
  std::string out(iso.substr(0, 19));
  out[10] = ' ';
  return out + " UTC";
}

std::string short_json(const boost::json::value& value, std::size_t limit) {
  if (const auto* text = value.if_string()) return cut_utf8(std::string(*text), limit);
  return cut_utf8(to_json_text(value), limit);
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string markdown_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '|':
        out += "\\|";
        break;
      case '<':
        out += opens_tag(text, i) ? "&lt;" : "<";
        break;
      case '\n':
        out += ' ';
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool is_web_url(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

std::string sparkline(std::span<const double> values, std::size_t width) {
  static constexpr const char* kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (values.empty() || width == 0) return {};
  const std::size_t buckets = std::min(width, values.size());
  double low = INFINITY, high = -INFINITY;
  for (const double v : values) {
    if (!std::isfinite(v)) continue;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  std::string out;
  for (std::size_t b = 0; b < buckets; ++b) {
    const std::size_t from = b * values.size() / buckets, to = (b + 1) * values.size() / buckets;
    double peak = NAN;
    for (std::size_t i = from; i < to; ++i)
      if (std::isfinite(values[i]) && !(peak >= values[i])) peak = values[i];
    if (std::isnan(peak)) {
      out += ' ';
      continue;
    }
    const double share = high > low ? (peak - low) / (high - low) : 0;
    out += kBlocks[std::clamp(static_cast<int>(share * 7 + 0.5), 0, 7)];
  }
  return out;
}

}  // namespace srelab::experiment
