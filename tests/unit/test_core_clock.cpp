#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/clock.hpp"

namespace srelab {
namespace {

using namespace std::chrono_literals;

TEST(SteadyClock, WallAtANowIsTheSystemTimeThen) {
  const SteadyClock clock;
  for (int i = 0; i < 3; ++i) {
    const auto before = std::chrono::system_clock::now();
    const auto wall = clock.wall_at(clock.now());
    const auto after = std::chrono::system_clock::now();
    // The offset is measured to within microseconds; a millisecond allows for a preemption.
    EXPECT_GE(wall, before - 1ms);
    EXPECT_LE(wall, after + 1ms);
    std::this_thread::sleep_for(60ms);  // the second and third pass cross a re-measurement
  }
}

TEST(SteadyClock, WallAtKeepsTheDistanceBetweenTwoReadings) {
  const SteadyClock clock;
  const auto first = clock.now();
  const auto second = first + 1234567ns;
  EXPECT_EQ(clock.wall_at(second) - clock.wall_at(first), 1234567ns);
}

TEST(ManualClock, WallAtIsTheWallTimeThatNowWouldHave) {
  ManualClock clock;
  const auto start = clock.now();
  const auto wall_then = clock.wall();
  clock.advance(5s);
  EXPECT_EQ(clock.wall(), wall_then + 5s);
  EXPECT_EQ(clock.wall_at(start), wall_then);
  EXPECT_EQ(clock.wall_at(clock.now()), clock.wall());
}

}  // namespace
}  // namespace srelab
