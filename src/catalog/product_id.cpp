#include "catalog/product_id.hpp"

#include <charconv>

namespace srelab::catalog {

ProductIdParse parse_product_id(std::string_view text) {
  if (text.empty()) return {0, "id is empty: expected an integer in 1..2147483647"};
  const bool negative = text.front() == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty()) return {0, "id is not a number: expected an integer in 1..2147483647"};
  for (char c : digits)
    if (c < '0' || c > '9') return {0, "id is not a number: expected an integer in 1..2147483647"};
  if (negative) return {0, "id is negative: expected an integer in 1..2147483647"};

  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range || value > max_product_id)
    return {0, "id is out of range: expected an integer in 1..2147483647"};
  if (ec != std::errc{} || end != digits.data() + digits.size())
    return {0, "id is not a number: expected an integer in 1..2147483647"};
  if (value == 0) return {0, "id is zero: expected an integer in 1..2147483647"};
  return {static_cast<std::int32_t>(value), {}};
}

}  // namespace srelab::catalog
