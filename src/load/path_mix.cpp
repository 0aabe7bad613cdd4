#include "load/path_mix.hpp"

#include <charconv>

namespace srelab::load {
namespace {

constexpr std::string_view kIdField = "{id}";

std::optional<WeightedPath> parse_one(std::string_view text) {
  WeightedPath entry;
  // The weight is what follows the last ':' when that is all digits; a ':' inside a path (rare,
  // but legal) stays part of it.
  const auto colon = text.rfind(':');
  if (colon != std::string_view::npos) {
    const std::string_view digits = text.substr(colon + 1);
    std::uint32_t weight = 0;
    auto [stop, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), weight);
    if (!digits.empty() && ec == std::errc{} && stop == digits.data() + digits.size()) {
      if (weight < 1 || weight > 1'000'000) return {};
      entry.weight = weight;
      text = text.substr(0, colon);
    }
  }
  if (!text.starts_with('/') || text.find_first_of(" \t\r\n") != std::string_view::npos) return {};
  entry.path = std::string(text);
  entry.id_at = entry.path.find(kIdField);
  return entry;
}

}  // namespace

std::optional<PathMix> PathMix::parse(std::string_view text) {
  PathMix mix;
  for (;;) {
    const auto comma = text.find(',');
    auto entry = parse_one(text.substr(0, comma));
    if (!entry) return {};
    mix.total_weight_ += entry->weight;
    mix.paths_.push_back(std::move(*entry));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return mix;
}

const WeightedPath& PathMix::pick(Random& random) const {
  if (paths_.size() == 1) return paths_.front();
  auto ticket = random.next() % total_weight_;
  for (const WeightedPath& path : paths_) {
    if (ticket < path.weight) return path;
    ticket -= path.weight;
  }
  return paths_.back();
}

bool PathMix::uses_ids() const {
  for (const WeightedPath& path : paths_)
    if (path.id_at != std::string::npos) return true;
  return false;
}

void PathMix::append_target(std::string& out, const WeightedPath& path, std::uint64_t id) {
  if (path.id_at == std::string::npos) {
    out += path.path;
    return;
  }
  out.append(path.path, 0, path.id_at);
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, id);
  out.append(digits, end);
  out.append(path.path, path.id_at + kIdField.size());
}

}  // namespace srelab::load
