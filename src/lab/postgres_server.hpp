// A private Postgres 15 cluster under a state directory, on loopback only: initdb on first use
// (into a temporary folder renamed into place, so a half-made cluster is never left behind),
// run as an unprivileged system user when we are root, stopped by its pid.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/errc.hpp"
#include "lab/process.hpp"
#include "lab/system_user.hpp"

namespace srelab::lab {

struct PostgresServerSettings {
  std::filesystem::path data_dir;  // e.g. .lab/postgres; its log is .lab/postgres.log
  std::uint16_t port = 55432;
  std::string os_user = "srelab";  // used only when running as root; created if missing
  std::string database = "srelab";
  std::string role = "srelab";
  // Enough for every pool that uses it (`up --replicas`: one a replica) and the lab's own
  // connections; Postgres keeps 3 of them for superusers.
  int max_connections = 100;
  std::filesystem::path bin_dir;  // empty: found (e.g. /usr/lib/postgresql/15/bin)
};

// The max_connections `up` gives its Postgres for `replicas` services of `pool_size` each, and
// what the twin models for the same lab: every replica's pool, and room for the lab's own
// connections (seeding, an experiment's probes, a psql session) besides the 3 Postgres keeps for
// superusers; never below the 100 a single service has always had.
int lab_max_connections(int replicas, int pool_size);

class PostgresServer {
 public:
  explicit PostgresServer(PostgresServerSettings settings);
  ~PostgresServer();  // stops it if running

  // initdb if needed, start, wait until it accepts connections, create role and database.
  // Errors carry a one-line explanation in last_error().
  result<void> start();
  void stop();             // fast shutdown (SIGINT), waits
  result<void> restart();  // stop + start
  bool running();

  std::string url() const;  // postgresql://role@127.0.0.1:port/database
  std::filesystem::path log_file() const;
  std::uint16_t port() const { return settings_.port; }
  pid_t pid() const { return process_.pid(); }
  std::optional<int> exit_status() const { return process_.exit_status(); }
  const std::string& last_error() const { return last_error_; }

 private:
  result<void> start_once(bool& retry);
  result<void> prepare_state_dir();
  result<void> ensure_cluster();
  result<void> run_initdb(const std::filesystem::path& target);
  result<void> spawn_postmaster();
  result<void> wait_until_ready(std::uintmax_t log_from, bool& retry);
  result<void> ensure_role_and_database();
  result<void> fail(errc code, std::string message);

  PostgresServerSettings settings_;
  std::filesystem::path data_dir_;  // absolute
  std::filesystem::path bin_dir_;
  std::optional<SystemUser> os_user_;  // set when we are root
  Process process_;
  std::string last_error_;
};

}  // namespace srelab::lab
