// The gateway's numbers in the service's registry, from its access log lines: the user-facing
// view of the lab (what a client of the gateway saw), beside the service's own http.server.*.
//   gateway.requests{status_class}  counter: every request the gateway logged, by 1xx..5xx
//   gateway.own_responses{status}   counter: answers the gateway made itself (its 502, 503,
//                                   504; 400/408 for bad or slow clients), by exact status
//   gateway.request.duration        histogram, seconds: Ta, the whole request at the gateway
//   gateway.queue.duration          histogram, seconds: Tw, the wait for a server slot
//   gateway.connect.duration        histogram, seconds: Tc, connecting to the service
//   gateway.response.duration       histogram, seconds: Tr, until the service's answer headers
//   gateway.log.lines{result}       counter: lines read, "parsed" or "skipped"
// Recording is lock-free after a status is first seen; it runs on the log reader's thread.
#pragma once

#include <array>
#include <cstdint>

#include "gateway/access_log.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::gateway {

class GatewayMetrics {
 public:
  explicit GatewayMetrics(telemetry::Registry& registry);

  void record(const AccessLogRecord& record);
  void skipped_line() { skipped_.inc(); }
  void skipped_lines(std::uint64_t count) { skipped_.inc(count); }

 private:
  telemetry::CounterFamily& own_responses_;
  std::array<telemetry::Counter*, 6> by_class_{};  // 1xx..5xx, then anything else
  telemetry::Histogram& duration_;
  telemetry::Histogram& queue_;
  telemetry::Histogram& connect_;
  telemetry::Histogram& response_;
  telemetry::Counter& parsed_;
  telemetry::Counter& skipped_;
};

}  // namespace srelab::gateway
