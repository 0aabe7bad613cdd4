// Validating the fields of a JSON request body against a fixed set of keys, for the runtime
// settings endpoints (chaos/chaos_settings, resilience/resilience_settings) and any later body
// with typed parameters. parse_json_object() turns the request text into an object (a body error
// when it is not one); JsonFields then reads each key with its type and range, merging into values
// the caller already holds: an absent key leaves its value untouched. The first failure is kept
// as a FieldError {key, detail}, with a detail meant for the person who sent the request, e.g.
//   db_failure_rate must be a number in 0..1, got 1.5
// and every read after it does nothing, so a caller reads all its keys into a copy of its
// settings and, only if ok(), keeps the copy: a rejected request changes nothing.
//
// Types follow JSON, not C++: any JSON number is a number (integers included), a boolean is
// never a number, and an integer field also accepts a number with a whole value (5.0). A key
// given twice in the body counts once, with its last value (Boost.JSON's parser keeps the last).
#pragma once

#include <boost/json/object.hpp>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/field_error.hpp"
#include "core/json_string.hpp"

namespace srelab {

// The request text as a JSON object. An empty (or all-whitespace) body counts as {}, so a POST
// that carries no parameters needs no body. Otherwise anything but one JSON object — invalid
// JSON, an array, a number, trailing data — is a FieldError::Kind::body "body must be a JSON
// object ...".
std::optional<boost::json::object> parse_json_object(std::string_view body, FieldError& error);

// Whether the lower bound of a number range is part of it: [min, max] or (min, max].
enum class LowerBound { inclusive, exclusive };

class JsonFields {
 public:
  // Checks the object's keys against `known` (a key not in it is the first failure). Both the
  // object and the strings of `known` must outlive this reader.
  JsonFields(const boost::json::object& object, std::initializer_list<std::string_view> known);

  // The readers: when `key` is absent, or a failure is already recorded, `out` is left as it is;
  // when its value is valid, `out` takes it; otherwise the failure is recorded. Each returns
  // ok(). The std::optional overloads are the nullable fields: null empties `out`.
  bool number(std::string_view key, double min, double max, double& out,
              LowerBound lower = LowerBound::inclusive);
  bool number(std::string_view key, double min, double max, std::optional<double>& out,
              LowerBound lower = LowerBound::inclusive);

  template <std::integral T>
  bool integer(std::string_view key, T min, T max, T& out) {
    std::int64_t value = 0;
    if (read_integer(key, clamp(min), clamp(max), false, value) == Found::value)
      out = static_cast<T>(value);
    return ok();
  }
  template <std::integral T>
  bool integer(std::string_view key, T min, T max, std::optional<T>& out) {
    std::int64_t value = 0;
    switch (read_integer(key, clamp(min), clamp(max), true, value)) {
      case Found::value:
        out = static_cast<T>(value);
        break;
      case Found::null:
        out.reset();
        break;
      case Found::nothing:
        break;
    }
    return ok();
  }

  bool boolean(std::string_view key, bool& out);

  // A string that must be one of `values` (compared exactly).
  bool one_of(std::string_view key, std::initializer_list<std::string_view> values,
              std::string& out);

  // Whether the body has `key` (whatever its value).
  bool contains(std::string_view key) const { return object_.contains(key); }

  // Records a failure the readers cannot see, e.g. one between two fields; the first one wins.
  // Returns false, for `return fields.fail(...)`.
  bool fail(std::string_view key, std::string detail);

  bool ok() const { return !error_; }
  // The first failure; nothing while ok().
  const std::optional<FieldError>& error() const { return error_; }
  // The first key of the body that is not a known one, if any (cut to 64 bytes, like the key of
  // its error).
  const std::optional<std::string>& unknown_key() const { return unknown_key_; }

 private:
  enum class Found { nothing, null, value };  // nothing: absent, or after a failure

  // The value of `key`, or nullptr when it is absent or a failure is already recorded.
  const boost::json::value* find(std::string_view key) const;
  Found read_integer(std::string_view key, std::int64_t min, std::int64_t max, bool nullable,
                     std::int64_t& out);
  Found read_number(std::string_view key, double min, double max, LowerBound lower, bool nullable,
                    double& out);

  // Integer bounds beyond int64 are cut to it (JSON integers beyond 2^53 are not exact anyway).
  template <std::integral T>
  static std::int64_t clamp(T bound) {
    if constexpr (std::unsigned_integral<T>) {
      constexpr auto top = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
      return static_cast<std::int64_t>(static_cast<std::uint64_t>(bound) > top ? top : bound);
    } else {
      return static_cast<std::int64_t>(bound);
    }
  }

  const boost::json::object& object_;
  std::vector<std::string_view> known_;
  std::optional<std::string> unknown_key_;
  std::optional<FieldError> error_;
};

// How a JSON value reads in an error detail: "1.5", "-3", "true", "null", "a string ("0.5")",
// "an array", "an object"; a number too large for a double (1e999) is "a number out of range".
std::string describe_json_value(const boost::json::value& value);

}  // namespace srelab
