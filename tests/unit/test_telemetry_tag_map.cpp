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

TEST(TagMap, ClearedEntriesAreReusedWithoutTheirOldValues) {
  TagMap<std::string> map;
  for (const char* key : {"c", "a", "b"}) map.insert_or_assign(key, std::string(40, *key));
  map.clear();
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.find("a"), map.end());
  map["z"].append("new");  // takes a spare entry: its value starts empty
  map["b"];
  ASSERT_EQ(map.size(), 2u);
  EXPECT_EQ(map.begin()->first, "b");
  EXPECT_EQ(map.at("b"), "");
  EXPECT_EQ(map.at("z"), "new");
  EXPECT_FALSE(map.contains("a"));
  EXPECT_FALSE(map.contains("c"));
}

TEST(TagMap, CopiesAndComparisonsSeeOnlyLiveEntries) {
  TagMap<double> map;
  map["a"] = 1;
  map["b"] = 2;
  map.clear();
  map["a"] = 1;
  TagMap<double> fresh;
  fresh["a"] = 1;
  EXPECT_EQ(map, fresh);
  const TagMap<double> copy = map;
  EXPECT_EQ(copy.size(), 1u);
  EXPECT_EQ(copy, fresh);
  TagMap<double> moved = std::move(map);
  EXPECT_EQ(moved, fresh);
}

}  // namespace
}  // namespace srelab::telemetry
