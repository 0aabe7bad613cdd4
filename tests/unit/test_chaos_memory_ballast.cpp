// MemoryBallast: sizes add up, the cap refuses without adding, clear gives the count back, and
// the memory is really resident while held and really returned when cleared.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <vector>

#include "chaos/memory_ballast.hpp"

namespace srelab::chaos {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

TEST(MemoryBallast, StartsEmpty) {
  MemoryBallast ballast(4 * kMiB);
  EXPECT_EQ(ballast.size_bytes(), 0u);
  EXPECT_EQ(ballast.cap_bytes(), 4 * kMiB);
  EXPECT_EQ(ballast.clear(), 0u);
}

TEST(MemoryBallast, SizesAddUp) {
  MemoryBallast ballast(4 * kMiB);
  ASSERT_TRUE(ballast.add(kMiB));
  EXPECT_EQ(ballast.size_bytes(), kMiB);
  ASSERT_TRUE(ballast.add(2 * kMiB + 123));  // not a whole number of blocks
  EXPECT_EQ(ballast.size_bytes(), 3 * kMiB + 123);
  ASSERT_TRUE(ballast.add(0));
  EXPECT_EQ(ballast.size_bytes(), 3 * kMiB + 123);
}

TEST(MemoryBallast, UpToTheCapExactly) {
  MemoryBallast ballast(4 * kMiB);
  ASSERT_TRUE(ballast.add(3 * kMiB));
  ASSERT_TRUE(ballast.add(kMiB));
  EXPECT_EQ(ballast.size_bytes(), 4 * kMiB);
}

TEST(MemoryBallast, BeyondTheCapAddsNothing) {
  MemoryBallast ballast(4 * kMiB);
  ASSERT_TRUE(ballast.add(3 * kMiB));
  auto added = ballast.add(kMiB + 1);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error(), errc::invalid_argument);
  EXPECT_EQ(ballast.size_bytes(), 3 * kMiB);

  MemoryBallast empty(4 * kMiB);
  EXPECT_EQ(empty.add(5 * kMiB).error(), errc::invalid_argument);
  EXPECT_EQ(empty.add(~std::size_t{0}).error(), errc::invalid_argument);  // no overflow
  EXPECT_EQ(empty.size_bytes(), 0u);
}

TEST(MemoryBallast, ClearReturnsWhatWasHeldAndEmpties) {
  MemoryBallast ballast(4 * kMiB);
  ASSERT_TRUE(ballast.add(2 * kMiB));
  ASSERT_TRUE(ballast.add(kMiB / 2));
  EXPECT_EQ(ballast.clear(), 2 * kMiB + kMiB / 2);
  EXPECT_EQ(ballast.size_bytes(), 0u);
  EXPECT_EQ(ballast.clear(), 0u);
  ASSERT_TRUE(ballast.add(4 * kMiB)) << "the whole cap is free again";
}

// Resident set size of this process, from /proc (Linux).
std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// Several rounds, with the process allocating other things meanwhile as a server would (the
// `others`, which stay). That is what would defeat blocks from new[]: glibc serves them by mmap
// only until the first is freed, then from the heap, under the other allocations, where free()
// cannot give them back; RSS would stay up from the second round on.
TEST(MemoryBallast, MemoryIsResidentWhileHeldAndReturnedOnClear) {
  MemoryBallast ballast(4 * kMiB);
  std::vector<std::unique_ptr<int>> others;
  constexpr std::size_t kMargin = 5 * kMiB / 2;  // of 3 MiB, for the noise of the test itself
  for (int round = 0; round < 3; ++round) {
    const std::size_t before = resident_bytes();
    ASSERT_TRUE(ballast.add(3 * kMiB));
    others.push_back(std::make_unique<int>(round));
    const std::size_t held = resident_bytes();
    EXPECT_GE(held, before + kMargin) << "round " << round;
    EXPECT_EQ(ballast.clear(), 3 * kMiB);
    EXPECT_LE(resident_bytes(), held - kMargin) << "round " << round;
  }
}

}  // namespace
}  // namespace srelab::chaos
