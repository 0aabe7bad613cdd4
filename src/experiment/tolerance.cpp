#include "experiment/tolerance.hpp"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <limits>
#include <regex>

#include "experiment/fields.hpp"

namespace srelab::experiment {

namespace {

struct TypeName {
  std::string_view name;
  Tolerance::Kind kind;
};
constexpr std::array<TypeName, 6> kTypes{{
    {"range", Tolerance::Kind::range},
    {"regex", Tolerance::Kind::regex},
    {"at-least", Tolerance::Kind::at_least},
    {"at-most", Tolerance::Kind::at_most},
    {"rose", Tolerance::Kind::rose},
    {"fell", Tolerance::Kind::fell},
}};

std::string_view accepted_forms(ProbeOutput output) {
  return output == ProbeOutput::statistic
             ? "{type: range|at-least|at-most|rose|fell} (a statistic over samples)"
             : "a value, a list of values, or {type: range|regex}";
}

bool applies(Tolerance::Kind kind, ProbeOutput output) {
  switch (kind) {
    case Tolerance::Kind::range:
      return true;
    case Tolerance::Kind::equals:
    case Tolerance::Kind::one_of:
    case Tolerance::Kind::regex:
      return output != ProbeOutput::statistic;
    default:
      return output == ProbeOutput::statistic;
  }
}

void read_range(const Fields& fields, Tolerance& tolerance) {
  const Node* range = fields.get("range", Presence::required);
  if (!range) return;
  const auto is_number = [](const Node& item) { return item.kind == Node::Kind::number; };
  if (range->kind != Node::Kind::list || range->items.size() != 2 ||
      !std::all_of(range->items.begin(), range->items.end(), is_number)) {
    return fields.fail("range", *range, "[low, high], two numbers");
  }
  tolerance.low = range->items[0].scalar.to_number<double>();
  tolerance.high = range->items[1].scalar.to_number<double>();
  if (tolerance.low > tolerance.high) fields.fail("range", *range, "[low, high] with low <= high");
}

void read_pattern(const Fields& fields, Tolerance& tolerance) {
  auto pattern = fields.text("pattern", Presence::required);
  if (!pattern) return;
  try {
    std::regex compiled(*pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    fields.fail("pattern", *fields.get("pattern"),
                std::string("a valid ECMAScript regular expression (") + error.what() + ")");
    return;
  }
  tolerance.pattern = std::move(*pattern);
}

void read_target(const Fields& fields, Tolerance& tolerance) {
  const Node* target = fields.get("target");
  if (!target) return;
  if (target->text() != "status" && target->text() != "body")
    return fields.fail("target", *target, "status or body");
  tolerance.target = target->text();
}

std::optional<Tolerance> read_typed(const Node& node, ProbeOutput output, const std::string& probe,
                                    SpecErrors& errors) {
  const std::string what = "the tolerance of " + probe;
  const Node* type = node.find("type");
  if (!type) {
    errors.fail(node.line, "missing field 'type' in " + what + " (" +
                               std::string(accepted_forms(output)) + ")");
    return std::nullopt;
  }
  if (type->text() == "jsonpath" || type->text() == "probe") {
    errors.fail(type->line, "tolerance type '" + std::string(type->text()) + "' (in " + probe +
                                ") is not supported by sre-lab");
    return std::nullopt;
  }
  const auto* found = std::find_if(kTypes.begin(), kTypes.end(),
                                   [&](const TypeName& t) { return t.name == type->text(); });
  if (found == kTypes.end() || !applies(found->kind, output)) {
    errors.fail(type->line, "'type' in " + what + " must make it " +
                                std::string(accepted_forms(output)) + ", got " + describe(*type));
    return std::nullopt;
  }
  Tolerance tolerance;
  tolerance.kind = found->kind;
  tolerance.line = node.line;
  const bool target = output == ProbeOutput::http;
  switch (found->kind) {
    case Tolerance::Kind::range: {
      Fields fields(node, what,
                    target ? std::initializer_list<std::string_view>{"type", "range", "target"}
                           : std::initializer_list<std::string_view>{"type", "range"},
                    errors);
      read_range(fields, tolerance);
      read_target(fields, tolerance);
      break;
    }
    case Tolerance::Kind::regex: {
      Fields fields(node, what,
                    target ? std::initializer_list<std::string_view>{"type", "pattern", "target"}
                           : std::initializer_list<std::string_view>{"type", "pattern"},
                    errors);
      read_pattern(fields, tolerance);
      read_target(fields, tolerance);
      break;
    }
    case Tolerance::Kind::at_least:
    case Tolerance::Kind::at_most: {
      Fields fields(node, what, {"type", "value"}, errors);
      constexpr double kMax = std::numeric_limits<double>::max();
      tolerance.value =
          fields.number("value", -kMax, kMax, "a number", Bound::inclusive, Presence::required)
              .value_or(0);
      break;
    }
    default:
      Fields fields(node, what, {"type"}, errors);
      break;
  }
  if (!errors.ok()) return std::nullopt;
  return tolerance;
}

bool plain_value(const Node& node) {
  return node.is_scalar() && node.kind != Node::Kind::null;
}

}  // namespace

ProbeOutput output_of(const Provider& provider) {
  if (std::holds_alternative<HttpCall>(provider)) return ProbeOutput::http;
  if (std::holds_alternative<StateProbe>(provider)) return ProbeOutput::state;
  return ProbeOutput::statistic;
}

std::optional<Tolerance> read_tolerance(const Node& node, ProbeOutput output,
                                        const std::string& probe, SpecErrors& errors) {
  if (node.kind == Node::Kind::object) return read_typed(node, output, probe, errors);
  Tolerance tolerance;
  tolerance.line = node.line;
  const bool one_of = node.kind == Node::Kind::list && !node.items.empty() &&
                      std::all_of(node.items.begin(), node.items.end(), plain_value);
  tolerance.kind = one_of ? Tolerance::Kind::one_of : Tolerance::Kind::equals;
  if ((!one_of && !plain_value(node)) || !applies(tolerance.kind, output)) {
    errors.fail(node.line, "the tolerance of " + probe + " must be " +
                               std::string(accepted_forms(output)) + ", got " + describe(node));
    return std::nullopt;
  }
  tolerance.expected = to_json(node);
  return tolerance;
}

}  // namespace srelab::experiment
