#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "telemetry/msgpack_reader.hpp"
#include "telemetry/tag_map.hpp"

namespace srelab::telemetry {
namespace {

TEST(TagMap, KeepsKeysUniqueInInsertionOrderAcrossGrowth) {
  TagMap<std::string> map;
  // More keys than the first capacity: every insertion that grows the vector must keep them all.
  const std::vector<std::string> keys = {"m", "c", "x", "a", "q", "b",
                                         "z", "k", "d", "y", "e", "n"};
  for (const auto& key : keys) map.set(key, key + "-value");
  map.set("c", "again");
  map.set("ab", "same length as none above");  // lengths differ: still found apart
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

TEST(TagMap, NumbersKeepInsertionOrderAndAreReplacedInPlace) {
  TagMap<double> metrics;
  metrics.set("b", 2);
  metrics.set("a", 1);
  metrics.set("b", 3);
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics.at("b"), 3.0);
  EXPECT_EQ(metrics.begin()->first, "b");  // insertion order, replaced where it was
  metrics.clear();
  EXPECT_TRUE(metrics.empty());
  EXPECT_FALSE(metrics.contains("a"));
}

TEST(TagMap, AClearedMapIsRefilledWithoutItsOldEntriesAndKeepsItsRoom) {
  TagMap<std::string> map;
  for (const char* key : {"c", "a", "b"}) map.set(key, std::string(40, *key));
  const std::size_t room = map.retained_bytes();
  map.clear();
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.find("a"), map.end());
  EXPECT_EQ(map.retained_bytes(), room);
  map.set_joined("z", {"n", "", "ew"});
  map.set("b", "");
  ASSERT_EQ(map.size(), 2u);
  EXPECT_EQ(map.begin()->first, "z");
  EXPECT_EQ(map.at("b"), "");
  EXPECT_EQ(map.at("z"), "new");
  EXPECT_FALSE(map.contains("a"));
  EXPECT_FALSE(map.contains("c"));
  EXPECT_EQ(map.retained_bytes(), room) << "refilled within the room it had";
}

TEST(TagMap, AValueTakenFromTheMapItselfIsCopiedSafely) {
  TagMap<std::string> map;
  map.set("source", std::string(100, 's'));
  // Each set appends to the map's buffer, which grows (and moves) as it goes.
  for (int i = 0; i < 50; ++i) map.set("copy" + std::to_string(i), map.at("source"));
  map.set_joined("joined", {map.at("copy49"), "+", map.at("source")});
  EXPECT_EQ(map.at("copy0"), std::string(100, 's'));
  EXPECT_EQ(map.at("copy49"), std::string(100, 's'));
  EXPECT_EQ(map.at("joined"), std::string(100, 's') + "+" + std::string(100, 's'));
  const auto first = map.begin();
  map.set(first->first, "own key");  // the key, too, is the map's own bytes
  EXPECT_EQ(map.at("source"), "own key");
  EXPECT_EQ(map.size(), 52u);
}

TEST(TagMap, CopiesAndComparisonsSeeOnlyLiveEntries) {
  TagMap<double> map;
  map.set("a", 1);
  map.set("b", 2);
  map.clear();
  map.set("a", 1);
  TagMap<double> fresh;
  fresh.set("a", 1);
  EXPECT_EQ(map, fresh);
  TagMap<double> two;
  two.set("x", 1);
  two.set("y", 2);
  TagMap<double> reversed;
  reversed.set("y", 2);
  reversed.set("x", 1);
  EXPECT_EQ(two, reversed);  // the order does not matter
  reversed.set("x", 3);
  EXPECT_FALSE(two == reversed);
  const TagMap<double> copy = map;
  EXPECT_EQ(copy.size(), 1u);
  EXPECT_EQ(copy, fresh);
  TagMap<double> moved = std::move(map);
  EXPECT_EQ(moved, fresh);
  TagMap<std::string> text;
  text.set("k", "old value");
  text.set("k", "v");  // the old bytes stay behind, unseen
  TagMap<std::string> other;
  other.set("k", "v");
  EXPECT_EQ(text, other);
  EXPECT_EQ(TagMap<std::string>(text).at("k"), "v");
}

// What the Datadog payload copies whole: the pairs after a map header decode to the map.
MsgpackValue decode_pairs(std::size_t count, std::string_view pairs) {
  std::string map(1, static_cast<char>(0xde));  // map16: any count below 65536
  map += static_cast<char>(count >> 8);
  map += static_cast<char>(count & 0xff);
  map += pairs;
  auto decoded = msgpack_decode(map);
  EXPECT_TRUE(decoded.has_value());
  return decoded.has_value() ? *decoded : MsgpackValue{};
}

TEST(TagMap, PackedPairsAreTheEntriesInMessagePackInOrder) {
  TagMap<std::string> meta;
  meta.set("short", "v");
  meta.set("str8", std::string(40, 'e'));
  meta.set_joined("str16", {std::string(200, 'a'), std::string(100, 'b')});
  meta.set("short", "w");  // same size: in place
  auto pairs = meta.packed_pairs();
  ASSERT_TRUE(pairs.has_value());
  MsgpackValue decoded = decode_pairs(meta.size(), *pairs);
  ASSERT_EQ(decoded.map().size(), 3u);
  EXPECT_EQ(decoded.map()[0].key.str(), "short");
  EXPECT_EQ(decoded.map()[0].value.str(), "w");
  EXPECT_EQ(decoded.map()[1].value.wire, MsgpackWire::str8);
  EXPECT_EQ(decoded.map()[2].key.str(), "str16");
  EXPECT_EQ(decoded.map()[2].value.wire, MsgpackWire::str16);
  EXPECT_EQ(decoded.map()[2].value.str(), std::string(200, 'a') + std::string(100, 'b'));

  meta.set("str16", "now short");  // the last value: rewritten where it was
  pairs = meta.packed_pairs();
  ASSERT_TRUE(pairs.has_value());
  EXPECT_EQ(decode_pairs(meta.size(), *pairs).map()[2].value.str(), "now short");
  EXPECT_EQ(pairs->size(), meta.stored_bytes());

  meta.set("str8", "shorter");  // another size, not last: a gap, so no packed form
  EXPECT_FALSE(meta.packed_pairs().has_value());
  EXPECT_EQ(meta.at("str8"), "shorter");
  EXPECT_EQ(meta.at("str16"), "now short");
  EXPECT_GE(meta.stored_bytes(), 37u) << "at least the live pairs' bytes";
  meta.clear();
  meta.set("again", "packed");
  ASSERT_TRUE(meta.packed_pairs().has_value());
  EXPECT_EQ(decode_pairs(1, *meta.packed_pairs()).map()[0].value.str(), "packed");

  TagMap<double> metrics;
  metrics.set("a", 1.5);
  metrics.set("b", -2);
  metrics.set("a", 3);
  ASSERT_TRUE(metrics.packed_pairs().has_value());
  decoded = decode_pairs(metrics.size(), *metrics.packed_pairs());
  ASSERT_EQ(decoded.map().size(), 2u);
  EXPECT_EQ(decoded.map()[0].value.wire, MsgpackWire::float64);
  EXPECT_EQ(std::get<double>(decoded.map()[0].value.data), 3.0);
  EXPECT_EQ(std::get<double>(decoded.map()[1].value.data), -2.0);
}

TEST(TagMap, KeysSharingAFilterBitAreStillToldApart) {
  // 200 keys over 64 filter bits: many share one, and each lookup must still find its own.
  TagMap<std::string> map;
  for (int i = 0; i < 200; ++i) map.set("key." + std::to_string(i), std::to_string(i));
  for (int i = 0; i < 200; ++i) map.set("key." + std::to_string(i), std::to_string(i * 2));
  ASSERT_EQ(map.size(), 200u);
  for (int i = 0; i < 200; ++i)
    EXPECT_EQ(map.at("key." + std::to_string(i)), std::to_string(i * 2));
  for (int i = 200; i < 260; ++i) EXPECT_FALSE(map.contains("key." + std::to_string(i)));
  EXPECT_FALSE(map.contains(""));
  map.set("", "empty key");
  EXPECT_EQ(map.at(""), "empty key");
}

}  // namespace
}  // namespace srelab::telemetry
