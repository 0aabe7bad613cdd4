#include "lab/redis_server.hpp"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <system_error>

#include "lab/find_program.hpp"
#include "lab/log_tail.hpp"
#include "lab/ports.hpp"
#include "lab/start_up.hpp"

namespace srelab::lab {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kReadyTimeout = 10s;
constexpr auto kShutdownGrace = 10s;

fs::path find_redis_server(const fs::path& configured) {
  if (!configured.empty()) return configured;
  const fs::path found = find_program("redis-server");
  return found.empty() ? fs::path("/usr/bin/redis-server") : found;
}

struct RedisContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct RedisReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};

bool answers_ping(std::uint16_t port) {
  const timeval timeout{0, 200'000};
  std::unique_ptr<redisContext, RedisContextDeleter> context(
      redisConnectWithTimeout("127.0.0.1", port, timeout));
  if (!context || context->err != 0) return false;
  redisSetTimeout(context.get(), timeout);
  std::unique_ptr<redisReply, RedisReplyDeleter> reply(
      static_cast<redisReply*>(redisCommand(context.get(), "PING")));
  return reply && reply->type == REDIS_REPLY_STATUS && std::string(reply->str) == "PONG";
}

}  // namespace

RedisServer::RedisServer(RedisServerSettings settings) : settings_(std::move(settings)) {
  std::error_code ec;
  settings_.dir = fs::absolute(settings_.dir, ec).lexically_normal();
}

RedisServer::~RedisServer() {
  stop();
}

std::string RedisServer::url() const {
  return "redis://127.0.0.1:" + std::to_string(settings_.port) + "/0";
}

bool RedisServer::running() {
  return process_.running();
}

void RedisServer::stop() {
  process_.stop(SIGTERM, kShutdownGrace);
}

result<void> RedisServer::fail(errc code, std::string message) {
  last_error_ = std::move(message);
  return code;
}

result<void> RedisServer::start() {
  last_error_.clear();
  if (process_.running()) return {};
  std::error_code ec;
  if (!fs::exists(settings_.dir, ec)) {
    fs::create_directories(settings_.dir, ec);
    if (ec) {
      return fail(errc::invalid_argument,
                  "redis: cannot create " + settings_.dir.string() + ": " + ec.message());
    }
    fs::permissions(settings_.dir, fs::perms(0755), ec);
  }
  if (!port_is_free("127.0.0.1", settings_.port)) {
    return fail(errc::invalid_argument, "redis: port " + std::to_string(settings_.port) +
                                            " on 127.0.0.1 is already in use");
  }
  SpawnOptions options;
  // No persistence: the cache is disposable, and a chaos experiment that restarts Redis wants
  // it to come back empty, like a real cache node that lost its memory.
  // clang-format off
  options.argv = {find_redis_server(settings_.binary).string(),
                  "--port", std::to_string(settings_.port),
                  "--bind", "127.0.0.1",
                  "--save", "",
                  "--appendonly", "no",
                  "--dir", settings_.dir.string(),
                  "--daemonize", "no",
                  "--logfile", log_file().string(),
                  "--protected-mode", "yes"};
  // clang-format on
  options.log_file = log_file();  // what it prints before its own log is open
  options.working_dir = settings_.dir;
  options.parent_death_signal = SIGTERM;
  const auto log_from = log_size(log_file());
  std::string error;
  auto child = Process::spawn(options, error);
  if (!child) return fail(errc::invalid_argument, "redis: " + error);
  process_ = std::move(*child);
  if (auto ready = wait_until_ready(log_from); !ready) {
    process_.stop(SIGKILL, 0ms);
    return ready;
  }
  return {};
}

result<void> RedisServer::wait_until_ready(std::uintmax_t log_from) {
  switch (
      await_start_up(process_, kReadyTimeout, 20ms, [&] { return answers_ping(settings_.port); })) {
    case StartUp::ready:
      return {};
    case StartUp::exited:
      return fail(errc::cache_unavailable,
                  exited_during_start_up("redis", process_, log_file(), log_from));
    case StartUp::timed_out:
      break;
  }
  return fail(errc::timeout, "redis did not answer PING on port " + std::to_string(settings_.port) +
                                 " within 10 s: " + log_tail(log_file(), log_from));
}

}  // namespace srelab::lab
