// A private Postgres 15 cluster under a state directory, on loopback only: initdb on first use
// (into a temporary folder renamed into place, so a half-made cluster is never left behind),
// run as an unprivileged system user when we are root, stopped by its pid.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/errc.hpp"
#include "lab/process.hpp"

namespace srelab::lab {

struct PostgresServerSettings {
  std::filesystem::path data_dir;        // e.g. .lab/postgres
  std::uint16_t port = 55432;
  std::string os_user = "srelab";        // used only when running as root; created if missing
  std::string database = "srelab";
  std::string role = "srelab";
  std::filesystem::path bin_dir;         // empty: found (e.g. /usr/lib/postgresql/15/bin)
};

class PostgresServer {
 public:
  explicit PostgresServer(PostgresServerSettings settings);
  ~PostgresServer();  // stops it if running

  // initdb if needed, start, wait until it accepts connections, create role and database.
  // Errors carry a one-line explanation in last_error().
  result<void> start();
  void stop();            // fast shutdown (SIGINT), waits
  result<void> restart(); // stop + start
  bool running();

  std::string url() const;  // postgresql://role@127.0.0.1:port/database
  std::uint16_t port() const { return settings_.port; }
  pid_t pid() const { return process_.pid(); }
  const std::string& last_error() const { return last_error_; }

 private:
  PostgresServerSettings settings_;
  Process process_;
  std::string last_error_;
};

}  // namespace srelab::lab
