#include "sim/second_counts.hpp"

#include <string>

namespace srelab::sim {

std::string_view source_name(AnswerSource source) {
  static constexpr std::array<std::string_view, 4> kSourceNames{"", "cache", "database",
                                                                "fallback_emergency"};
  return kSourceNames[static_cast<std::size_t>(source)];
}

load::Tally SecondCounts::tally() const {
  load::Tally tally;
  // Open loop and nothing lost on the way: every request that came due was sent.
  tally.scheduled = arrived_;
  tally.sent = arrived_;
  tally.timeouts = timeouts_;
  for (int status = 0; status < kStatuses; ++status) {
    const std::uint64_t n = statuses_[static_cast<std::size_t>(status)];
    if (n == 0) continue;
    tally.statuses[status] = n;
    tally.answered += n;
  }
  for (std::size_t source = 1; source < sources_.size(); ++source)
    if (sources_[source] > 0)
      tally.sources[std::string(source_name(static_cast<AnswerSource>(source)))] = sources_[source];
  return tally;
}

}  // namespace srelab::sim
