#include "experiment/fields.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace srelab::experiment {

namespace {

bool contains(std::span<const std::string_view> words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

Fields::Fields(const Node& object, std::string what, std::span<const std::string_view> accepted,
               SpecErrors& errors, std::span<const std::string_view> unsupported)
    : object_(object), what_(std::move(what)), errors_(errors) {
  if (object.kind != Node::Kind::object) {
    errors_.fail(object.line, what_ + " must be an object, got " + describe(object));
    return;
  }
  for (const auto& member : object.members) {
    if (contains(unsupported, member.key)) {
      errors_.fail(member.line,
                   "'" + member.key + "' in " + what_ + " is not supported by sre-lab");
    } else if (!contains(accepted, member.key)) {
      errors_.fail(member.line, "unknown field '" + member.key + "' in " + what_ +
                                    " (accepted: " + join(accepted) + ")");
    }
  }
}

int Fields::key_line(std::string_view key) const {
  for (const auto& member : object_.members)
    if (member.key == key) return member.line;
  return object_.line;
}

const Node* Fields::get(std::string_view key, Presence presence) const {
  if (!errors_.ok() || object_.kind != Node::Kind::object) return nullptr;
  if (const Node* value = object_.find(key)) return value;
  if (presence == Presence::required)
    errors_.fail(object_.line, "missing field '" + std::string(key) + "' in " + what_);
  return nullptr;
}

std::optional<std::string> Fields::text(std::string_view key, Presence presence,
                                        bool allow_empty) const {
  const Node* value = get(key, presence);
  if (!value) return std::nullopt;
  if (value->kind != Node::Kind::string || (!allow_empty && value->text().empty())) {
    fail(key, *value, allow_empty ? "a string" : "a non-empty string");
    return std::nullopt;
  }
  return std::string(value->text());
}

std::optional<double> Fields::number(std::string_view key, double min, double max,
                                     std::string_view form, Bound lower, Presence presence) const {
  const Node* value = get(key, presence);
  if (!value) return std::nullopt;
  if (!number_within(*value, min, max, lower)) {
    fail(key, *value, form);
    return std::nullopt;
  }
  return value->scalar.to_number<double>();
}

std::optional<double> Fields::seconds(std::string_view key, Bound lower) const {
  return number(key, 0, std::numeric_limits<double>::max(),
                lower == Bound::inclusive ? "a number of seconds >= 0" : "a number of seconds > 0",
                lower);
}

std::optional<std::int64_t> Fields::integer(std::string_view key, std::int64_t min,
                                            std::int64_t max, std::string_view form) const {
  const Node* value = get(key);
  if (!value) return std::nullopt;
  if (value->kind == Node::Kind::number) {
    // An int64 scalar is taken as it is: through a double, a large one would lose its last digits.
    if (const auto* exact = value->scalar.if_int64(); exact && *exact >= min && *exact <= max)
      return *exact;
    // 0x1p63: int64's max rounds up to it as a double, and the cast must stay in range.
    if (const auto* real = value->scalar.if_double();
        real && *real == std::floor(*real) && *real >= static_cast<double>(min) &&
        *real <= static_cast<double>(max) && *real < 0x1p63)
      return static_cast<std::int64_t>(*real);
  }
  fail(key, *value,
       form.empty() ? "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]"
                    : std::string(form));
  return std::nullopt;
}

std::optional<bool> Fields::boolean(std::string_view key) const {
  const Node* value = get(key);
  if (!value) return std::nullopt;
  if (value->kind != Node::Kind::boolean) {
    fail(key, *value, "true or false");
    return std::nullopt;
  }
  return value->scalar.as_bool();
}

std::optional<std::vector<std::string>> Fields::texts(std::string_view key) const {
  const Node* value = get(key);
  if (!value) return std::nullopt;
  const auto is_string = [](const Node& item) { return item.kind == Node::Kind::string; };
  if (value->kind != Node::Kind::list ||
      !std::all_of(value->items.begin(), value->items.end(), is_string)) {
    fail(key, *value, "a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> result;
  for (const auto& item : value->items) result.emplace_back(item.text());
  return result;
}

void Fields::fail(std::string_view key, const Node& value, std::string_view form) const {
  errors_.fail(value.line, "'" + std::string(key) + "' in " + what_ + " must be " +
                               std::string(form) + ", got " + describe(value));
}

bool number_within(const Node& node, double min, double max, Bound lower) {
  if (node.kind != Node::Kind::number) return false;
  const double value = node.scalar.to_number<double>();
  if (!std::isfinite(value) || value > max) return false;
  return lower == Bound::inclusive ? value >= min : value > min;
}

std::string join(std::span<const std::string_view> words) {
  std::string text;
  for (auto word : words) {
    if (!text.empty()) text += ", ";
    text += word;
  }
  return text;
}

}  // namespace srelab::experiment
