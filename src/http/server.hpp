// The HTTP/1.1 server: one SO_REUSEPORT acceptor per IoThreads context, a coroutine per
// connection, keep-alive, limits and timeouts. Handlers never see any of that: they get a
// RequestContext and return a Response; every protocol-level failure is answered here as JSON
// (400 malformed, 408 request timeout, 413 body limit, 431 header limit, 503 over
// max_connections, 404/405 from the Router, 500 when a handler throws).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/errc.hpp"
#include "http/io_threads.hpp"
#include "http/router.hpp"

namespace srelab::http {

// Timeouts are enforced by one watchdog timer per connection that wakes at most every
// min(idle, request, write) timeout, so keep the shortest one reasonable (not microseconds).
struct ServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;  // 0 picks a free port; port() tells which
  std::size_t max_connections = 10000;
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive wait for the next request
  std::chrono::milliseconds request_timeout{
      10'000};  // a whole request (headers + body) must arrive within
  std::chrono::milliseconds write_timeout{10'000};
  std::size_t header_limit = 8 * 1024;
  std::size_t body_limit = 1024 * 1024;
};

class Server {
 public:
  // router_for(i) is the router used by connections accepted on context i; it is asked once per
  // context by start(). Routers must outlive the running of the contexts (handlers in flight
  // refer to them), and the Server must be destroyed before the IoThreads it was given.
  Server(ServerSettings settings, IoThreads& threads,
         std::function<const Router&(std::size_t)> router_for);
  ~Server();  // stop(); does not wait

  // Binds and listens on every context; the error is the system's (e.g. address in use), or
  // errc::invalid_argument when called twice, after stop(), or with no threads. May be called
  // before or after IoThreads::start().
  result<void> start();
  std::uint16_t port() const;
  // Stops accepting and closes open connections; in-flight handlers finish on their own: a
  // session running a handler still writes its response (with Connection: close), then closes.
  // Thread-safe and idempotent; returns at once (the work is posted to each context), so wait
  // for open_connections() to reach 0 before stopping the threads for a clean drain. Stopping
  // the threads earlier is safe too: whatever is left is destroyed with the contexts.
  void stop();
  std::size_t open_connections() const;  // admitted connections still open, over all contexts

  // A graceful shutdown: stop(), then up to `timeout` for the requests in flight to finish. At
  // the deadline every request still being handled is answered 503 JSON (Connection: close, the
  // reason naming the drain timeout), so no client is left with a reset or a hang, and its
  // handler's result is dropped when it comes; then `at_deadline` runs (the composition root
  // cancels the database queries those handlers wait on, so they end). Waits a short while more
  // for the answers to be written and the handlers to end. Blocking: call it from a thread that
  // runs none of the contexts, while they run. Returns how many requests were answered 503.
  std::size_t drain(std::chrono::milliseconds timeout, const std::function<void()>& at_deadline);

 private:
  struct Impl;
  bool wait_closed(std::chrono::steady_clock::duration limit) const;
  void abandon_in_flight(std::chrono::milliseconds timeout);

  std::shared_ptr<Impl> impl_;
};

}  // namespace srelab::http
