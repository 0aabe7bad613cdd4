// The lab's API gateway: HAProxy in the foreground (-db, no master-worker), on the configuration
// rendered by gateway/gateway_config (written to <dir>/gateway.cfg) or on the user's own file,
// with its stdout and stderr — the JSON access log and its own messages — appended to
// <dir>/gateway.log. Started after the service, stopped before it, by its pid.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/errc.hpp"
#include "gateway/gateway_config.hpp"
#include "lab/process.hpp"

namespace srelab::lab {

struct GatewayServerSettings {
  std::filesystem::path dir;  // the state directory: gateway.cfg and gateway.log go here
  gateway::GatewayConfigSettings config;
  std::filesystem::path user_config;  // not empty: HAProxy runs on this file, as it is
  std::filesystem::path binary;       // empty: haproxy from PATH, /usr/sbin or /usr/local/sbin
};
// It runs as whoever we are (root included, as Redis does): it binds loopback by default and
// writes nothing but its stdout.

class GatewayServer {
 public:
  explicit GatewayServer(GatewayServerSettings settings);
  ~GatewayServer();

  // Writes the configuration (unless the user gave one), starts HAProxy and waits until its
  // port is bound. Errors carry a one-line explanation in last_error().
  result<void> start();
  void stop();
  bool running();

  std::string url() const;  // http://host:port
  std::filesystem::path config_file() const;
  std::filesystem::path log_file() const { return settings_.dir / "gateway.log"; }
  pid_t pid() const { return process_.pid(); }
  std::optional<int> exit_status() const { return process_.exit_status(); }
  const std::string& last_error() const { return last_error_; }

 private:
  result<void> write_config();
  result<void> wait_until_listening(std::uintmax_t log_from);
  result<void> fail(errc code, std::string message);

  GatewayServerSettings settings_;
  Process process_;
  std::string last_error_;
};

}  // namespace srelab::lab
