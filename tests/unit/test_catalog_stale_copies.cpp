// StaleCopies, the bounded LRU of product JSON the product service falls back to.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "catalog/stale_copies.hpp"

namespace srelab::catalog {
namespace {

using namespace std::chrono_literals;

const Clock::time_point kT0 = Clock::time_point{} + 1h;

std::string json_of(std::int32_t id) {
  return R"({"id":)" + std::to_string(id) + "}";
}

// Which of `ids` are held, in the order given.
std::vector<std::int32_t> held(StaleCopies& copies, std::initializer_list<std::int32_t> ids) {
  std::vector<std::int32_t> found;
  for (std::int32_t id : ids) {
    if (copies.get(id)) found.push_back(id);
  }
  return found;
}

TEST(StaleCopies, GetReturnsWhatWasPut) {
  StaleCopies copies(4);
  EXPECT_FALSE(copies.get(1).has_value());
  copies.put(1, json_of(1), kT0);
  const auto copy = copies.get(1);
  ASSERT_TRUE(copy.has_value());
  EXPECT_EQ(copy->json, R"({"id":1})");
  EXPECT_EQ(copy->fetched_at, kT0);
  EXPECT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies.capacity(), 4u);
}

TEST(StaleCopies, EvictsTheLeastRecentlyPut) {
  StaleCopies copies(3);
  for (std::int32_t id = 1; id <= 5; ++id) copies.put(id, json_of(id), kT0);
  EXPECT_EQ(copies.size(), 3u);
  EXPECT_EQ(held(copies, {1, 2, 3, 4, 5}), (std::vector<std::int32_t>{3, 4, 5}));
}

TEST(StaleCopies, GetRefreshesRecency) {
  StaleCopies copies(3);
  copies.put(1, json_of(1), kT0);
  copies.put(2, json_of(2), kT0);
  copies.put(3, json_of(3), kT0);
  ASSERT_TRUE(copies.get(1));  // now 2 is the oldest
  copies.put(4, json_of(4), kT0);
  EXPECT_FALSE(copies.get(2));
  EXPECT_TRUE(copies.get(1));
  EXPECT_TRUE(copies.get(3));
  EXPECT_TRUE(copies.get(4));
}

TEST(StaleCopies, EvictionFollowsTheFullRecencyOrder) {
  StaleCopies copies(4);
  for (std::int32_t id = 1; id <= 4; ++id) copies.put(id, json_of(id), kT0);
  // Recency, most recent first, becomes 2 4 1 3.
  copies.get(3);
  copies.get(1);
  copies.get(4);
  copies.get(2);
  copies.put(10, json_of(10), kT0);  // evicts 3
  copies.put(11, json_of(11), kT0);  // evicts 1
  EXPECT_EQ(copies.size(), 4u);
  EXPECT_EQ(held(copies, {1, 2, 3, 4, 10, 11}), (std::vector<std::int32_t>{2, 4, 10, 11}));
}

TEST(StaleCopies, PutReplacesAndRefreshes) {
  StaleCopies copies(2);
  copies.put(1, "old", kT0);
  copies.put(2, json_of(2), kT0);
  copies.put(1, "new", kT0 + 5s);  // 1 becomes the most recent; 2 the oldest
  EXPECT_EQ(copies.size(), 2u);
  copies.put(3, json_of(3), kT0);
  EXPECT_FALSE(copies.get(2));
  const auto one = copies.get(1);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->json, "new");
  EXPECT_EQ(one->fetched_at, kT0 + 5s);
}

TEST(StaleCopies, AnOlderFetchDoesNotReplaceANewerCopy) {
  StaleCopies copies(2);
  copies.put(1, "newer", kT0 + 2s);
  copies.put(1, "older", kT0 + 1s);
  const auto one = copies.get(1);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->json, "newer");
  EXPECT_EQ(one->fetched_at, kT0 + 2s);
  copies.put(1, "same time", kT0 + 2s);  // equal times: the later put wins
  EXPECT_EQ(copies.get(1)->json, "same time");
}

TEST(StaleCopies, ClearCountsAndEmpties) {
  StaleCopies copies(10);
  EXPECT_EQ(copies.clear(), 0u);
  for (std::int32_t id = 1; id <= 7; ++id) copies.put(id, json_of(id), kT0);
  EXPECT_EQ(copies.clear(), 7u);
  EXPECT_EQ(copies.size(), 0u);
  EXPECT_FALSE(copies.get(3));
  copies.put(3, json_of(3), kT0);  // usable after a clear
  EXPECT_TRUE(copies.get(3));
}

TEST(StaleCopies, ZeroCapacityKeepsNothing) {
  StaleCopies copies(0);
  copies.put(1, json_of(1), kT0);
  EXPECT_EQ(copies.size(), 0u);
  EXPECT_FALSE(copies.get(1));
}

TEST(StaleCopies, SizeNeverExceedsCapacity) {
  StaleCopies copies(100);
  for (std::int32_t id = 0; id < 10000; ++id) {
    copies.put(id % 357, json_of(id), kT0);
    ASSERT_LE(copies.size(), 100u);
  }
  EXPECT_EQ(copies.size(), 100u);
}

TEST(StaleCopies, TwoThreadsPutAndGetSafely) {
  StaleCopies copies(64);
  constexpr int kOps = 20000;
  auto worker = [&](std::int32_t offset) {
    for (int i = 0; i < kOps; ++i) {
      const std::int32_t id = offset + i % 100;
      copies.put(id, json_of(id), kT0 + std::chrono::milliseconds(i));
      if (auto copy = copies.get((id * 7) % 200)) {
        // Every copy is whole: the JSON of its own id.
        ASSERT_EQ(copy->json.substr(0, 6), R"({"id":)");
      }
      if (i % 5000 == 4999) copies.clear();
    }
  };
  std::thread a(worker, 0);
  std::thread b(worker, 100);
  a.join();
  b.join();
  EXPECT_LE(copies.size(), 64u);
  for (std::int32_t id = 0; id < 200; ++id) {
    if (auto copy = copies.get(id)) {
      EXPECT_EQ(copy->json, json_of(id));
    }
  }
}

}  // namespace
}  // namespace srelab::catalog
