// A private Redis server on loopback only, no persistence, stopped by its pid.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/errc.hpp"
#include "lab/process.hpp"

namespace srelab::lab {

struct RedisServerSettings {
  std::filesystem::path dir;  // working dir and log, e.g. .lab/redis
  std::uint16_t port = 56379;
  std::filesystem::path binary;  // empty: redis-server from PATH or /usr/bin
};
// Its log is <dir>/redis.log. It runs as whoever we are (root included: it only binds loopback
// and keeps no files).

class RedisServer {
 public:
  explicit RedisServer(RedisServerSettings settings);
  ~RedisServer();

  result<void> start();  // waits until it answers PING
  void stop();
  bool running();

  std::string url() const;  // redis://127.0.0.1:port/0
  std::filesystem::path log_file() const { return settings_.dir / "redis.log"; }
  std::uint16_t port() const { return settings_.port; }
  pid_t pid() const { return process_.pid(); }
  std::optional<int> exit_status() const { return process_.exit_status(); }
  const std::string& last_error() const { return last_error_; }

 private:
  result<void> wait_until_ready(std::uintmax_t log_from);
  result<void> fail(errc code, std::string message);

  RedisServerSettings settings_;
  Process process_;
  std::string last_error_;
};

}  // namespace srelab::lab
