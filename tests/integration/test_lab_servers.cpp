// The lab's servers for real: the shared TestServers fixture (seeded catalog, restart), a second
// private cluster (same seed gives the same rows, no initdb leftovers, a SIGKILLed postmaster's
// stale postmaster.pid does not block the next start, a taken port is reported), and Redis.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "lab/blocking_pg.hpp"
#include "lab/catalog_data.hpp"
#include "lab/catalog_seed.hpp"
#include "lab/ports.hpp"
#include "lab/postgres_server.hpp"
#include "lab/redis_server.hpp"
#include "support/test_servers.hpp"

namespace srelab::lab {
namespace {

namespace fs = std::filesystem;
using srelab::testing::TestServers;

// A temporary directory removed at the end of the test, reachable by the srelab user.
class TempDir {
 public:
  TempDir() {
    char path[] = "/tmp/srelab-labtest-XXXXXX";
    if (::mkdtemp(path) != nullptr) path_ = path;
    fs::permissions(path_, fs::perms(0755));
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string query_one(const std::string& conninfo, const std::string& sql) {
  std::string error;
  auto connection = connect_blocking(conninfo, error);
  if (!connection) return "connect failed: " + error;
  auto result = run(connection.get(), sql);
  if (!succeeded(result.get()))
    return "query failed: " + failure_of(connection.get(), result.get());
  return PQgetvalue(result.get(), 0, 0);
}

// The rows as text, in the columns and formats that generate_product promises.
std::vector<std::string> rows_up_to(const std::string& conninfo, int last_id) {
  std::string error;
  auto connection = connect_blocking(conninfo, error);
  if (!connection) return {"connect failed: " + error};
  auto result =
      run(connection.get(),
          "SELECT id, name, description, category, price::text, "
          "extract(epoch FROM updated_at)::bigint FROM products WHERE id <= $1 ORDER BY id",
          {std::to_string(last_id)});
  if (!succeeded(result.get()))
    return {"query failed: " + failure_of(connection.get(), result.get())};
  std::vector<std::string> rows;
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    std::string row;
    for (int c = 0; c < PQnfields(result.get()); ++c)
      row += std::string(PQgetvalue(result.get(), r, c)) + "|";
    rows.push_back(row);
  }
  return rows;
}

std::string expected_row(std::uint64_t seed, int id) {
  const ProductRow p = generate_product(seed, id);
  return std::to_string(p.id) + "|" + p.name + "|" + p.description + "|" + p.category + "|" +
         format_price(p.price_cents) + "|" + std::to_string(p.updated_at_unix) + "|";
}

bool redis_pings(std::uint16_t port) {
  std::unique_ptr<redisContext, decltype(&redisFree)> context(
      redisConnectWithTimeout("127.0.0.1", port, timeval{1, 0}), &redisFree);
  if (!context || context->err != 0) return false;
  std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply(
      static_cast<redisReply*>(redisCommand(context.get(), "PING")), &freeReplyObject);
  return reply && reply->type == REDIS_REPLY_STATUS && std::string(reply->str) == "PONG";
}

// A listening socket holding a loopback port for the duration of a test.
class HeldPort {
 public:
  HeldPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 1);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~HeldPort() { ::close(fd_); }
  std::uint16_t port() const { return port_; }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

TEST(TestServers, CatalogIsSeededWithTenThousandProducts) {
  auto& servers = TestServers::instance();
  EXPECT_EQ(query_one(servers.database_url(), "SELECT count(*) FROM products"), "10000");
  EXPECT_EQ(
      rows_up_to(servers.database_url(), 3),
      (std::vector<std::string>{expected_row(42, 1), expected_row(42, 2), expected_row(42, 3)}));
  EXPECT_EQ(servers.database_url(),
            "postgresql://srelab@127.0.0.1:" + std::to_string(servers.postgres_port()) + "/srelab");
  EXPECT_EQ(servers.redis_url(),
            "redis://127.0.0.1:" + std::to_string(servers.redis_port()) + "/0");
}

TEST(TestServers, PrepareCatalogAgainLeavesTheRowsAlone) {
  auto& servers = TestServers::instance();
  std::string error;
  ASSERT_TRUE(prepare_catalog(servers.database_url(), SeedSettings{7, 5}, error)) << error;
  EXPECT_EQ(query_one(servers.database_url(), "SELECT count(*) FROM products"), "10000");
  EXPECT_EQ(rows_up_to(servers.database_url(), 1), std::vector<std::string>{expected_row(42, 1)});
}

TEST(TestServers, RestartPostgresKeepsTheData) {
  auto& servers = TestServers::instance();
  const std::uint16_t port = servers.postgres_port();
  servers.restart_postgres();
  EXPECT_EQ(servers.postgres_port(), port);
  EXPECT_EQ(query_one(servers.database_url(), "SELECT count(*) FROM products"), "10000");

  servers.stop_postgres();
  EXPECT_TRUE(port_is_free("127.0.0.1", port));
  EXPECT_NE(query_one(servers.database_url(), "SELECT 1").rfind("connect failed", 0),
            std::string::npos);
  servers.start_postgres();
  EXPECT_EQ(query_one(servers.database_url(), "SELECT 1"), "1");
}

TEST(TestServers, RedisStopsStartsAndFlushes) {
  auto& servers = TestServers::instance();
  EXPECT_TRUE(redis_pings(servers.redis_port()));
  servers.flush_redis();
  servers.stop_redis();
  EXPECT_FALSE(redis_pings(servers.redis_port()));
  EXPECT_THROW(servers.flush_redis(), std::runtime_error);
  servers.start_redis();
  EXPECT_TRUE(redis_pings(servers.redis_port()));
}

TEST(PostgresServer, SecondClusterSameSeedSameRowsAndSurvivesAKill) {
  TempDir dir;
  PostgresServerSettings settings;
  settings.data_dir = dir.path() / "state" / "pg";  // "state" is made by start(), 0755
  settings.port = pick_free_port();
  PostgresServer server(settings);
  ASSERT_TRUE(server.start()) << server.last_error();
  EXPECT_TRUE(server.running());
  EXPECT_TRUE(fs::exists(settings.data_dir / "PG_VERSION"));
  EXPECT_FALSE(fs::exists(dir.path() / "state" / "pg.initdb-tmp")) << "initdb scratch left behind";
  EXPECT_TRUE(fs::exists(dir.path() / "state" / "pg.log"));
  EXPECT_EQ(fs::status(dir.path() / "state").permissions() & fs::perms::all, fs::perms(0755));

  std::string error;
  ASSERT_TRUE(prepare_catalog(server.url(), SeedSettings{42, 50}, error)) << error;
  EXPECT_EQ(query_one(server.url(), "SELECT count(*) FROM products"), "50");
  // Same seed on two clusters: the first 50 rows match the fixture's cluster row for row.
  const auto here = rows_up_to(server.url(), 50);
  ASSERT_EQ(here.size(), 50u);
  EXPECT_EQ(here, rows_up_to(TestServers::instance().database_url(), 50));
  EXPECT_EQ(here[49], expected_row(42, 50));
  // ANALYZE ran after seeding.
  EXPECT_EQ(query_one(server.url(),
                      "SELECT (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)::text "
                      "FROM pg_stat_user_tables WHERE relname = 'products'"),
            "true");

  // A postmaster killed outright leaves postmaster.pid behind; the next start must not care.
  const pid_t killed = server.pid();
  ASSERT_EQ(::kill(killed, SIGKILL), 0);
  while (server.running()) {
  }
  EXPECT_TRUE(fs::exists(settings.data_dir / "postmaster.pid"));
  ASSERT_TRUE(server.start()) << server.last_error();
  EXPECT_NE(server.pid(), killed);
  EXPECT_EQ(query_one(server.url(), "SELECT count(*) FROM products"), "50");

  ASSERT_TRUE(server.restart()) << server.last_error();
  EXPECT_EQ(query_one(server.url(), "SELECT count(*) FROM products"), "50");
  server.stop();
  EXPECT_FALSE(server.running());
  EXPECT_FALSE(fs::exists(settings.data_dir / "postmaster.pid")) << "fast shutdown removes it";
}

TEST(PostgresServer, TakenPortIsReportedByNumber) {
  HeldPort held;
  EXPECT_FALSE(port_is_free("127.0.0.1", held.port()));
  TempDir dir;
  PostgresServerSettings settings;
  settings.data_dir = dir.path() / "pg";
  settings.port = held.port();
  PostgresServer server(settings);
  EXPECT_FALSE(server.start());
  EXPECT_NE(server.last_error().find(std::to_string(held.port())), std::string::npos)
      << server.last_error();
  EXPECT_FALSE(server.running());
}

TEST(PostgresServer, NotAClusterIsRefused) {
  TempDir dir;
  fs::create_directories(dir.path() / "pg");
  { std::ofstream(dir.path() / "pg" / "something") << "x"; }
  PostgresServerSettings settings;
  settings.data_dir = dir.path() / "pg";
  settings.port = pick_free_port();
  PostgresServer server(settings);
  EXPECT_FALSE(server.start());
  EXPECT_NE(server.last_error().find("not a Postgres cluster"), std::string::npos)
      << server.last_error();
}

TEST(PostgresServer, UnreachableStateDirIsNamedWhenRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "only root switches to the srelab user";
  TempDir dir;
  const fs::path locked = dir.path() / "locked";
  fs::create_directories(locked);
  fs::permissions(locked, fs::perms(0700));
  PostgresServerSettings settings;
  settings.data_dir = locked / "state" / "pg";
  settings.port = pick_free_port();
  PostgresServer server(settings);
  EXPECT_FALSE(server.start());
  EXPECT_NE(server.last_error().find("directory " + locked.string() + " (mode 0700)"),
            std::string::npos)
      << server.last_error();
  EXPECT_FALSE(fs::exists(locked / "state" / "pg.initdb-tmp"));
}

TEST(RedisServer, StartsAnswersAndStops) {
  TempDir dir;
  RedisServerSettings settings;
  settings.dir = dir.path() / "redis";
  settings.port = pick_free_port();
  RedisServer server(settings);
  ASSERT_TRUE(server.start()) << server.last_error();
  EXPECT_TRUE(redis_pings(settings.port));
  EXPECT_FALSE(port_is_free("127.0.0.1", settings.port));
  EXPECT_TRUE(fs::exists(settings.dir / "redis.log"));
  server.stop();
  EXPECT_FALSE(server.running());
  EXPECT_FALSE(redis_pings(settings.port));
  EXPECT_TRUE(port_is_free("127.0.0.1", settings.port));
}

TEST(RedisServer, TakenPortIsReported) {
  HeldPort held;
  TempDir dir;
  RedisServerSettings settings;
  settings.dir = dir.path() / "redis";
  settings.port = held.port();
  RedisServer server(settings);
  EXPECT_FALSE(server.start());
  EXPECT_NE(server.last_error().find(std::to_string(held.port())), std::string::npos)
      << server.last_error();
}

// A server that dies while starting is named with its exit status and the end of its log.
TEST(RedisServer, OneThatExitsWhileStartingIsReportedWithItsLog) {
  TempDir dir;
  const fs::path binary = dir.path() / "redis-server";
  std::ofstream(binary) << "#!/bin/sh\necho 'FATAL CONFIG FILE ERROR'\nexit 1\n";
  fs::permissions(binary, fs::perms(0755));
  RedisServerSettings settings;
  settings.dir = dir.path() / "redis";
  settings.port = pick_free_port();
  settings.binary = binary;
  RedisServer server(settings);
  EXPECT_FALSE(server.start());
  EXPECT_EQ(server.last_error(),
            "redis exited during start-up (status 1): FATAL CONFIG FILE ERROR");
}

TEST(Ports, PickFreePortGivesABindablePort) {
  const std::uint16_t port = pick_free_port();
  EXPECT_NE(port, 0);
  EXPECT_TRUE(port_is_free("127.0.0.1", port));
  EXPECT_TRUE(port_is_free("localhost", port));
}

}  // namespace
}  // namespace srelab::lab
