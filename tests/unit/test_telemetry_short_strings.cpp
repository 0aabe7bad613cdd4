#include <gtest/gtest.h>

#include <string>

#include "telemetry/short_strings.hpp"

namespace srelab::telemetry {
namespace {

TEST(ShortStrings, EveryLengthIsCopiedExactlyAndNothingAround) {
  std::string source(100, '\0');
  for (std::size_t i = 0; i < source.size(); ++i) source[i] = static_cast<char>('A' + i % 50);
  for (std::size_t n = 0; n <= 80; ++n) {
    for (std::size_t offset : {0u, 1u, 7u}) {  // unaligned sources and targets too
      std::string target(120, '.');
      copy_bytes(target.data() + offset + 3, source.data() + offset, n);
      EXPECT_EQ(target.substr(0, offset + 3), std::string(offset + 3, '.')) << n;
      EXPECT_EQ(target.substr(offset + 3, n), source.substr(offset, n)) << n;
      EXPECT_EQ(target.substr(offset + 3 + n), std::string(120 - offset - 3 - n, '.')) << n;
    }
  }
}

TEST(ShortStrings, EveryLengthComparesEqualOnlyWhenEveryByteIs) {
  const std::string a(80, 'x');
  for (std::size_t n = 0; n <= 40; ++n) {
    EXPECT_TRUE(same_bytes(a.data(), std::string(n, 'x').data(), n)) << n;
    for (std::size_t at = 0; at < n; ++at) {  // one byte different, wherever it is
      std::string b(n, 'x');
      b[at] = 'y';
      EXPECT_FALSE(same_bytes(a.data(), b.data(), n)) << n << " at " << at;
    }
  }
}

}  // namespace
}  // namespace srelab::telemetry
