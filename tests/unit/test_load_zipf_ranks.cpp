// Zipf ranks through the head and tail tables: the shares they hold are the exact Zipf shares
// (head and tail alike), and draws past the head land on their shares too.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/random.hpp"
#include "load/zipf_ranks.hpp"

namespace srelab::load {
namespace {

std::vector<long double> exact_shares(double exponent, int n) {
  std::vector<long double> shares;
  long double total = 0;
  for (int rank = 1; rank <= n; ++rank) {
    shares.push_back(std::pow(static_cast<long double>(rank), -exponent));
    total += shares.back();
  }
  for (long double& share : shares) share /= total;
  return shares;
}

TEST(LoadZipfRanks, HoldTheExactSharesHeadAndTail) {
  for (const auto& [exponent, n] : {std::pair{1.0, 100'000}, std::pair{0.5, 5000},
                                    std::pair{1.1, 4096}, std::pair{3.0, 10'000}}) {
    const std::vector<double> shares = ZipfRanks(exponent, n).shares();
    const std::vector<long double> exact = exact_shares(exponent, n);
    ASSERT_EQ(shares.size(), exact.size());
    // Each table rounds to units of 2^-32 of a column (5.7e-14 in the head) and puts its
    // rounding residual on its first rank (a few hundred units).
    double worst = 0;
    for (int i = 0; i < n; ++i)
      worst = std::max(worst, static_cast<double>(std::abs(shares[i] - exact[i])));
    EXPECT_LT(worst, 1e-10) << "zipf:" << exponent << ":" << n;
  }
}

// A chi-square of two million draws over 20,000 ranks, most of them in the tail table: 19,999
// degrees of freedom average 19,999 with a spread of 200; 21,200 is six spreads out.
TEST(LoadZipfRanks, TailDrawsLandOnTheirShares) {
  constexpr int kRanks = 20'000;
  constexpr int kDraws = 2'000'000;
  const ZipfRanks ranks(1.0, kRanks);
  const std::vector<long double> exact = exact_shares(1.0, kRanks);
  std::vector<int> counts(kRanks + 1);
  Random random(21);
  for (int i = 0; i < kDraws; ++i) {
    const auto rank = ranks.draw(random);
    ASSERT_GE(rank, 1u);
    ASSERT_LE(rank, static_cast<std::uint64_t>(kRanks));
    ++counts[rank];
  }
  double chi_square = 0;
  for (int rank = 1; rank <= kRanks; ++rank) {
    const double expected = kDraws * static_cast<double>(exact[rank - 1]);  // >= 9.5
    chi_square += (counts[rank] - expected) * (counts[rank] - expected) / expected;
  }
  EXPECT_LT(chi_square, 21'200);
}

}  // namespace
}  // namespace srelab::load
