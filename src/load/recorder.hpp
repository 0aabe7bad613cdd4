// One worker thread's record of its requests: a Tally under a lock and a latency histogram
// (lock-free). The worker writes on every request; the reporter takes the tally and snapshots
// the histogram once a second from its own thread, so the lock is all but uncontended.
#pragma once

#include <chrono>
#include <mutex>
#include <string_view>

#include "load/tally.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::load {

class Recorder {
 public:
  Recorder();

  void answered(int status, std::string_view source, std::chrono::nanoseconds latency);
  // Open loop: how late a request was written after its due time (the generator's own delay:
  // a timer's wake-up, a wait for a connection).
  void sent_late(std::chrono::nanoseconds lag) { lag_.observe(lag); }
  // Counts one event: `field` is a member of Tally, e.g. &Tally::dropped.
  void count(std::uint64_t Tally::*field, std::uint64_t n = 1);

  Tally take();  // the counts since the last take, which start again from zero
  telemetry::HistogramSnapshot latency() const { return latency_.snapshot(); }
  telemetry::HistogramSnapshot lag() const { return lag_.snapshot(); }

 private:
  std::mutex mutex_;
  Tally tally_;
  telemetry::Histogram latency_;
  telemetry::Histogram lag_;
};

}  // namespace srelab::load
