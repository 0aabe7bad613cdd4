// Which product id the next request asks for: uniform over a range, Zipf over ranks 1..n (rank r
// is id r, so id 1 is the hottest), or a hot set (a share of the requests on the first COUNT ids
// of a range, the rest uniform over the whole range). The load generator draws from it per
// request; a seeded Random makes a run's ids repeatable, and the simulator can draw the same way.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "load/zipf_ranks.hpp"

namespace srelab::load {

inline constexpr std::string_view kIdsForm =
    "uniform:LOW-HIGH, zipf:EXPONENT:N (N <= 1000000) or hot:PERCENT%:COUNT:LOW-HIGH";

// The draws of one of a run's threads (`lane`). The stream starts at a hash of (seed, lane):
// SplitMix64 walks its state in steps of its own constant, so a start of seed * that constant
// made seed k + n replay seed k's draws n steps later (a warm-up run with another seed asked for
// the very same ids).
inline Random lane_random(std::uint64_t seed, std::uint64_t lane) {
  return Random(Random(seed ^ (lane * 0xd1b54a32d192ed03ULL)).next());
}

class IdDistribution {
 public:
  enum class Kind { uniform, zipf, hot };

  // nullopt for anything but the forms of kIdsForm with 1 <= LOW <= HIGH, 0 < EXPONENT <= 10,
  // 0 <= PERCENT <= 100 and 1 <= COUNT <= HIGH - LOW + 1.
  static std::optional<IdDistribution> parse(std::string_view text);

  std::uint64_t next(Random& random) const;

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }  // as parsed, for reports

 private:
  IdDistribution() = default;

  Kind kind_ = Kind::uniform;
  std::string text_;
  std::uint64_t low_ = 1;
  std::uint64_t high_ = 1;
  double hot_share_ = 0;  // hot: the share of draws on [low, low + hot_count)
  std::uint64_t hot_count_ = 0;
  // zipf: shared by the copies each thread holds
  std::shared_ptr<const ZipfRanks> zipf_;
};

}  // namespace srelab::load
