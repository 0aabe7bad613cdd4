// What the server shares with the sessions it accepted (internal to http/). Sessions hold it by
// shared_ptr, so it outlives the Server object when connections are still closing, and it owns
// no I/O object: whatever order the Server and the io_contexts die in, nothing here touches a
// destroyed context.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "http/router.hpp"
#include "http/server.hpp"

namespace srelab::http::detail {

class Session;

// One per io_context. After start() it is touched only on that context's thread, so it needs
// no lock: stop() reaches it by posting to the context.
struct ContextSlot {
  boost::asio::io_context* context = nullptr;
  const Router* router = nullptr;
  boost::asio::ip::tcp::acceptor* acceptor = nullptr;  // owned by the accept loop's frame
  Session* sessions = nullptr;                         // intrusive list of live sessions
};

struct ServerState {
  explicit ServerState(ServerSettings s);

  const ServerSettings settings;
  // The shortest timeout: how often a session's watchdog wakes at most (see Session::watch).
  const std::chrono::steady_clock::duration tick;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open{0};       // admitted sessions alive, across contexts
  std::atomic<std::size_t> abandoned{0};  // requests answered 503 at the drain deadline
  std::atomic<std::uint16_t> port{0};
  std::vector<ContextSlot> slots;  // sized once by start(), never resized
};

}  // namespace srelab::http::detail
