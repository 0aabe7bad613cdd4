#include <gtest/gtest.h>

#include <string>

#include "telemetry/byte_copy.hpp"

namespace srelab::telemetry {
namespace {

TEST(ByteCopy, EveryLengthIsCopiedExactlyAndNothingAround) {
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

}  // namespace
}  // namespace srelab::telemetry
