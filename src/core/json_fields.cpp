#include "core/json_fields.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <charconv>
#include <cmath>

namespace srelab {
namespace {

// Error details quote what the client sent; a long key or string is cut so the detail stays
// readable (append_json_string keeps the body valid JSON if the cut splits a UTF-8 sequence).
constexpr std::size_t kQuoteLimit = 64;

std::string quoted(std::string_view text) {
  std::string out = "\"";
  out.append(text.substr(0, kQuoteLimit));
  if (text.size() > kQuoteLimit) out += "...";
  out += '"';
  return out;
}

std::string_view kind_name(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

std::string range_text(double min, double max, LowerBound lower) {
  if (lower == LowerBound::exclusive)
    return "above " + format_number(min) + " and at most " + format_number(max);
  return "in " + format_number(min) + ".." + format_number(max);
}

std::string must_be(std::string_view key, bool nullable, std::string_view what) {
  std::string out(key);
  out += " must be ";
  if (nullable) out += "null or ";
  out += what;
  return out;
}

bool is_whitespace(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

std::optional<boost::json::object> parse_json_object(std::string_view body, FieldError& error) {
  if (is_whitespace(body)) return boost::json::object{};
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) {
    error = {"", "body must be a JSON object; it is not valid JSON (" + ec.message() + ")",
             FieldError::Kind::body};
    return std::nullopt;
  }
  if (!value.is_object()) {
    error = {"", "body must be a JSON object, got " + std::string(kind_name(value)),
             FieldError::Kind::body};
    return std::nullopt;
  }
  return std::move(value.as_object());
}

JsonFields::JsonFields(const boost::json::object& object,
                       std::initializer_list<std::string_view> known)
    : object_(object), known_(known) {
  for (const auto& entry : object_) {
    if (std::find(known_.begin(), known_.end(), entry.key()) != known_.end()) continue;
    unknown_key_ = std::string(entry.key().substr(0, kQuoteLimit));
    std::string detail = "unknown key " + quoted(entry.key()) + "; the keys are ";
    for (std::size_t i = 0; i < known_.size(); ++i) {
      if (i != 0) detail += ", ";
      detail += known_[i];
    }
    fail(*unknown_key_, std::move(detail));
    return;
  }
}

bool JsonFields::number(std::string_view key, double min, double max, double& out,
                        LowerBound lower) {
  double value = 0;
  if (read_number(key, min, max, lower, false, value) == Found::value) out = value;
  return ok();
}

bool JsonFields::number(std::string_view key, double min, double max, std::optional<double>& out,
                        LowerBound lower) {
  double value = 0;
  switch (read_number(key, min, max, lower, true, value)) {
    case Found::value:
      out = value;
      break;
    case Found::null:
      out.reset();
      break;
    case Found::nothing:
      break;
  }
  return ok();
}

bool JsonFields::boolean(std::string_view key, bool& out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return ok();
  if (!value->is_bool())
    return fail(key, must_be(key, false, "true or false") + ", got " + describe_json_value(*value));
  out = value->get_bool();
  return true;
}

bool JsonFields::one_of(std::string_view key, std::initializer_list<std::string_view> values,
                        std::string& out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return ok();
  if (value->is_string()) {
    const std::string_view text = value->get_string();
    if (std::find(values.begin(), values.end(), text) != values.end()) {
      out = std::string(text);
      return true;
    }
  }
  std::string what = "one of ";
  for (auto it = values.begin(); it != values.end(); ++it) {
    if (it != values.begin()) what += ", ";
    what += quoted(*it);
  }
  return fail(key, must_be(key, false, what) + ", got " + describe_json_value(*value));
}

bool JsonFields::fail(std::string_view key, std::string detail) {
  if (!error_) error_ = FieldError{std::string(key), std::move(detail)};
  return false;
}

const boost::json::value* JsonFields::find(std::string_view key) const {
  if (error_) return nullptr;
  return object_.if_contains(key);
}

JsonFields::Found JsonFields::read_number(std::string_view key, double min, double max,
                                          LowerBound lower, bool nullable, double& out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return Found::nothing;
  if (nullable && value->is_null()) return Found::null;
  auto failed = [&] {
    fail(key, must_be(key, nullable, "a number " + range_text(min, max, lower)) + ", got " +
                  describe_json_value(*value));
    return Found::nothing;
  };
  if (!value->is_number()) return failed();
  const double number = value->to_number<double>();
  // Written so that a NaN would fail too; infinity (1e999 in the body) is out of any range.
  const bool above_min = lower == LowerBound::exclusive ? number > min : number >= min;
  if (!(above_min && number <= max)) return failed();
  out = number;
  return Found::value;
}

JsonFields::Found JsonFields::read_integer(std::string_view key, std::int64_t min, std::int64_t max,
                                           bool nullable, std::int64_t& out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return Found::nothing;
  if (nullable && value->is_null()) return Found::null;
  auto failed = [&] {
    fail(key, must_be(key, nullable,
                      "an integer in " + std::to_string(min) + ".." + std::to_string(max)) +
                  ", got " + describe_json_value(*value));
    return Found::nothing;
  };
  std::int64_t number = 0;
  if (value->is_int64()) {
    number = value->get_int64();
  } else if (value->is_uint64()) {
    // Only beyond int64's range does the parser make a uint64, and that is above any `max`.
    return failed();
  } else if (value->is_double()) {
    // A whole number written as 5.0 or 1e3; the range test comes first so the cast is defined.
    const double d = value->get_double();
    const bool in_range = d >= static_cast<double>(min) && d <= static_cast<double>(max) &&
                          d < 0x1p63;  // max may round up to 2^63, which int64 cannot hold
    if (!in_range || d != std::trunc(d)) return failed();
    number = static_cast<std::int64_t>(d);
  } else {
    return failed();
  }
  if (number < min || number > max) return failed();
  out = number;
  return Found::value;
}

std::string describe_json_value(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return value.get_bool() ? "true" : "false";
    case boost::json::kind::int64:
      return std::to_string(value.get_int64());
    case boost::json::kind::uint64:
      return std::to_string(value.get_uint64());
    case boost::json::kind::double_:
      if (!std::isfinite(value.get_double())) return "a number out of range";
      return format_number(value.get_double());
    case boost::json::kind::string:
      return "a string (" + quoted(value.get_string()) + ")";
    case boost::json::kind::array:
    case boost::json::kind::object:
      break;
  }
  return std::string(kind_name(value));
}

}  // namespace srelab
