// One keep-alive HTTP/1.1 connection of the load generator, used by one request at a time: it
// connects when it is not open, writes the request bytes, reads the answer with AnswerReader
// and stays open for the next request unless the server said `Connection: close`. Timeouts come
// from the worker's watchdog (expire_if_late), one timer a thread instead of one per request.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace srelab::load {

struct Exchange {
  enum class Result { answered, connect_error, timeout, io_error, cancelled };
  Result result = Result::cancelled;
  int status = 0;
  std::string_view source;  // valid until the connection's next exchange
};

class Connection {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit Connection(boost::asio::io_context& io) : socket_(io) {}

  // Sends `request` (complete bytes) and reads the answer, all before `deadline`. A kept-alive
  // connection that the server closed while idle is reopened and the request sent again, once.
  boost::asio::awaitable<Exchange> exchange(const boost::asio::ip::tcp::endpoint& to,
                                            std::string_view request, time_point deadline);

  // The watchdog's check: a running exchange past its deadline ends as a timeout.
  void expire_if_late(time_point now);
  // Ends a running exchange as cancelled and closes the socket (the run is stopping).
  void cancel();

  std::string request;  // scratch for the worker to build the next request into

 private:
  boost::asio::awaitable<Exchange> attempt(const boost::asio::ip::tcp::endpoint& to,
                                           std::string_view request, bool& retry);
  Exchange failed(Exchange::Result result);
  void close();

  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::string body_;
  time_point deadline_{};
  bool busy_ = false;
  bool timed_out_ = false;
  bool cancelled_ = false;
};

}  // namespace srelab::load
