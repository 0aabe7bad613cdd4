#include "load/arrival_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace srelab::load {

ArrivalSchedule::ArrivalSchedule(double rate, duration total, std::size_t lane, std::size_t lanes)
    : rate_(rate), next_k_(lane), step_(std::max<std::size_t>(lanes, 1)) {
  // k / rate < total  ⇔  k < total × rate: the count is the ceiling of total × rate.
  const double seconds = std::chrono::duration<double>(total).count();
  total_ = static_cast<std::uint64_t>(std::ceil(seconds * rate_ - 1e-9));
}

std::optional<ArrivalSchedule::duration> ArrivalSchedule::next() {
  if (next_k_ >= total_) return std::nullopt;
  const auto offset = offset_of(next_k_);
  next_k_ += step_;
  return offset;
}

std::uint64_t ArrivalSchedule::due_before(duration elapsed) const {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  if (seconds <= 0) return 0;
  return std::min(total_, static_cast<std::uint64_t>(std::ceil(seconds * rate_ - 1e-9)));
}

ArrivalSchedule::duration ArrivalSchedule::offset_of(std::uint64_t k) const {
  return duration(std::llround(static_cast<double>(k) * 1e9 / rate_));
}

}  // namespace srelab::load
