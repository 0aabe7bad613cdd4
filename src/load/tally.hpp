// Counts of what happened to requests over some span (a second, a thread, a whole run): answers
// by HTTP status and by the `source` of their JSON body, and every way a request can fail
// without an answer. Plain values: a worker thread fills its own under its lock, the reporter
// takes them each second and merges them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace srelab::load {

struct Tally {
  std::uint64_t scheduled = 0;            // open loop: requests that came due
  std::uint64_t sent = 0;                 // requests written (or attempted) on a connection
  std::uint64_t answered = 0;             // complete answers, any status
  std::uint64_t connect_errors = 0;       // connection refused, reset or timed out while connecting
  std::uint64_t timeouts = 0;             // sent, no complete answer within the timeout
  std::uint64_t io_errors = 0;            // sent, the connection failed or the answer was malformed
  std::uint64_t dropped = 0;              // open loop: no connection free in time (the generator's
                                          // own shortfall, never sent)
  std::map<int, std::uint64_t> statuses;  // answered, by status
  std::map<std::string, std::uint64_t, std::less<>> sources;  // answered, by source

  void add_answer(int status, std::string_view source);
  void merge(const Tally& other);
  std::uint64_t errors() const { return connect_errors + timeouts + io_errors; }
  // Answers whose status is not 2xx or 3xx.
  std::uint64_t bad_statuses() const;
};

}  // namespace srelab::load
