// The service's end of up's control channel (lab/control_protocol): the DependencyController
// that POST/GET /chaos/dependency use, one short connection per request, and a watcher that
// keeps one connection open to log every supervisor event (a dependency exited, restarted,
// paused...) as a warning in the service's JSON log, which the console's log view shows too.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "catalog/dependency_controller.hpp"
#include "telemetry/logging/logger.hpp"

namespace srelab::app {

class DependencyClient final : public catalog::DependencyController {
 public:
  explicit DependencyClient(std::string socket_path) : path_(std::move(socket_path)) {}

  boost::asio::awaitable<catalog::DependencyAnswer> act(
      const catalog::DependencyOrder& order) override;
  boost::asio::awaitable<catalog::DependencyAnswer> status() override;

  // Runs on `context` until it stops: connects (again every second while up does not answer),
  // asks to watch, and logs each event line.
  void start_watching(boost::asio::io_context& context, telemetry::Logger& logger);

 private:
  boost::asio::awaitable<catalog::DependencyAnswer> exchange(std::string line);

  std::string path_;
};

}  // namespace srelab::app
