// Following the gateway's log file: lines split in bounded memory (LineBuffer), and the file
// read as it grows, appears, is rotated or truncated (LogFollower, on files in a temporary
// directory: no network, no sleeping).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gateway/line_buffer.hpp"
#include "gateway/log_follower.hpp"

namespace srelab::gateway {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> feed(LineBuffer& buffer, std::string_view bytes) {
  std::vector<std::string> lines;
  buffer.feed(bytes, [&](std::string_view line) { lines.emplace_back(line); });
  return lines;
}

TEST(GatewayLineBuffer, CompleteLinesOnlyAcrossChunks) {
  LineBuffer buffer;
  EXPECT_EQ(feed(buffer, "one\ntw"), std::vector<std::string>{"one"});
  EXPECT_EQ(buffer.pending_bytes(), 2u);
  EXPECT_EQ(feed(buffer, "o\n\nthree\n"), (std::vector<std::string>{"two", "", "three"}));
  EXPECT_EQ(buffer.pending_bytes(), 0u);
}

TEST(GatewayLineBuffer, ATooLongLineIsDroppedWholeAndCounted) {
  LineBuffer buffer(8);
  EXPECT_TRUE(feed(buffer, "12345").empty());
  EXPECT_TRUE(feed(buffer, "6789abc").empty()) << "over 8 bytes: dropped";
  EXPECT_EQ(buffer.pending_bytes(), 0u) << "memory stays bounded";
  EXPECT_EQ(feed(buffer, "def\nok\n"), std::vector<std::string>{"ok"});
  EXPECT_EQ(buffer.dropped_lines(), 1u);
  EXPECT_EQ(feed(buffer, "12345678\n"), std::vector<std::string>{"12345678"}) << "8 fits";
}

class GatewayLogFollower : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sre-lab-follower-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ / "gateway.log";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void append(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::app) << text;
  }
  std::vector<std::string> poll(LogFollower& follower) {
    std::vector<std::string> lines;
    follower.poll([&](std::string_view line) { lines.emplace_back(line); });
    return lines;
  }

  fs::path dir_;
  fs::path path_;
};

TEST_F(GatewayLogFollower, AnExistingFileIsReadFromItsEnd) {
  append(path_, "earlier run\n");
  LogFollower follower(path_);
  EXPECT_TRUE(poll(follower).empty());
  append(path_, "a\nb");
  EXPECT_EQ(poll(follower), std::vector<std::string>{"a"});
  append(path_, "\n");
  EXPECT_EQ(poll(follower), std::vector<std::string>{"b"});
}

TEST_F(GatewayLogFollower, AMissingFileIsReadFromItsStartOnceItAppears) {
  LogFollower follower(path_);
  EXPECT_TRUE(poll(follower).empty());
  append(path_, "first\n");
  EXPECT_EQ(poll(follower), std::vector<std::string>{"first"});
}

TEST_F(GatewayLogFollower, RotationReadsTheOldFileToItsEndThenTheNewOne) {
  LogFollower follower(path_);
  append(path_, "1\n");
  EXPECT_EQ(poll(follower), std::vector<std::string>{"1"});
  append(path_, "2\n");
  fs::rename(path_, dir_ / "gateway.log.1");
  append(dir_ / "gateway.log.1", "3\n");  // the writer still holds the old file
  EXPECT_EQ(poll(follower), (std::vector<std::string>{"2", "3"})) << "nothing at the path yet";
  append(path_, "4\n");
  EXPECT_EQ(poll(follower), std::vector<std::string>{"4"});
  EXPECT_EQ(follower.reopened(), 1u);
}

TEST_F(GatewayLogFollower, TruncationStartsOver) {
  LogFollower follower(path_);
  append(path_, "a long first line\n");
  EXPECT_EQ(poll(follower).size(), 1u);
  fs::resize_file(path_, 0);
  append(path_, "x\n");
  EXPECT_EQ(poll(follower), std::vector<std::string>{"x"});
}

TEST_F(GatewayLogFollower, EachPollReadsABoundedAmount) {
  LogFollower follower(path_, 10);
  append(path_, "aaaa\nbbbb\ncccc\n");
  EXPECT_EQ(poll(follower), (std::vector<std::string>{"aaaa", "bbbb"}));
  EXPECT_EQ(poll(follower), std::vector<std::string>{"cccc"});
}

}  // namespace
}  // namespace srelab::gateway
