// Id distributions and path mixes: what parses, what does not, and the shares they draw with a
// seeded Random (hot set 90 % within a point, Zipf's ranks at their exact shares).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "load/id_distribution.hpp"
#include "load/path_mix.hpp"

namespace srelab::load {
namespace {

TEST(LoadIds, AcceptedAndRejectedForms) {
  for (const char* good : {"uniform:1-10000", "uniform:5-5", "zipf:1.1:10000", "zipf:0.5:1",
                           "hot:90%:100:1-10000", "hot:0%:1:1-2", "hot:100%:10:1-10"})
    EXPECT_TRUE(IdDistribution::parse(good)) << good;
  for (const char* bad :
       {"", "uniform", "uniform:0-10", "uniform:10-1", "uniform:1-", "uniform:a-b", "zipf:1.1",
        "zipf:0:100", "zipf:-1:100", "zipf:1.1:0", "zipf:1.1:2000000", "hot:90:100:1-10000",
        "hot:101%:100:1-10000", "hot:90%:0:1-10000", "hot:90%:20000:1-10000", "normal:1-10",
        "uniform:1-10:extra"})
    EXPECT_FALSE(IdDistribution::parse(bad)) << bad;
}

// Runs with different seeds, and the threads of one run, ask for different ids: no stream is
// another's shifted by a few draws (seed 1 once replayed seed 7's ids six draws late).
TEST(LoadIds, SeedsAndLanesDrawUnrelatedStreams) {
  const auto draws = [](std::uint64_t seed, std::uint64_t lane) {
    Random random = lane_random(seed, lane);
    std::vector<std::uint64_t> out;
    for (int i = 0; i < 200; ++i) out.push_back(random.next());
    return out;
  };
  const auto repeats = [](const std::vector<std::uint64_t>& a,
                          const std::vector<std::uint64_t>& b) {
    std::set<std::uint64_t> seen(a.begin(), a.end());
    return std::count_if(b.begin(), b.end(), [&](std::uint64_t x) { return seen.count(x) > 0; });
  };
  EXPECT_EQ(draws(1, 0), draws(1, 0)) << "repeatable";
  for (std::uint64_t other : {2u, 7u, 8u, 100u})
    EXPECT_EQ(repeats(draws(1, 0), draws(other, 0)), 0);
  EXPECT_EQ(repeats(draws(1, 0), draws(1, 1)), 0);
  EXPECT_EQ(repeats(draws(7, 0), draws(1, 1)), 0);
}

TEST(LoadIds, UniformStaysInRangeAndIsRepeatable) {
  const auto ids = *IdDistribution::parse("uniform:10-20");
  Random a(3), b(3);
  std::map<std::uint64_t, int> seen;
  for (int i = 0; i < 10'000; ++i) {
    const auto id = ids.next(a);
    EXPECT_EQ(id, ids.next(b));
    ASSERT_GE(id, 10u);
    ASSERT_LE(id, 20u);
    ++seen[id];
  }
  EXPECT_EQ(seen.size(), 11u);
}

TEST(LoadIds, HotSetGetsItsShare) {
  const auto ids = *IdDistribution::parse("hot:90%:100:1-10000");
  Random random(5);
  constexpr int kDraws = 200'000;
  int hot = 0;
  for (int i = 0; i < kDraws; ++i) {
    const auto id = ids.next(random);
    ASSERT_GE(id, 1u);
    ASSERT_LE(id, 10000u);
    if (id <= 100) ++hot;
  }
  // 90 % drawn from the hot ids, plus the 1 % of the uniform rest that lands on them.
  EXPECT_NEAR(static_cast<double>(hot) / kDraws, 0.90 + 0.10 * 0.01, 0.005);
}

TEST(LoadIds, ZipfRankOneHasItsTheoreticalShare) {
  const auto ids = *IdDistribution::parse("zipf:1.1:10000");
  double harmonic = 0;
  for (int rank = 1; rank <= 10000; ++rank) harmonic += std::pow(rank, -1.1);
  Random random(9);
  constexpr int kDraws = 200'000;
  int first = 0, second = 0;
  for (int i = 0; i < kDraws; ++i) {
    const auto id = ids.next(random);
    ASSERT_GE(id, 1u);
    ASSERT_LE(id, 10000u);
    first += id == 1;
    second += id == 2;
  }
  EXPECT_NEAR(static_cast<double>(first) / kDraws, 1 / harmonic, 0.005);
  EXPECT_NEAR(static_cast<double>(second) / kDraws, std::pow(2, -1.1) / harmonic, 0.005);
}

// Every rank, not just the first ones: a chi-square of a million draws against the exact Zipf
// shares. With 999 degrees of freedom the statistic averages 999 with a spread of 45; 1270 is
// six spreads out, while a rank off by one or a skewed column choice costs thousands.
TEST(LoadIds, ZipfDrawsEveryRankAtItsExactShare) {
  constexpr int kRanks = 1000;
  constexpr int kDraws = 1'000'000;
  const auto ids = *IdDistribution::parse("zipf:1.0:1000");
  double harmonic = 0;
  for (int rank = 1; rank <= kRanks; ++rank) harmonic += 1.0 / rank;
  std::vector<int> counts(kRanks + 1);
  Random random(12);
  for (int i = 0; i < kDraws; ++i) {
    const auto id = ids.next(random);
    ASSERT_GE(id, 1u);
    ASSERT_LE(id, static_cast<std::uint64_t>(kRanks));
    ++counts[id];
  }
  double chi_square = 0;
  for (int rank = 1; rank <= kRanks; ++rank) {
    const double expected = kDraws / (rank * harmonic);  // >= 133 at rank 1000
    chi_square += (counts[rank] - expected) * (counts[rank] - expected) / expected;
  }
  EXPECT_LT(chi_square, 1270);
}

TEST(LoadPaths, WeightsAndIdSubstitution) {
  const auto mix = *PathMix::parse("/products/{id}:9,/healthz:1");
  ASSERT_EQ(mix.paths().size(), 2u);
  EXPECT_EQ(mix.paths()[0].weight, 9u);
  EXPECT_TRUE(mix.uses_ids());
  Random random(1);
  int products = 0;
  for (int i = 0; i < 100'000; ++i) products += mix.pick(random).path == "/products/{id}";
  EXPECT_NEAR(products / 100'000.0, 0.9, 0.01);
  std::string target;
  PathMix::append_target(target, mix.paths()[0], 42);
  EXPECT_EQ(target, "/products/42");
  target.clear();
  PathMix::append_target(target, mix.paths()[1], 42);
  EXPECT_EQ(target, "/healthz");
}

TEST(LoadPaths, RejectedForms) {
  for (const char* bad : {"", "healthz", "/a:0", "/a,", ",/a", "/a b", "/a:9,/b:2000000"})
    EXPECT_FALSE(PathMix::parse(bad)) << bad;
  EXPECT_TRUE(PathMix::parse("/x?y=1:3"));
  EXPECT_FALSE(PathMix::parse("/healthz")->uses_ids());
}

}  // namespace
}  // namespace srelab::load
