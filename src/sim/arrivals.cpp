#include "sim/arrivals.hpp"

#include <chrono>
#include <cmath>

#include "sim/sim_request.hpp"

namespace srelab::sim {

Arrivals::Arrivals(std::uint64_t seed, bool poisson)
    : poisson_(poisson),
      id_random_(load::lane_random(seed, 0)),
      arrival_random_(load::lane_random(seed, 1)) {}

void Arrivals::set(const TrafficSegment& segment, std::int64_t now) {
  next_at_ = kNever;
  start_ = now;
  rate_ = segment.rate;
  ids_ = segment.ids;
  schedule_.reset();
  if (!(rate_ > 0)) return;
  if (poisson_) {
    next_poisson_ = now;
  } else {
    // Open-ended: the segment lasts until the next one replaces it.
    schedule_.emplace(rate_, std::chrono::hours(24 * 365 * 10));
  }
  advance();
}

void Arrivals::advance() {
  if (schedule_) {
    const auto offset = schedule_->next();
    next_at_ = offset ? start_ + offset->count() : kNever;
    return;
  }
  // Exponential gaps: -ln(1 - u) / rate, u in [0, 1).
  next_poisson_ += to_ns(-std::log1p(-arrival_random_.unit()) / rate_);
  next_at_ = next_poisson_;
}

}  // namespace srelab::sim
