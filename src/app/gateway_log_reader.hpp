// Reads the API gateway's access log (--gateway-log) into the gateway.* metrics of the registry,
// on a thread of its own a few times a second: off the worker threads, so a burst of log lines
// never delays a request, and with the file's lines read in bounded chunks and bounded memory
// (gateway/log_follower). Built by the composition root when the flag is set.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "gateway/gateway_metrics.hpp"
#include "gateway/log_follower.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::app {

class GatewayLogReader {
 public:
  // The file is followed from its end as it is now (see LogFollower): earlier runs' lines do
  // not count. `registry` must outlive the reader.
  GatewayLogReader(std::filesystem::path path, telemetry::Registry& registry,
                   std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  ~GatewayLogReader();
  GatewayLogReader(const GatewayLogReader&) = delete;
  GatewayLogReader& operator=(const GatewayLogReader&) = delete;

  void start();
  void stop();  // idempotent; reads what is there one last time

 private:
  void run();
  void read_once();

  gateway::LogFollower follower_;
  gateway::GatewayMetrics metrics_;
  std::chrono::milliseconds interval_;
  std::uint64_t dropped_seen_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace srelab::app
