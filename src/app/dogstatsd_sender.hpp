// Sends the registry to a Datadog Agent's DogStatsD every `interval` (2 s), over UDP
// (localhost:8125 by default) or a unix datagram socket, and once more, synchronously, when the
// service stops: what was recorded since the last tick is not lost on a clean stop. The metric
// formatting is telemetry::DogStatsdFormatter's; this is the thin I/O shell around it, on one
// io_context. Fire and forget, as DogStatsD is: a missing Agent costs dropped datagrams, never a
// blocked request, and one warning log line (then one info line when sends work again), not one
// per datagram.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "telemetry/dogstatsd/dogstatsd.hpp"
#include "telemetry/logging/logger.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::app {

struct DogStatsdTarget {
  bool enabled = true;  // --dogstatsd off: nothing is sent
  std::string host = "localhost";
  std::uint16_t port = 8125;
  std::string socket_path;  // non-empty: this unix datagram socket instead of host:port
  std::chrono::milliseconds interval{2000};

  std::string describe() const;  // "udp://localhost:8125", "unix:///var/run/datadog/dsd.socket"
};

// udp://host[:port] (IPv6 in brackets), unix:///path or unixgram:///path, as DD_DOGSTATSD_URL
// gives them, into `target`; false (target unchanged) when it is not such a URL.
bool parse_dogstatsd_url(std::string_view url, DogStatsdTarget& target);

class DogStatsdSender {
 public:
  // `logger` may be null; it must outlive the sender.
  DogStatsdSender(boost::asio::io_context& context, telemetry::Registry& registry,
                  telemetry::DogStatsdSettings settings, DogStatsdTarget target,
                  telemetry::Logger* logger = nullptr);
  ~DogStatsdSender();

  void start();  // on the context's thread, or before it runs
  // From any thread but the context's, while the context runs: one last flush on the context's
  // thread, waited for (at most 2 s); then the loop ends. Idempotent.
  void stop();

  std::uint64_t datagrams_sent() const;
  std::uint64_t datagrams_failed() const;
  // "" while datagrams go out (or nothing is sent); otherwise a line for /readyz's notes.
  std::string note() const;

  struct State;  // shared with the send loop, which may outlive this object by one wake-up

 private:
  std::shared_ptr<State> state_;
};

}  // namespace srelab::app
