// One accepted connection (internal to http/): the coroutine that reads requests, asks the
// Router, runs the route's handler inside its middleware (run_route) and writes responses in
// order, with keep-alive, limits and timeouts. Lives on the io_context that accepted it and never
// leaves it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "http/message.hpp"
#include "http/request_error.hpp"
#include "http/router.hpp"
#include "http/server_state.hpp"

namespace srelab::http::detail {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // After an error response, input the client already sent is read and dropped for this long at
  // most before closing: closing with unread input sends a reset that can destroy the response
  // before the client reads it ("lingering close").
  static constexpr std::chrono::milliseconds kLingerTime{1000};

  // admitted is false when the server is at max_connections: the session answers 503 and closes.
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state,
          ContextSlot& slot, bool admitted);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The session's whole life; the frame and the watchdog share ownership of the session.
  static boost::asio::awaitable<void> run(std::shared_ptr<Session> self);

  // Called by Server::stop() on the session's context. A session running a handler finishes
  // that request (its response says Connection: close), one writing a response finishes the
  // write; any other is closed now.
  void stop();
  // Called at the drain deadline on the session's context: a request still being handled is
  // answered now with `error` (Connection: close) and the connection closed after it; the
  // handler's response, when it comes, is dropped. Whether there was such a request.
  bool abandon(const RequestError& error);
  Session* next() const { return next_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class Phase { idle, request, handling, write, linger };

  boost::asio::awaitable<void> serve();
  boost::asio::awaitable<boost::system::error_code> read_request();
  bool apply_route_body_limit(beast_http::request_parser<beast_http::string_body>& parser);
  std::size_t route_body_limit(const Request& request) const;
  boost::asio::awaitable<Response> dispatch(Request& request);
  static Response unmatched(const RouteMatch& match, const Request& request, std::string_view path);
  static boost::asio::awaitable<Response> ready(Response response);
  bool finish(Response& response, const Request& request) const;
  boost::asio::awaitable<void> answer_and_close(const RequestError& error);
  boost::asio::awaitable<void> send_error_and_linger(const RequestError& error);
  static boost::asio::awaitable<void> answer_abandoned(std::shared_ptr<Session> self,
                                                       RequestError error);
  // A finished response: its head serialized into head_, then head and body in one write.
  boost::asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write(
      const Response& response);
  boost::asio::awaitable<void> linger();
  void close();

  void watch(Phase phase, Clock::duration timeout);
  void wait_timer(std::shared_ptr<Session> self);
  void on_timer(std::shared_ptr<Session> self);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;  // reused across the requests of the connection
  std::string head_;                  // the same, for the answers' status line and fields
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  std::optional<RequestContext> context_;  // the routed request's, while its handler runs
  std::optional<RequestError> refused_;    // the current request's header framing_error()
  std::shared_ptr<ServerState> state_;
  ContextSlot& slot_;
  const bool admitted_;

  Phase phase_ = Phase::idle;
  // The current request's first byte (the accept, for a 503 over max_connections).
  Clock::time_point request_started_ = Clock::now();
  Clock::time_point deadline_ = Clock::time_point::max();
  bool expired_ = false;  // the watchdog cancelled the current operation
  bool closed_ = false;
  bool abandoned_ = false;  // answered by abandon(): the handler's response is dropped

  Session* prev_ = nullptr;
  Session* next_ = nullptr;
};

}  // namespace srelab::http::detail
