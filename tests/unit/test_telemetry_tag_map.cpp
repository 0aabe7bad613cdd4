#include <gtest/gtest.h>

#include <string>

#include "telemetry/tag_map.hpp"

namespace srelab::telemetry {
namespace {

TEST(TagMap, KeepsKeysSortedAndUniqueAcrossGrowth) {
  TagMap<std::string> map;
  // More keys than the first capacity, inserted out of order: every insertion that grows the
  // vector must still land in its sorted place.
  for (const char* key : {"m", "c", "x", "a", "q", "b", "z", "k", "d", "y", "e", "n"})
    map.insert_or_assign(key, std::string(key) + "-value");
  map.insert_or_assign("c", "again");
  ASSERT_EQ(map.size(), 12u);
  std::string previous;
  for (const auto& [key, value] : map) {
    EXPECT_LT(previous, key);
    previous = key;
  }
  EXPECT_EQ(map.at("c"), "again");
  EXPECT_EQ(map.at("z"), "z-value");
  EXPECT_TRUE(map.contains("q"));
  EXPECT_FALSE(map.contains("p"));
  EXPECT_EQ(map.find("p"), map.end());
  EXPECT_THROW((void)map.at("p"), std::out_of_range);
}

TEST(TagMap, SubscriptInsertsDefaultAndAssigns) {
  TagMap<double> metrics;
  metrics["b"] = 2;
  metrics["a"] += 1;
  EXPECT_EQ(metrics.at("a"), 1.0);
  EXPECT_EQ(metrics.begin()->first, "a");
  metrics.clear();
  EXPECT_TRUE(metrics.empty());
}

}  // namespace
}  // namespace srelab::telemetry
