// A pipelined, asynchronous Redis client on one io_context: commands from many coroutines share
// one connection and its round trips (writes are batched, replies matched in order). While the
// connection is down, commands fail at once with errc::cache_unavailable and a background loop
// reconnects with backoff. A reply later than the command timeout fails that command with
// errc::timeout and resets the connection (a pipeline cannot skip one reply).
// Each io_context thread owns its own Client: it is not thread-safe, and its commands must be
// awaited by coroutines running on the client's executor. The catalog's cache uses it.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/errc.hpp"
#include "redis/reply.hpp"

namespace srelab::redis {

struct ClientSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  int database = 0;
  std::string password;  // empty: no AUTH
  std::chrono::milliseconds command_timeout{500};
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{2000};
};

// Counters since construction, for tests and metrics.
struct ClientStats {
  std::uint64_t commands = 0;  // commands sent (handshake included)
  std::uint64_t writes = 0;    // batches written (one async_write each, however many commands)
  std::uint64_t replies = 0;   // replies received
  std::uint64_t rejected = 0;  // commands failed at once because the connection was down
  std::uint64_t timeouts = 0;  // commands that hit command_timeout (each reset the connection)
  std::uint64_t connects = 0;  // connections that completed the handshake
  std::uint64_t connect_failures = 0;
};

class Client {
 public:
  Client(boost::asio::any_io_executor executor, ClientSettings settings);
  ~Client();  // stop()s; on the client's thread, or once its io_context no longer runs

  void start();  // begins connecting; must be called on (or posted to) the client's executor
  void stop();   // closes; pending and later commands fail with errc::cancelled

  // Arguments are referenced, not copied, until the command is formatted: await the call in the
  // expression that makes it, as in `co_await client.get(key)`. command() takes a span, e.g. of
  // std::array<std::string_view, N>{"LRANGE", key, "0", "-1"}: GCC 12 rejects a braced
  // initializer_list inside co_await ("array used as initializer").
  // An error reply from Redis is errc::cache_error, its text in last_error(). A caller's
  // cancellation (e.g. an awaitable_operators timeout) fails it with errc::cancelled at once;
  // its reply, when it comes, is dropped.
  boost::asio::awaitable<result<Reply>> command(std::span<const std::string_view> args);
  boost::asio::awaitable<result<std::optional<std::string>>> get(std::string_view key);
  boost::asio::awaitable<result<void>> set(std::string_view key, std::string_view value,
                                           std::chrono::seconds ttl);
  boost::asio::awaitable<result<void>> ping();

  bool connected() const;
  ClientStats stats() const;
  const std::string& last_error() const;  // text of the last error reply

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace srelab::redis
