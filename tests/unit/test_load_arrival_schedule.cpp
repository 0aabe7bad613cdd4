// The open loop's schedule: rate × duration requests at k / rate, split round-robin over lanes
// that together give the same times as one lane.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "load/arrival_schedule.hpp"

namespace srelab::load {
namespace {

using namespace std::chrono_literals;
using ns = std::chrono::nanoseconds;

std::vector<ns> all_of(ArrivalSchedule schedule) {
  std::vector<ns> times;
  while (auto t = schedule.next()) times.push_back(*t);
  return times;
}

TEST(LoadSchedule, RateTimesDurationAtEvenSpacing) {
  const auto times = all_of(ArrivalSchedule(200, 2s));
  ASSERT_EQ(times.size(), 400u);
  EXPECT_EQ(times[0], 0ns);
  EXPECT_EQ(times[1], 5ms);
  EXPECT_EQ(times.back(), 1995ms);
  EXPECT_EQ(ArrivalSchedule(200, 2s).total(), 400u);
}

TEST(LoadSchedule, FractionalRatesAndShortRuns) {
  EXPECT_EQ(ArrivalSchedule(0.5, 10s).total(), 5u);   // at 0, 2, 4, 6, 8 s
  EXPECT_EQ(ArrivalSchedule(3, 1500ms).total(), 5u);  // 0, .33, .67, 1, 1.33
  EXPECT_EQ(ArrivalSchedule(1000, 1ms).total(), 1u);
  const auto times = all_of(ArrivalSchedule(3, 1s));
  ASSERT_EQ(times.size(), 3u);
  EXPECT_EQ(times[1], ns(333'333'333));
}

TEST(LoadSchedule, LanesSplitTheSameTimes) {
  const auto whole = all_of(ArrivalSchedule(1000, 1s));
  std::vector<ns> merged;
  for (std::size_t lane = 0; lane < 3; ++lane) {
    const auto part = all_of(ArrivalSchedule(1000, 1s, lane, 3));
    EXPECT_TRUE(std::is_sorted(part.begin(), part.end()));
    EXPECT_NEAR(static_cast<double>(part.size()), 1000 / 3.0, 1);
    merged.insert(merged.end(), part.begin(), part.end());
  }
  std::sort(merged.begin(), merged.end());
  EXPECT_EQ(merged, whole);
}

TEST(LoadSchedule, DueBefore) {
  const ArrivalSchedule schedule(100, 2s);
  EXPECT_EQ(schedule.due_before(0ms), 0u);
  EXPECT_EQ(schedule.due_before(1ms), 1u);  // the one at 0
  EXPECT_EQ(schedule.due_before(1s), 100u);
  EXPECT_EQ(schedule.due_before(10s), 200u);
}

}  // namespace
}  // namespace srelab::load
