// Sends the registry to a Datadog Agent's DogStatsD port over UDP, every `interval`: the metric
// formatting is telemetry::DogStatsdFormatter's (datagrams of at most 1432 bytes); this is the
// thin I/O shell around it, on one io_context. Fire and forget, as DogStatsD is: a missing agent
// costs a dropped datagram, never a blocked request.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "telemetry/dogstatsd/dogstatsd.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::app {

struct DogStatsdTarget {
  std::string host;  // empty: not sending
  std::uint16_t port = 8125;
  std::chrono::milliseconds interval{10'000};
};

class DogStatsdSender {
 public:
  DogStatsdSender(boost::asio::io_context& context, telemetry::Registry& registry,
                  telemetry::DogStatsdSettings settings, DogStatsdTarget target);
  ~DogStatsdSender();

  void start();  // on the context's thread, or before it runs
  void stop();   // thread-safe; the loop ends at its next wake-up

  std::uint64_t datagrams_sent() const;

  struct State;  // shared with the send loop, which may outlive this object by one wake-up

 private:
  std::shared_ptr<State> state_;
};

}  // namespace srelab::app
