#include "support/test_servers.hpp"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "lab/catalog_data.hpp"
#include "lab/ports.hpp"
#include "lab/postgres_server.hpp"
#include "lab/redis_server.hpp"

namespace srelab::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kStartAttempts = 3;  // a freshly picked port can be taken by a parallel binary

[[noreturn]] void abort_binary(const std::string& message) {
  std::fprintf(stderr, "\n[TestServers] cannot start the test servers: %s\n", message.c_str());
  std::fflush(stderr);
  std::exit(1);
}

// A binary killed outright (a ctest timeout) cannot remove its state dir; its servers died with
// it (parent-death signal). Each dir names its owner, so the next binary sweeps the dead ones.
void remove_dirs_of_dead_binaries() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/tmp", ec)) {
    if (entry.path().filename().string().rfind("srelab-test-", 0) != 0) continue;
    std::ifstream owner_file(entry.path() / "owner.pid");
    pid_t owner = 0;
    if (!(owner_file >> owner) || owner <= 0) continue;
    if (::kill(owner, 0) == 0 || errno != ESRCH) continue;
    fs::remove_all(entry.path(), ec);
  }
}

fs::path make_state_dir() {
  char path[] = "/tmp/srelab-test-XXXXXX";
  if (::mkdtemp(path) == nullptr) abort_binary("mkdtemp under /tmp failed");
  // mkdtemp makes it 0700; the srelab user that Postgres runs as (when we are root) must reach it.
  ::chmod(path, 0755);
  std::ofstream(fs::path(path) / "owner.pid") << ::getpid() << "\n";
  return path;
}

}  // namespace

struct TestServers::Impl {
  pid_t owner = ::getpid();
  fs::path state_dir;
  std::unique_ptr<lab::PostgresServer> postgres;
  std::unique_ptr<lab::RedisServer> redis;

  ~Impl() {
    // Servers first (they live in the state dir), then the dir. In a forked copy of the test
    // binary (a death test) the servers are not our children, so Process signals nothing, and
    // the dir must stay for the real owner.
    postgres.reset();
    redis.reset();
    std::error_code ec;
    if (!state_dir.empty() && ::getpid() == owner) fs::remove_all(state_dir, ec);
  }

  std::string start_postgres_on_free_port() {
    std::string error;
    for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
      lab::PostgresServerSettings settings;
      settings.data_dir = state_dir / "postgres";
      settings.port = lab::pick_free_port();
      postgres = std::make_unique<lab::PostgresServer>(settings);
      if (postgres->start()) return {};
      error = postgres->last_error();
    }
    return error;
  }

  std::string start_redis_on_free_port() {
    std::string error;
    for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
      lab::RedisServerSettings settings;
      settings.dir = state_dir / "redis";
      settings.port = lab::pick_free_port();
      redis = std::make_unique<lab::RedisServer>(settings);
      if (redis->start()) return {};
      error = redis->last_error();
    }
    return error;
  }
};

TestServers& TestServers::instance() {
  static TestServers servers;
  return servers;
}

TestServers::TestServers() : impl_(new Impl) {
  remove_dirs_of_dead_binaries();
  impl_->state_dir = make_state_dir();
  std::string error = impl_->start_postgres_on_free_port();
  if (error.empty()) error = impl_->start_redis_on_free_port();
  if (error.empty()) {
    lab::SeedSettings seed;
    seed.seed = 42;
    seed.products = 10'000;
    if (lab::prepare_catalog(impl_->postgres->url(), seed, error)) error.clear();
  }
  if (!error.empty()) {
    const std::string where = impl_->state_dir.string();
    delete impl_;  // stops whatever did start and removes the state dir
    impl_ = nullptr;
    abort_binary(error + " (state dir was " + where + ")");
  }
}

TestServers::~TestServers() {
  delete impl_;
}

std::string TestServers::database_url() const {
  return impl_->postgres->url();
}
std::string TestServers::redis_url() const {
  return impl_->redis->url();
}
std::uint16_t TestServers::postgres_port() const {
  return impl_->postgres->port();
}
std::uint16_t TestServers::redis_port() const {
  return impl_->redis->port();
}

void TestServers::stop_redis() {
  impl_->redis->stop();
}

void TestServers::start_redis() {
  if (!impl_->redis->start()) {
    throw std::runtime_error("TestServers: redis did not start: " + impl_->redis->last_error());
  }
}

void TestServers::stop_postgres() {
  impl_->postgres->stop();
}

void TestServers::start_postgres() {
  if (!impl_->postgres->start()) {
    throw std::runtime_error("TestServers: postgres did not start: " +
                             impl_->postgres->last_error());
  }
}

void TestServers::restart_postgres() {
  stop_postgres();
  start_postgres();
}

void TestServers::flush_redis() {
  const timeval timeout{5, 0};
  std::unique_ptr<redisContext, decltype(&redisFree)> context(
      redisConnectWithTimeout("127.0.0.1", redis_port(), timeout), &redisFree);
  if (!context || context->err != 0) {
    throw std::runtime_error("TestServers: cannot connect to redis for FLUSHALL: " +
                             std::string(context ? context->errstr : "out of memory"));
  }
  redisSetTimeout(context.get(), timeout);
  std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply(
      static_cast<redisReply*>(redisCommand(context.get(), "FLUSHALL")), &freeReplyObject);
  if (!reply || reply->type == REDIS_REPLY_ERROR) {
    throw std::runtime_error("TestServers: FLUSHALL failed: " +
                             std::string(reply ? reply->str : context->errstr));
  }
}

}  // namespace srelab::testing
