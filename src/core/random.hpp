// Seeded randomness (SplitMix64): the same seed gives the same sequence on every machine,
// which the seeding of the catalog and (later) chaos draws rely on.
#pragma once

#include <cstdint>

namespace srelab {

// The largest seed the lab takes or reports: a JSON number is a double to jq and to browsers,
// exact only up to 2^53, and a seed read back rounded would replay another run.
inline constexpr std::uint64_t kMaxSeed = (std::uint64_t{1} << 53) - 1;

// A seed drawn from 64 bits of entropy (a clock, random_device), folded into 0..kMaxSeed.
constexpr std::uint64_t reportable_seed(std::uint64_t entropy) {
  return entropy & kMaxSeed;
}

class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [low, high], both inclusive.
  std::uint64_t between(std::uint64_t low, std::uint64_t high) {
    return low + next() % (high - low + 1);
  }

  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

}  // namespace srelab
