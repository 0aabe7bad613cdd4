#include <gtest/gtest.h>

#include "catalog/product_id.hpp"

namespace srelab::catalog {
namespace {

struct IdCase {
  const char* text;
  std::int32_t id;          // expected when valid
  const char* problem_has;  // nullptr when valid
};

class ProductIdTest : public ::testing::TestWithParam<IdCase> {};

TEST_P(ProductIdTest, ParsesOrNamesTheProblem) {
  const IdCase& c = GetParam();
  const ProductIdParse parsed = parse_product_id(c.text);
  if (c.problem_has == nullptr) {
    EXPECT_TRUE(parsed.problem.empty()) << parsed.problem;
    EXPECT_EQ(parsed.id, c.id);
  } else {
    EXPECT_NE(parsed.problem.find(c.problem_has), std::string_view::npos)
        << "'" << c.text << "' gave: " << parsed.problem;
    EXPECT_NE(parsed.problem.find("1..2147483647"), std::string_view::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ProductIdTest,
    ::testing::Values(IdCase{"1", 1, nullptr}, IdCase{"42", 42, nullptr}, IdCase{"007", 7, nullptr},
                      IdCase{"2147483647", 2147483647, nullptr}, IdCase{"0", 0, "zero"},
                      IdCase{"000", 0, "zero"}, IdCase{"-1", 0, "negative"},
                      IdCase{"-0", 0, "negative"}, IdCase{"2147483648", 0, "out of range"},
                      IdCase{"99999999999999999999999", 0, "out of range"}, IdCase{"", 0, "empty"},
                      IdCase{"abc", 0, "not a number"}, IdCase{"12a", 0, "not a number"},
                      IdCase{"1.5", 0, "not a number"}, IdCase{"+5", 0, "not a number"},
                      IdCase{" 5", 0, "not a number"}, IdCase{"-", 0, "not a number"},
                      IdCase{"0x10", 0, "not a number"}, IdCase{"1e3", 0, "not a number"}));

}  // namespace
}  // namespace srelab::catalog
