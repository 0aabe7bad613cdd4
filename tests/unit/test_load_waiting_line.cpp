// The open loop's waiting line: first come first served, a request that waited past the timeout
// is dropped when a connection frees up, and a full line drops at once.
#include <gtest/gtest.h>

#include "load/waiting_line.hpp"

namespace srelab::load {
namespace {

using namespace std::chrono_literals;
using time_point = WaitingLine::time_point;

const time_point t0 = time_point{} + 1h;

TEST(LoadWaitingLine, OldestFirst) {
  WaitingLine line(10s, 100);
  EXPECT_TRUE(line.push(t0));
  EXPECT_TRUE(line.push(t0 + 5ms));
  std::uint64_t dropped = 0;
  EXPECT_EQ(line.pop(t0 + 10ms, dropped), t0);
  EXPECT_EQ(line.pop(t0 + 10ms, dropped), t0 + 5ms);
  EXPECT_EQ(line.pop(t0 + 10ms, dropped), std::nullopt);
  EXPECT_EQ(dropped, 0u);
}

TEST(LoadWaitingLine, WaitingPastTheTimeoutIsDropped) {
  WaitingLine line(1s, 100);
  for (int i = 0; i < 5; ++i) line.push(t0 + i * 100ms);
  std::uint64_t dropped = 0;
  // At t0 + 1.25 s, the requests due at 0, 0.1 and 0.2 s have waited more than a second.
  EXPECT_EQ(line.pop(t0 + 1250ms, dropped), t0 + 300ms);
  EXPECT_EQ(dropped, 3u);
  EXPECT_EQ(line.size(), 1u);
  EXPECT_EQ(line.pop(t0 + 1400ms, dropped), t0 + 400ms) << "exactly the timeout still goes";
}

TEST(LoadWaitingLine, AFullLineDropsAtOnce) {
  WaitingLine line(10s, 2);
  EXPECT_TRUE(line.push(t0));
  EXPECT_TRUE(line.push(t0));
  EXPECT_FALSE(line.push(t0));
  line.clear();
  EXPECT_EQ(line.size(), 0u);
}

}  // namespace
}  // namespace srelab::load
