// A fake Datadog trace agent for integration tests: a Beast HTTP/1.1 server on loopback in its
// own thread that records every request (method, target, lowercase headers, body) and answers
// with a configurable status, headers, body and delay (default 200
// {"rate_by_service":{"service:,env:":1}}). stop() closes the listener and every connection, as
// a crashed agent would; start() listens again on the same port. It can listen on a unix domain
// socket instead, as the Agent's apm.socket. Recorded v0.4 bodies are read with
// common/strict_v04.hpp. Header-only; used by the exporter's and the request path's tests.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/strict_v04.hpp"
#include "telemetry/tracing/span.hpp"
#include "telemetry/tracing/trace_id.hpp"

namespace srelab::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;

  std::string header(std::string name) const {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct FakeAgentReply {
  int status = 200;
  std::string body = R"({"rate_by_service":{"service:,env:":1}})";
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Retry-After", "3"}
  std::chrono::milliseconds delay{0};  // before answering (the request is recorded at once)
  bool close_silently = false;  // close the connection after answering, without Connection: close
};

class FakeAgent {
 public:
  // Listens on address:port (0 = any free port) and serves at once.
  explicit FakeAgent(std::uint16_t port = 0, std::string address = "127.0.0.1")
      : address_(std::move(address)), port_(port) {
    start();
  }
  // Listens on a unix domain socket at `path` (replaced if it exists) and serves at once.
  struct UnixSocket {
    std::string path;
  };
  explicit FakeAgent(UnixSocket socket) : port_(0), socket_path_(std::move(socket.path)) {
    start();
  }
  ~FakeAgent() {
    stop();
    if (!socket_path_.empty()) ::unlink(socket_path_.c_str());
  }
  FakeAgent(const FakeAgent&) = delete;
  FakeAgent& operator=(const FakeAgent&) = delete;

  // Listens again, on the port of the first start. Throws when it cannot bind.
  void start() {
    std::lock_guard lifecycle(lifecycle_mutex_);
    if (context_) return;
    namespace asio = boost::asio;
    auto context = std::make_unique<asio::io_context>(1);
    if (!socket_path_.empty()) {
      ::unlink(socket_path_.c_str());
      auto acceptor = std::make_unique<asio::local::stream_protocol::acceptor>(
          *context, asio::local::stream_protocol::endpoint(socket_path_));
      asio::co_spawn(*context, accept_loop(*acceptor), asio::detached);
      context_ = std::move(context);
      unix_acceptor_ = std::move(acceptor);
      thread_ = std::thread([context = context_.get()] { context->run(); });
      return;
    }
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(*context);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(address_), port_.load());
    acceptor->open(endpoint.protocol());
    acceptor->set_option(asio::socket_base::reuse_address(true));
    acceptor->bind(endpoint);
    acceptor->listen();
    port_ = acceptor->local_endpoint().port();
    asio::co_spawn(*context, accept_loop(*acceptor), asio::detached);
    context_ = std::move(context);
    acceptor_ = std::move(acceptor);
    thread_ = std::thread([context = context_.get()] { context->run(); });
  }

  // Closes the listener and every connection (answers being delayed are never sent).
  void stop() {
    std::lock_guard lifecycle(lifecycle_mutex_);
    if (!context_) return;
    context_->stop();
    thread_.join();
    acceptor_.reset();
    unix_acceptor_.reset();
    context_.reset();  // destroys the connections' coroutines, closing their sockets
  }

  bool running() const {
    std::lock_guard lifecycle(lifecycle_mutex_);
    return context_ != nullptr;
  }
  std::uint16_t port() const { return port_.load(); }
  // http://127.0.0.1:PORT (an IPv6 address in brackets), or unix:///path on a socket
  std::string url() const {
    if (!socket_path_.empty()) return "unix://" + socket_path_;
    const bool v6 = address_.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + address_ + "]" : address_) + ":" + std::to_string(port());
  }

  // How every request from now on is answered.
  void set_reply(FakeAgentReply reply) {
    std::lock_guard lock(mutex_);
    reply_ = std::move(reply);
  }
  void set_status(int status, std::string body = {}) {
    std::lock_guard lock(mutex_);
    reply_.status = status;
    reply_.body = std::move(body);
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t request_count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }
  std::size_t connections() const {  // accepted since construction
    std::lock_guard lock(mutex_);
    return connections_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    requests_.clear();
  }

  // Waits until predicate(requests) holds (checked on every new request) or timeout passes.
  template <class Predicate>
  bool wait_for(Predicate predicate, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return recorded_.wait_for(lock, timeout, [&] { return predicate(requests_); });
  }

 private:
  template <class Acceptor>
  boost::asio::awaitable<void> accept_loop(Acceptor& acceptor) {
    namespace asio = boost::asio;
    for (;;) {
      boost::system::error_code ec;
      auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      {
        std::lock_guard lock(mutex_);
        ++connections_;
      }
      asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), asio::detached);
    }
  }

  template <class Socket>
  boost::asio::awaitable<void> serve(Socket socket) {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    boost::system::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      co_await http::async_read(socket, buffer, parser, token);
      if (ec) co_return;
      auto& request = parser.get();
      FakeAgentReply reply;
      {
        std::lock_guard lock(mutex_);
        RecordedRequest recorded;
        recorded.method = std::string(request.method_string());
        recorded.target = std::string(request.target());
        for (const auto& field : request) {
          std::string name(field.name_string());
          std::transform(name.begin(), name.end(), name.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          recorded.headers[name] = std::string(field.value());
        }
        recorded.body = request.body();
        requests_.push_back(std::move(recorded));
        reply = reply_;
      }
      recorded_.notify_all();
      if (reply.delay.count() > 0) {
        asio::steady_timer timer(socket.get_executor());
        timer.expires_after(reply.delay);
        co_await timer.async_wait(token);
      }
      http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
      response.set(http::field::content_type, "application/json");
      for (const auto& [name, value] : reply.headers) response.set(name, value);
      response.body() = reply.body;
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      co_await http::async_write(socket, response, token);
      if (ec || reply.close_silently || !response.keep_alive()) co_return;
    }
  }

  const std::string address_;
  std::atomic<std::uint16_t> port_;
  mutable std::mutex lifecycle_mutex_;
  std::unique_ptr<boost::asio::io_context> context_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  const std::string socket_path_;  // non-empty: listening there instead of address_:port_
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> unix_acceptor_;
  std::thread thread_;

  mutable std::mutex mutex_;
  std::condition_variable recorded_;
  std::vector<RecordedRequest> requests_;
  std::size_t connections_ = 0;
  FakeAgentReply reply_;
};

// ---- v0.4 bodies ----

// The traces in these requests, by their X-Datadog-Trace-Count headers (0 where it is missing).
inline std::size_t traces_received(const std::vector<RecordedRequest>& requests) {
  std::size_t count = 0;
  for (const auto& request : requests) {
    const std::string header = request.header("X-Datadog-Trace-Count");
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), n);
    if (ec == std::errc() && end == header.data() + header.size()) count += n;
  }
  return count;
}

}  // namespace srelab::testing
