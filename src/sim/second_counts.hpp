// The twin's counts of one simulated second in flat arrays: answers by HTTP status and by
// source, client timeouts, cache lookups. Counting a request is a few increments; the Tally
// (with its maps) is built once a second from them.
#pragma once

#include <array>
#include <cstdint>

#include "load/tally.hpp"

namespace srelab::sim {

// The `source` of an answer's JSON body; none for errors without one.
enum class AnswerSource : std::uint8_t { none, cache, database, fallback_emergency };
// "cache", "database", "fallback_emergency"; "" for none.
std::string_view source_name(AnswerSource source);

class SecondCounts {
 public:
  void arrived() { ++arrived_; }
  void answered(int status, AnswerSource source) {
    ++statuses_[status >= 0 && status < kStatuses ? status : 0];
    ++sources_[static_cast<std::size_t>(source)];
  }
  void timed_out() { ++timeouts_; }
  void looked_up(bool hit) {
    ++lookups_;
    hits_ += hit ? 1 : 0;
  }

  void acquired(bool waited) {
    ++acquires_;
    waited_ += waited ? 1 : 0;
  }
  void waited_for(double seconds) { wait_s_ += seconds; }

  std::uint64_t lookups() const { return lookups_; }
  std::uint64_t acquires() const { return acquires_; }
  std::uint64_t waited() const { return waited_; }
  double wait_s() const { return wait_s_; }
  double hit_rate() const {
    return lookups_ > 0 ? static_cast<double>(hits_) / static_cast<double>(lookups_) : 0;
  }
  load::Tally tally() const;
  void clear() { *this = SecondCounts{}; }

 private:
  static constexpr int kStatuses = 600;
  std::array<std::uint64_t, kStatuses> statuses_{};
  std::array<std::uint64_t, 4> sources_{};
  std::uint64_t arrived_ = 0;
  std::uint64_t timeouts_ = 0;
  std::uint64_t lookups_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t acquires_ = 0;
  std::uint64_t waited_ = 0;
  double wait_s_ = 0;
};

}  // namespace srelab::sim
