// The {id} of GET /products/{id}: any bytes either parse to an id in 1..2147483647 that prints
// back as the same digits (leading zeros aside), or are refused with a problem naming the range.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/product_id.hpp"
#include "fuzz/check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace srelab::catalog;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ProductIdParse parsed = parse_product_id(text);
  if (!parsed.problem.empty()) {
    FUZZ_CHECK(parsed.id == 0, "a refused id carries no value");
    FUZZ_CHECK(parsed.problem.find("1..2147483647") != std::string_view::npos,
               "the problem names the accepted range");
    return 0;
  }
  FUZZ_CHECK(parsed.id >= 1 && parsed.id <= max_product_id, "an accepted id is in range");
  const std::string printed = std::to_string(parsed.id);
  const std::string_view digits = text.substr(text.find_first_not_of('0'));
  FUZZ_CHECK(digits == printed, "an accepted id is its digits without leading zeros");
  const ProductIdParse again = parse_product_id(printed);
  FUZZ_CHECK(again.problem.empty() && again.id == parsed.id, "the printed id parses back");
  return 0;
}
