#include "telemetry/tracing/dd_tags.hpp"

#include <string>

namespace srelab::telemetry {

TagList parse_dd_tags(std::string_view text) {
  TagList tags;
  std::size_t position = 0;
  while (position < text.size()) {
    const std::size_t end = text.find_first_of(", ", position);
    const std::string_view item = text.substr(
        position, end == std::string_view::npos ? std::string_view::npos : end - position);
    position = end == std::string_view::npos ? text.size() : end + 1;
    const std::size_t colon = item.find(':');
    const std::string_view key = item.substr(0, colon);
    if (key.empty()) continue;
    const std::string_view value =
        colon == std::string_view::npos ? std::string_view{} : item.substr(colon + 1);
    tags.emplace_back(std::string(key), std::string(value));
  }
  return tags;
}

}  // namespace srelab::telemetry
