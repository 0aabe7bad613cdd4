#include "lab/postgres_server.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <thread>

#include "lab/blocking_pg.hpp"
#include "lab/log_tail.hpp"
#include "lab/ports.hpp"
#include "lab/start_up.hpp"

namespace srelab::lab {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kReadyTimeout = 30s;
constexpr auto kInitdbTimeout = 120s;
constexpr auto kShutdownGrace = 30s;
// After a postmaster is SIGKILLed its backends linger for a moment, holding the old shared
// memory; a start in that window fails with "still in use" and is simply tried again.
constexpr auto kStaleMemoryRetryFor = 10s;
// initdb's superuser; the application's role is created next to it.
constexpr const char* kSuperuser = "postgres";

bool is_executable(const fs::path& file) {
  return ::access(file.c_str(), X_OK) == 0;
}

std::string pg_config_bindir() {
  std::FILE* pipe = ::popen("pg_config --bindir 2>/dev/null", "r");
  if (pipe == nullptr) return {};
  char line[4096] = {};
  const bool got = std::fgets(line, sizeof line, pipe) != nullptr;
  ::pclose(pipe);
  std::string dir = got ? line : "";
  while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
  return dir;
}

fs::path find_bin_dir(const fs::path& configured) {
  if (!configured.empty()) return configured;
  const fs::path debian = "/usr/lib/postgresql/15/bin";
  if (is_executable(debian / "postgres")) return debian;
  return pg_config_bindir();
}

// A Unix socket path must fit in sun_path (108 bytes); beyond that, TCP only.
std::string socket_dir_for(const fs::path& data_dir, std::uint16_t port) {
  const std::string path = (data_dir / (".s.PGSQL." + std::to_string(port))).string();
  return path.size() < 100 ? data_dir.string() : std::string();
}

std::string admin_conninfo(std::uint16_t port) {
  return "host=127.0.0.1 port=" + std::to_string(port) + " dbname=postgres user=" + kSuperuser +
         " connect_timeout=5";
}

std::string quoted_identifier(PGconn* connection, const std::string& name) {
  char* escaped = PQescapeIdentifier(connection, name.c_str(), name.size());
  std::string out = escaped != nullptr ? escaped : "\"\"";
  PQfreemem(escaped);
  return out;
}

}  // namespace

int lab_max_connections(int replicas, int pool_size) {
  return std::max(100, replicas * pool_size + 20);
}

PostgresServer::PostgresServer(PostgresServerSettings settings) : settings_(std::move(settings)) {
  std::error_code ec;
  data_dir_ = fs::absolute(settings_.data_dir, ec).lexically_normal();
  if (data_dir_.filename().empty()) data_dir_ = data_dir_.parent_path();  // trailing slash
}

PostgresServer::~PostgresServer() {
  stop();
}

fs::path PostgresServer::log_file() const {
  return data_dir_.string() + ".log";
}

std::string PostgresServer::url() const {
  return "postgresql://" + settings_.role + "@127.0.0.1:" + std::to_string(settings_.port) + "/" +
         settings_.database;
}

bool PostgresServer::running() {
  return process_.running();
}

void PostgresServer::stop() {
  process_.stop(SIGINT, kShutdownGrace);
}  // SIGINT: fast shutdown

result<void> PostgresServer::restart() {
  stop();
  return start();
}

result<void> PostgresServer::fail(errc code, std::string message) {
  last_error_ = std::move(message);
  return code;
}

result<void> PostgresServer::start() {
  last_error_.clear();
  if (process_.running()) return {};
  const auto give_up_at = std::chrono::steady_clock::now() + kStaleMemoryRetryFor;
  for (;;) {
    bool retry = false;
    auto started = start_once(retry);
    if (started || !retry || std::chrono::steady_clock::now() >= give_up_at) return started;
    std::this_thread::sleep_for(200ms);
  }
}

result<void> PostgresServer::start_once(bool& retry) {
  if (data_dir_.empty()) return fail(errc::invalid_argument, "postgres: no data directory given");
  bin_dir_ = find_bin_dir(settings_.bin_dir);
  if (bin_dir_.empty() || !is_executable(bin_dir_ / "postgres") ||
      !is_executable(bin_dir_ / "initdb")) {
    return fail(errc::invalid_argument,
                "postgres: no Postgres 15 binaries found (looked in " +
                    (bin_dir_.empty() ? std::string("/usr/lib/postgresql/15/bin and pg_config")
                                      : bin_dir_.string()) +
                    "); install postgresql-15");
  }
  if (!port_is_free("127.0.0.1", settings_.port)) {
    return fail(errc::invalid_argument, "postgres: port " + std::to_string(settings_.port) +
                                            " on 127.0.0.1 is already in use");
  }
  if (auto prepared = prepare_state_dir(); !prepared) return prepared;
  if (auto cluster = ensure_cluster(); !cluster) return cluster;
  const auto log_from = log_size(log_file());
  if (auto spawned = spawn_postmaster(); !spawned) return spawned;
  if (auto ready = wait_until_ready(log_from, retry); !ready) {
    process_.stop(SIGQUIT, 5s);  // it did not come up: no point in a clean shutdown
    return ready;
  }
  return ensure_role_and_database();
}

// The state dir (the data dir's parent) is created 0755 if missing; as root, the server's user
// must be able to reach it.
result<void> PostgresServer::prepare_state_dir() {
  const fs::path state_dir = data_dir_.parent_path();
  std::error_code ec;
  if (!fs::exists(state_dir, ec)) {
    fs::create_directories(state_dir, ec);
    if (ec) {
      return fail(errc::invalid_argument, "postgres: cannot create state directory " +
                                              state_dir.string() + ": " + ec.message());
    }
    fs::permissions(state_dir, fs::perms(0755), ec);
  }
  if (::geteuid() != 0) {
    os_user_.reset();
    return {};
  }
  std::string error;
  auto user = ensure_system_user(settings_.os_user, error);
  if (!user) return fail(errc::invalid_argument, "postgres: " + error);
  if (!can_reach(*user, state_dir, error))
    return fail(errc::invalid_argument, "postgres: " + error);
  os_user_ = *user;
  return {};
}

result<void> PostgresServer::ensure_cluster() {
  std::error_code ec;
  if (fs::exists(data_dir_ / "PG_VERSION", ec)) {
    // A cluster made by an earlier run as another user (e.g. before we ran as root).
    if (os_user_) {
      struct stat st {};
      if (::stat(data_dir_.c_str(), &st) == 0 && st.st_uid != os_user_->uid) {
        for (const auto& entry : fs::recursive_directory_iterator(data_dir_, ec)) {
          [[maybe_unused]] int rc = ::lchown(entry.path().c_str(), os_user_->uid, os_user_->gid);
        }
        [[maybe_unused]] int rc = ::chown(data_dir_.c_str(), os_user_->uid, os_user_->gid);
      }
    }
    return {};
  }
  if (fs::exists(data_dir_, ec)) {
    if (!fs::is_directory(data_dir_, ec) || !fs::is_empty(data_dir_, ec)) {
      return fail(errc::invalid_argument, "postgres: " + data_dir_.string() +
                                              " exists but is not a Postgres cluster; remove it");
    }
    fs::remove(data_dir_, ec);
  }
  // initdb into a sibling folder renamed into place only on success: an interrupted initdb
  // never leaves a half-made cluster that a later start would trust.
  const fs::path scratch = data_dir_.string() + ".initdb-tmp";
  fs::remove_all(scratch, ec);
  if (auto made = run_initdb(scratch); !made) {
    fs::remove_all(scratch, ec);
    return made;
  }
  fs::rename(scratch, data_dir_, ec);
  if (ec) {
    fs::remove_all(scratch, ec);
    return fail(errc::invalid_argument, "postgres: cannot move the new cluster into " +
                                            data_dir_.string() + ": " + ec.message());
  }
  return {};
}

result<void> PostgresServer::run_initdb(const fs::path& target) {
  std::error_code ec;
  fs::create_directory(target, ec);
  if (ec) {
    return fail(errc::invalid_argument,
                "postgres: cannot create " + target.string() + ": " + ec.message());
  }
  fs::permissions(target, fs::perms(0700), ec);
  if (os_user_ && ::chown(target.c_str(), os_user_->uid, os_user_->gid) != 0) {
    return fail(errc::invalid_argument, "postgres: cannot chown " + target.string() + " to " +
                                            os_user_->name + ": " + std::strerror(errno));
  }
  SpawnOptions options;
  // --no-sync: a disposable lab cluster need not survive a power cut, and it saves seconds.
  // clang-format off
  options.argv = {(bin_dir_ / "initdb").string(),
                  "-D", target.string(),
                  "--auth=trust",
                  "-U", kSuperuser,
                  "-E", "UTF8",
                  "--no-locale",
                  "--no-instructions",
                  "--no-sync"};
  // clang-format on
  if (os_user_) options.run_as = os_user_->name;
  options.log_file = log_file();
  options.working_dir = data_dir_.parent_path();  // initdb needs a cwd its user can read
  const auto log_from = log_size(log_file());
  std::string error;
  auto child = Process::spawn(options, error);
  if (!child) return fail(errc::invalid_argument, "postgres: initdb: " + error);
  const auto status = child->wait(kInitdbTimeout);
  if (!status) child->stop(SIGKILL, 0ms);
  if (status != 0) {
    return fail(errc::invalid_argument, "postgres: initdb failed (status " +
                                            std::to_string(child->exit_status().value_or(-1)) +
                                            "): " + log_tail(log_file(), log_from));
  }
  return {};
}

result<void> PostgresServer::spawn_postmaster() {
  SpawnOptions options;
  // fsync, synchronous_commit and full_page_writes are off: the lab's cluster is disposable, and
  // durability is not what its experiments are about; it makes seeding and writes cheap.
  // clang-format off
  options.argv = {(bin_dir_ / "postgres").string(),
                  "-D", data_dir_.string(),
                  "-p", std::to_string(settings_.port),
                  "-c", "listen_addresses=127.0.0.1",
                  "-c", "unix_socket_directories=" + socket_dir_for(data_dir_, settings_.port),
                  "-c", "max_connections=" + std::to_string(settings_.max_connections),
                  "-c", "fsync=off",
                  "-c", "synchronous_commit=off",
                  "-c", "full_page_writes=off"};
  // clang-format on
  if (os_user_) options.run_as = os_user_->name;
  options.log_file = log_file();
  options.working_dir = data_dir_.parent_path();
  options.parent_death_signal = SIGINT;
  std::string error;
  auto child = Process::spawn(options, error);
  if (!child) return fail(errc::invalid_argument, "postgres: " + error);
  process_ = std::move(*child);
  return {};
}

result<void> PostgresServer::wait_until_ready(std::uintmax_t log_from, bool& retry) {
  const std::string conninfo = admin_conninfo(settings_.port);
  switch (await_start_up(process_, kReadyTimeout, 50ms,
                         [&] { return PQping(conninfo.c_str()) == PQPING_OK; })) {
    case StartUp::ready:
      return {};
    case StartUp::exited:
      retry = log_tail(log_file(), log_from).find("still in use") != std::string::npos;
      return fail(errc::db_unavailable,
                  exited_during_start_up("postgres", process_, log_file(), log_from));
    case StartUp::timed_out:
      break;
  }
  return fail(errc::timeout, "postgres did not accept connections on port " +
                                 std::to_string(settings_.port) +
                                 " within 30 s: " + log_tail(log_file(), log_from));
}

result<void> PostgresServer::ensure_role_and_database() {
  std::string error;
  auto connection = connect_blocking(admin_conninfo(settings_.port), error);
  if (!connection) return fail(errc::db_unavailable, "postgres: " + error);
  PGconn* c = connection.get();
  const std::string role = quoted_identifier(c, settings_.role);
  const std::string database = quoted_identifier(c, settings_.database);

  // Another process may create them concurrently: "already exists" is success.
  auto create_if_missing = [&](const std::string& what, const std::string& exists_sql,
                               const std::string& create_sql,
                               const std::string& duplicate_state) -> result<void> {
    auto found = run(c, exists_sql, {what == "role" ? settings_.role : settings_.database});
    if (!succeeded(found.get())) {
      return fail(errc::db_query_failed,
                  "postgres: looking up " + what + ": " + failure_of(c, found.get()));
    }
    if (PQntuples(found.get()) > 0) return {};
    auto created = run(c, create_sql);
    if (!succeeded(created.get()) && sqlstate_of(created.get()) != duplicate_state) {
      return fail(errc::db_query_failed,
                  "postgres: creating " + what + ": " + failure_of(c, created.get()));
    }
    return {};
  };
  if (settings_.role != kSuperuser) {
    auto made = create_if_missing("role", "SELECT 1 FROM pg_roles WHERE rolname = $1",
                                  "CREATE ROLE " + role + " LOGIN", "42710");
    if (!made) return made;
  }
  return create_if_missing("database", "SELECT 1 FROM pg_database WHERE datname = $1",
                           "CREATE DATABASE " + database + " OWNER " + role, "42P04");
}

}  // namespace srelab::lab
