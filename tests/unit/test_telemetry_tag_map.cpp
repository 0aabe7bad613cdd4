#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "telemetry/tag_map.hpp"

namespace srelab::telemetry {
namespace {

TEST(TagMap, KeepsKeysUniqueInInsertionOrderAcrossGrowth) {
  TagMap<std::string> map;
  // More keys than the first capacity: every insertion that grows the vector must keep them all.
  const std::vector<std::string> keys = {"m", "c", "x", "a", "q", "b",
                                         "z", "k", "d", "y", "e", "n"};
  for (const auto& key : keys) map.insert_or_assign(key, key + "-value");
  map.insert_or_assign("c", "again");
  map.insert_or_assign("ab", "same length as none above");  // lengths differ: still found apart
  ASSERT_EQ(map.size(), 13u);
  std::size_t i = 0;
  for (const auto& [key, value] : map) {
    if (i < keys.size()) {
      EXPECT_EQ(key, keys[i]);
    }
    ++i;
  }
  EXPECT_EQ(map.at("c"), "again");
  EXPECT_EQ(map.at("z"), "z-value");
  EXPECT_EQ(map.at("ab"), "same length as none above");
  EXPECT_TRUE(map.contains("q"));
  EXPECT_FALSE(map.contains("p"));
  EXPECT_FALSE(map.contains("a-"));
  EXPECT_EQ(map.find("p"), map.end());
  EXPECT_THROW((void)map.at("p"), std::out_of_range);
}

TEST(TagMap, SubscriptInsertsDefaultAndAssigns) {
  TagMap<double> metrics;
  metrics["b"] = 2;
  metrics["a"] += 1;
  EXPECT_EQ(metrics.at("a"), 1.0);
  EXPECT_EQ(metrics.begin()->first, "b");  // insertion order
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
  EXPECT_EQ(map.begin()->first, "z");
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
  TagMap<double> two;
  two["x"] = 1;
  two["y"] = 2;
  TagMap<double> reversed;
  reversed["y"] = 2;
  reversed["x"] = 1;
  EXPECT_EQ(two, reversed);  // the order does not matter
  reversed["x"] = 3;
  EXPECT_FALSE(two == reversed);
  const TagMap<double> copy = map;
  EXPECT_EQ(copy.size(), 1u);
  EXPECT_EQ(copy, fresh);
  TagMap<double> moved = std::move(map);
  EXPECT_EQ(moved, fresh);
}

}  // namespace
}  // namespace srelab::telemetry
