#include "telemetry/metrics/metric_names.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace srelab::telemetry {

namespace {

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

void append_suffix(std::string& name, std::string_view suffix) {
  if (!name.ends_with(suffix)) name += suffix;
}

std::string_view unit_suffix(Unit unit) {
  switch (unit) {
    case Unit::none:
      return "";
    case Unit::seconds:
      return "_seconds";
    case Unit::bytes:
      return "_bytes";
    case Unit::ratio:
      return "_ratio";
  }
  return "";
}

}  // namespace

std::string_view to_string(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

std::string_view to_string(Unit unit) {
  std::string_view suffix = unit_suffix(unit);
  return suffix.empty() ? suffix : suffix.substr(1);
}

MetricInfo metric_info(std::string name, std::string help, Unit unit,
                       std::vector<std::string> labels) {
  MetricInfo info;
  info.name = std::move(name);
  info.help = std::move(help);
  info.unit = unit;
  info.labels = std::move(labels);
  return info;
}

std::string derive_prometheus_name(std::string_view dotted, Unit unit, MetricType type) {
  std::string name;
  name.reserve(dotted.size() + 16);
  if (dotted.empty() || is_digit(dotted.front())) name += '_';
  for (char c : dotted) name += (is_letter(c) || is_digit(c) || c == '_' || c == ':') ? c : '_';
  if (type == MetricType::counter && name.ends_with("_total")) name.resize(name.size() - 6);
  append_suffix(name, unit_suffix(unit));  // before _total: process_cpu_seconds_total
  if (type == MetricType::counter) name += "_total";
  return name;
}

bool is_valid_prometheus_name(std::string_view name) {
  if (name.empty() || is_digit(name.front())) return false;
  for (char c : name) {
    if (!is_letter(c) && !is_digit(c) && c != '_' && c != ':') return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || is_digit(name.front()) || name.starts_with("__") || name == "le") {
    return false;
  }
  for (char c : name) {
    if (!is_letter(c) && !is_digit(c) && c != '_') return false;
  }
  return true;
}

std::string sanitize_dogstatsd_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (!is_letter(c) && !is_digit(c) && c != '_' && c != '.') c = '_';
  }
  return out;
}

std::string sanitize_dogstatsd_tag(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '|' || c == ',' || c == '#' || c == '\n' || c == '\r') c = '_';
  }
  return out;
}

std::string format_number(double value) {
  std::string out;
  append_number(out, value);
  return out;
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    // Shortest digits; plain notation for 1e-7 < |value| < 1e21 as JavaScript does (to_chars
    // alone would write 0.0005 as "5e-04", being one character shorter).
    std::array<char, 64> buffer;
    char* end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr;
    const std::string_view shortest(buffer.data(), end - buffer.data());
    if (const auto e = shortest.find('e'); e != std::string_view::npos) {
      int exponent = 0;
      std::from_chars(shortest.data() + e + (shortest[e + 1] == '+' ? 2 : 1), end, exponent);
      if (exponent > -7 && exponent < 21) {
        end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                            std::chars_format::fixed)
                  .ptr;
      }
    }
    out.append(buffer.data(), end);
  }
}

}  // namespace srelab::telemetry
