// The clients' open-loop traffic in the twin: when the next request is due and which product it
// asks for, from the load generator's own arrival schedule and id distribution (or exponential
// gaps when the scenario asks for Poisson arrivals). The engine keeps the next arrival beside its
// event heap, not in it: one heap entry per request would double the heap's work on a cache hit.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

#include "core/random.hpp"
#include "load/arrival_schedule.hpp"
#include "load/id_distribution.hpp"
#include "sim/scenario.hpp"

namespace srelab::sim {

class Arrivals {
 public:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

  Arrivals(std::uint64_t seed, bool poisson);

  // From `now` on, this segment's rate and ids (segment.at_s is ignored); a rate of 0 stops.
  void set(const TrafficSegment& segment, std::int64_t now);
  // When the next request is due (simulated ns), kNever when none is.
  std::int64_t next_at() const { return next_at_; }
  // The request due at next_at() has arrived: schedule the one after it.
  void advance();
  // The product the request arriving now asks for.
  std::uint64_t next_id() { return ids_.next(id_random_); }

 private:
  bool poisson_;
  std::int64_t next_at_ = kNever;
  std::int64_t start_ = 0;
  double rate_ = 0;
  load::IdDistribution ids_ = *load::IdDistribution::parse("uniform:1-1");
  std::optional<load::ArrivalSchedule> schedule_;
  std::int64_t next_poisson_ = 0;
  Random id_random_;
  Random arrival_random_;
};

}  // namespace srelab::sim
