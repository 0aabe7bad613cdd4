// Comma-separated lists: trimmed elements in order, empty ones kept for the caller to judge.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "core/comma_list.hpp"

namespace srelab {
namespace {

using Items = std::vector<std::string_view>;

TEST(CommaListTest, SplitsAndTrims) {
  EXPECT_EQ(split_comma_list("a"), (Items{"a"}));
  EXPECT_EQ(split_comma_list(" a ,\tb\t, c d "), (Items{"a", "b", "c d"}));
  EXPECT_EQ(split_comma_list("a,,b"), (Items{"a", "", "b"}));
  EXPECT_EQ(split_comma_list("a,"), (Items{"a", ""}));
  EXPECT_EQ(split_comma_list(""), (Items{""}));
  EXPECT_EQ(split_comma_list(" , "), (Items{"", ""}));
}

TEST(CommaListTest, TrimsOnlySpacesAndTabs) {
  EXPECT_EQ(trim_blanks("  x y\t "), "x y");
  EXPECT_EQ(trim_blanks(" \t "), "");
  EXPECT_EQ(trim_blanks("\r\nx\r\n"), "\r\nx\r\n");
}

}  // namespace
}  // namespace srelab
