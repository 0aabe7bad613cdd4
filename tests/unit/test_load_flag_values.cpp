// The load command's value parsers: durations and target URLs, accepted and rejected.
#include <gtest/gtest.h>

#include "load/flag_values.hpp"

namespace srelab::load {
namespace {

using namespace std::chrono_literals;

TEST(LoadFlags, Durations) {
  EXPECT_EQ(parse_duration("60s"), 60s);
  EXPECT_EQ(parse_duration("2m"), 120s);
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("1.5"), 1500ms);
  EXPECT_EQ(parse_duration("30"), 30s);
  EXPECT_EQ(parse_duration("1h"), 3600s);
  for (const char* bad :
       {"", "s", "0", "0s", "-5s", "abc", "5x", "1e9", "nan", "0.0001s", "25h", "5 s", "ms"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(LoadFlags, Targets) {
  auto t = parse_target("http://127.0.0.1:8080");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(t->text(), "http://127.0.0.1:8080");
  t = parse_target("http://localhost/");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "localhost");
  EXPECT_EQ(t->port, 80);
  for (const char* bad : {"", "127.0.0.1:8080", "https://127.0.0.1:8443", "http://", "http://:80",
                          "http://host:0", "http://host:70000", "http://host:x",
                          "http://host:80/path", "http://u@host:80", "ftp://host"})
    EXPECT_FALSE(parse_target(bad)) << bad;
}

}  // namespace
}  // namespace srelab::load
