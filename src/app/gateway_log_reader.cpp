#include "app/gateway_log_reader.hpp"

#include "gateway/access_log.hpp"

namespace srelab::app {

GatewayLogReader::GatewayLogReader(std::filesystem::path path, telemetry::Registry& registry,
                                   std::chrono::milliseconds interval)
    : follower_(std::move(path)), metrics_(registry), interval_(interval) {}

GatewayLogReader::~GatewayLogReader() {
  stop();
}

void GatewayLogReader::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void GatewayLogReader::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GatewayLogReader::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    lock.unlock();
    read_once();
    lock.lock();
    if (stopping_ || wake_.wait_for(lock, interval_, [this] { return stopping_; })) break;
  }
  lock.unlock();
  read_once();
}

void GatewayLogReader::read_once() {
  follower_.poll([this](std::string_view line) {
    if (const auto record = gateway::parse_access_log_line(line))
      metrics_.record(*record);
    else
      metrics_.skipped_line();
  });
  // Lines too long to be the gateway's count as skipped too.
  const std::uint64_t dropped = follower_.dropped_lines();
  metrics_.skipped_lines(dropped - dropped_seen_);
  dropped_seen_ = dropped;
}

}  // namespace srelab::app
