// A pipelined, asynchronous Redis client on one io_context: commands from many coroutines share
// one connection and its round trips (writes are batched, replies matched in order). While the
// connection is down, commands fail at once with errc::cache_unavailable and a background loop
// reconnects with backoff. A reply later than the command timeout fails that command with
// errc::timeout and resets the connection (a pipeline cannot skip one reply).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
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

class Client {
 public:
  Client(boost::asio::any_io_executor executor, ClientSettings settings);
  ~Client();

  void start();  // begins connecting; must be called on (or posted to) the client's executor
  void stop();   // closes; pending and later commands fail with errc::cancelled

  // An error reply from Redis is errc::cache_error, with the text in the Reply.
  boost::asio::awaitable<result<Reply>> command(std::initializer_list<std::string_view> args);
  boost::asio::awaitable<result<std::optional<std::string>>> get(std::string_view key);
  boost::asio::awaitable<result<void>> set(std::string_view key, std::string_view value,
                                           std::chrono::seconds ttl);
  boost::asio::awaitable<result<void>> ping();

  bool connected() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace srelab::redis
