// Parsing the {id} of /products/{id}: a decimal integer in 1..2147483647 (the column is a
// Postgres integer). Anything else is the caller's mistake, reported with what was wrong.
#pragma once

#include <cstdint>
#include <string_view>

namespace srelab::catalog {

struct ProductIdParse {
  std::int32_t id = 0;
  std::string_view problem;  // empty when id is valid
};

inline constexpr std::int32_t max_product_id = 2147483647;

ProductIdParse parse_product_id(std::string_view text);

}  // namespace srelab::catalog
