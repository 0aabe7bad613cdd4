#include "load/flag_values.hpp"

#include <charconv>
#include <cmath>

namespace srelab::load {
namespace {

constexpr double kMaxSeconds = 24 * 3600;

std::optional<double> number(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || stop != end || !std::isfinite(value)) return {};
  return value;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  double scale = 1;  // seconds per unit
  if (text.ends_with("ms")) {
    scale = 0.001;
    text.remove_suffix(2);
  } else if (text.ends_with('s')) {
    text.remove_suffix(1);
  } else if (text.ends_with('m')) {
    scale = 60;
    text.remove_suffix(1);
  } else if (text.ends_with('h')) {
    scale = 3600;
    text.remove_suffix(1);
  }
  const auto value = number(text);
  if (!value) return {};
  const double seconds = *value * scale;
  if (!(seconds > 0) || seconds > kMaxSeconds) return {};
  const auto ms = std::llround(seconds * 1000);
  if (ms < 1) return {};
  return std::chrono::milliseconds(ms);
}

std::string Target::text() const {
  return "http://" + host + ":" + std::to_string(port);
}

std::optional<Target> parse_target(std::string_view text) {
  constexpr std::string_view scheme = "http://";
  if (!text.starts_with(scheme)) return {};
  text.remove_prefix(scheme.size());
  if (text.ends_with('/')) text.remove_suffix(1);
  if (text.empty() || text.find_first_of("/?#@ ") != std::string_view::npos) return {};
  Target target;
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    target.host = std::string(text);
    return target;
  }
  const std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  auto [stop, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || stop != port.data() + port.size() || value < 1 ||
      value > 65535 || colon == 0)
    return {};
  target.host = std::string(text.substr(0, colon));
  target.port = static_cast<std::uint16_t>(value);
  return target;
}

}  // namespace srelab::load
