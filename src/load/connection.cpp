#include "load/connection.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include "load/answer_reader.hpp"

namespace srelab::load {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

// What a server closing an idle kept-alive connection looks like to the next request on it.
bool closed_while_idle(const error_code& ec) {
  return ec == boost::beast::http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

}  // namespace

asio::awaitable<Exchange> Connection::exchange(const asio::ip::tcp::endpoint& to,
                                               std::string_view request, time_point deadline) {
  busy_ = true;
  timed_out_ = false;
  cancelled_ = false;
  deadline_ = deadline;
  bool retry = false;
  Exchange done = co_await attempt(to, request, retry);
  if (retry) done = co_await attempt(to, request, retry);
  busy_ = false;
  co_return done;
}

asio::awaitable<Exchange> Connection::attempt(const asio::ip::tcp::endpoint& to,
                                              std::string_view request, bool& retry) {
  const bool reused = socket_.is_open();
  retry = false;
  error_code ec;
  if (!reused) {
    buffer_.clear();
    co_await socket_.async_connect(to, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return failed(Exchange::Result::connect_error);
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  }
  co_await asio::async_write(socket_, asio::buffer(request.data(), request.size()),
                             asio::redirect_error(asio::use_awaitable, ec));
  AnswerReader reader(body_);
  if (!ec) {
    co_await boost::beast::http::async_read(socket_, buffer_, reader,
                                            asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) {
    retry = reused && !timed_out_ && !cancelled_ && closed_while_idle(ec) && !reader.got_some();
    co_return failed(Exchange::Result::io_error);
  }
  if (!reader.keep_alive()) close();
  co_return Exchange{Exchange::Result::answered, reader.status(), reader.source()};
}

Exchange Connection::failed(Exchange::Result result) {
  close();
  if (cancelled_) return Exchange{Exchange::Result::cancelled, 0, {}};
  if (timed_out_ && result != Exchange::Result::connect_error) {
    return Exchange{Exchange::Result::timeout, 0, {}};
  }
  return Exchange{result, 0, {}};
}

void Connection::expire_if_late(time_point now) {
  if (!busy_ || timed_out_ || now < deadline_) return;
  timed_out_ = true;
  close();
}

void Connection::cancel() {
  cancelled_ = busy_;
  close();
}

void Connection::close() {
  error_code ignored;
  socket_.close(ignored);
}

}  // namespace srelab::load
