// The alias table behind the Zipf ids: the shares it holds are the weights' exact shares (to its
// 2^-32-of-a-column units), zero weights are never drawn, and the draws land on the shares.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/random.hpp"
#include "load/alias_table.hpp"

namespace srelab::load {
namespace {

std::vector<double> zipf_weights(double exponent, int n) {
  std::vector<double> weights;
  for (int rank = 1; rank <= n; ++rank) weights.push_back(std::pow(rank, -exponent));
  return weights;
}

TEST(LoadAliasTable, HoldsTheExactZipfShares) {
  struct Case {
    double exponent;
    int n;
  };
  for (const Case c : {Case{1.0, 100'000}, Case{1.1, 10'000}, Case{0.5, 1000}, Case{10, 1000},
                       Case{2, 1}, Case{1, 2}}) {
    const std::vector<double> weights = zipf_weights(c.exponent, c.n);
    long double total = 0;
    for (double w : weights) total += w;
    const std::vector<double> shares = AliasTable(weights).shares();
    ASSERT_EQ(shares.size(), weights.size());
    // In the table's units (2^-32 of a column): each share is its weight rounded to the nearest
    // unit, except rank 1, which also holds the rounding residual of all the others.
    const double unit = std::ldexp(1.0, -32) / c.n;
    double worst = 0;
    for (int i = 1; i < c.n; ++i)
      worst = std::max(worst, std::abs(shares[i] - static_cast<double>(weights[i] / total)) / unit);
    EXPECT_LE(worst, 0.51) << "zipf:" << c.exponent << ":" << c.n;
    EXPECT_LE(std::abs(shares[0] - static_cast<double>(weights[0] / total)) / unit, 1000)
        << "zipf:" << c.exponent << ":" << c.n;
  }
}

TEST(LoadAliasTable, NeverDrawsAZeroWeight) {
  const AliasTable table({0, 1, 0, 3});
  const std::vector<double> shares = table.shares();
  EXPECT_EQ(shares, (std::vector<double>{0, 0.25, 0, 0.75}));
  Random random(4);
  int heavy = 0;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) {
    const auto index = table.draw(random.next());
    ASSERT_TRUE(index == 1 || index == 3) << index;
    heavy += index == 3;
  }
  EXPECT_NEAR(static_cast<double>(heavy) / kDraws, 0.75, 0.005);
}

// The draw splits one number into a column and a position inside it: the extreme inputs stay in
// range and reach both ends of the table.
TEST(LoadAliasTable, ExtremeBitsStayInRange) {
  const AliasTable table(zipf_weights(1.0, 7));
  EXPECT_LT(table.draw(~std::uint64_t{0}), 7u);
  EXPECT_EQ(table.draw(0), 0u);  // column 0 is rank 1's own, the heaviest
}

}  // namespace
}  // namespace srelab::load
