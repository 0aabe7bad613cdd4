// Reading one object of the experiment file (the top level, an activity, a provider's arguments,
// a tolerance...) field by field, with the wording every error shares:
//   unknown field 'tolernce' in probe 'p95 below 50 ms' (accepted: type, name, provider, ...)
//   missing field 'url' in the provider of probe 'health'
//   'timeout' in the provider of probe 'health' must be a number of seconds > 0, got -1
// The object's keys are checked when a Fields is made; each reader then returns its field's
// value, or nullopt when it is absent or wrong (the error goes to SpecErrors). The readers of
// the experiment's parts (experiment_spec, activities, providers, tolerance, load_arguments)
// use it; none of them writes an error message's frame by hand.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "experiment/document.hpp"
#include "experiment/spec_errors.hpp"

namespace srelab::experiment {

enum class Presence { optional, required };
enum class Bound { inclusive, exclusive };

class Fields {
 public:
  // `what` names the object in messages ("probe 'p95'", "the provider of probe 'p95'"). A node
  // that is not an object is an error; so is a key outside `accepted`, and a key in
  // `unsupported` gets "not supported by sre-lab" (CTK features this lab does not run).
  Fields(const Node& object, std::string what, std::span<const std::string_view> accepted,
         SpecErrors& errors, std::span<const std::string_view> unsupported = {});
  Fields(const Node& object, std::string what, std::initializer_list<std::string_view> accepted,
         SpecErrors& errors, std::initializer_list<std::string_view> unsupported = {})
      : Fields(object, std::move(what), std::span(accepted.begin(), accepted.size()), errors,
               std::span(unsupported.begin(), unsupported.size())) {}

  const std::string& what() const { return what_; }
  int line() const { return object_.line; }
  // The line of `key` itself (an object value's line is its first key's); the object's line
  // when it has no such key.
  int key_line(std::string_view key) const;
  bool ok() const { return errors_.ok(); }
  SpecErrors& errors() const { return errors_; }

  // The field's node: nullptr when absent (a missing required one is an error) or after an error.
  const Node* get(std::string_view key, Presence presence = Presence::optional) const;

  std::optional<std::string> text(std::string_view key, Presence presence = Presence::optional,
                                  bool allow_empty = true) const;
  std::optional<double> number(std::string_view key, double min, double max, std::string_view form,
                               Bound lower = Bound::inclusive,
                               Presence presence = Presence::optional) const;
  std::optional<double> seconds(std::string_view key, Bound lower = Bound::inclusive) const;
  // A whole number in [min, max], exact to the last digit; `form` defaults to
  // "an integer in [MIN, MAX]".
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      std::string_view form = {}) const;
  std::optional<bool> boolean(std::string_view key) const;
  // The list's strings, or nullopt (absent, not a list, or an element that is not a string).
  std::optional<std::vector<std::string>> texts(std::string_view key) const;

  // "'KEY' in WHAT must be FORM, got VALUE", at the value's line.
  void fail(std::string_view key, const Node& value, std::string_view form) const;

 private:
  const Node& object_;
  std::string what_;
  SpecErrors& errors_;
};

// Whether a number node lies in the bounds [min or (min, max].
bool number_within(const Node& node, double min, double max, Bound lower);

// "a, b, c" for the lists in messages.
std::string join(std::span<const std::string_view> words);

}  // namespace srelab::experiment
