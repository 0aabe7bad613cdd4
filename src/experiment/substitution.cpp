#include "experiment/substitution.hpp"

#include <optional>
#include <string>
#include <vector>

#include "experiment/fields.hpp"

namespace srelab::experiment {

namespace {

Node::Kind kind_of(const boost::json::value& value) {
  if (value.is_string()) return Node::Kind::string;
  if (value.is_bool()) return Node::Kind::boolean;
  return Node::Kind::number;
}

const boost::json::value* lookup(std::string_view name, const Node& node,
                                 const boost::json::object& configuration, SpecErrors& errors) {
  if (const auto* value = configuration.if_contains(name)) return value;
  std::vector<std::string_view> names;
  for (const auto& entry : configuration) names.push_back(entry.key());
  errors.fail(node.line, "unknown name ${" + std::string(name) + "} in " + describe(node) +
                             " (configuration entries: " + join(names) + ")");
  return nullptr;
}

// The string with every ${name} replaced by the value's text, or nullopt after an error.
std::optional<std::string> splice(const Node& node, const boost::json::object& configuration,
                                  SpecErrors& errors) {
  std::string_view text = node.text();
  std::string result;
  for (auto open = text.find("${"); open != std::string_view::npos; open = text.find("${")) {
    const auto close = text.find('}', open);
    if (close == std::string_view::npos) {
      errors.fail(node.line, "'${' without its '}' in " + describe(node));
      return std::nullopt;
    }
    const auto* value =
        lookup(text.substr(open + 2, close - open - 2), node, configuration, errors);
    if (!value) return std::nullopt;
    result.append(text.substr(0, open));
    result += scalar_text(*value);
    text.remove_prefix(close + 1);
  }
  result.append(text);
  return result;
}

void substitute_string(Node& node, const boost::json::object& configuration, SpecErrors& errors) {
  const std::string_view text = node.text();
  if (text.find("${") == std::string_view::npos) return;
  const bool whole = text.starts_with("${") && text.find('}') == text.size() - 1;
  if (whole) {
    if (const auto* value = lookup(text.substr(2, text.size() - 3), node, configuration, errors)) {
      node.kind = kind_of(*value);
      node.scalar = *value;
    }
    return;
  }
  if (auto spliced = splice(node, configuration, errors)) node.scalar = std::move(*spliced);
}

}  // namespace

void substitute(Node& node, const boost::json::object& configuration, SpecErrors& errors) {
  if (!errors.ok()) return;
  if (node.kind == Node::Kind::string) return substitute_string(node, configuration, errors);
  for (auto& item : node.items) substitute(item, configuration, errors);
  for (auto& member : node.members) substitute(member.value, configuration, errors);
}

}  // namespace srelab::experiment
