#include <gtest/gtest.h>

#include <chrono>

#include "core/clock.hpp"

namespace srelab {
namespace {

using namespace std::chrono_literals;

TEST(SteadyClock, WallIsTheSystemTime) {
  const SteadyClock clock;
  const auto before = std::chrono::system_clock::now();
  const auto wall = clock.wall();
  const auto after = std::chrono::system_clock::now();
  EXPECT_GE(wall, before);
  EXPECT_LE(wall, after);
}

TEST(ManualClock, WallMovesWithNow) {
  ManualClock clock;
  const auto wall_then = clock.wall();
  clock.advance(5s);
  EXPECT_EQ(clock.wall(), wall_then + 5s);
}

}  // namespace
}  // namespace srelab
