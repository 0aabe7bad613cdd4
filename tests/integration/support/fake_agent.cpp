#include "support/fake_agent.hpp"

#include <unistd.h>

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
#include <thread>

namespace srelab::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;

struct FakeAgent::Io {
  asio::io_context context{1};
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor;
  std::unique_ptr<asio::local::stream_protocol::acceptor> unix_acceptor;
  std::thread thread;

  template <class Acceptor>
  static asio::awaitable<void> accept_loop(FakeAgent& agent, Acceptor& acceptor) {
    for (;;) {
      boost::system::error_code ec;
      auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      {
        std::lock_guard lock(agent.mutex_);
        ++agent.connections_;
      }
      asio::co_spawn(acceptor.get_executor(), serve(agent, std::move(socket)), asio::detached);
    }
  }

  template <class Socket>
  static asio::awaitable<void> serve(FakeAgent& agent, Socket socket) {
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
        std::lock_guard lock(agent.mutex_);
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
        agent.requests_.push_back(std::move(recorded));
        reply = agent.reply_;
      }
      agent.recorded_.notify_all();
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
};

FakeAgent::FakeAgent(std::uint16_t port, std::string address)
    : address_(std::move(address)), port_(port) {
  start();
}

FakeAgent::FakeAgent(UnixSocket socket) : port_(0), socket_path_(std::move(socket.path)) {
  start();
}

FakeAgent::~FakeAgent() {
  stop();
  if (!socket_path_.empty()) ::unlink(socket_path_.c_str());
}

void FakeAgent::start() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  if (io_) return;
  auto io = std::make_unique<Io>();
  if (!socket_path_.empty()) {
    ::unlink(socket_path_.c_str());
    io->unix_acceptor = std::make_unique<asio::local::stream_protocol::acceptor>(
        io->context, asio::local::stream_protocol::endpoint(socket_path_));
    asio::co_spawn(io->context, Io::accept_loop(*this, *io->unix_acceptor), asio::detached);
  } else {
    io->acceptor = std::make_unique<asio::ip::tcp::acceptor>(io->context);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(address_), port_.load());
    io->acceptor->open(endpoint.protocol());
    io->acceptor->set_option(asio::socket_base::reuse_address(true));
    io->acceptor->bind(endpoint);
    io->acceptor->listen();
    port_ = io->acceptor->local_endpoint().port();
    asio::co_spawn(io->context, Io::accept_loop(*this, *io->acceptor), asio::detached);
  }
  io->thread = std::thread([context = &io->context] { context->run(); });
  io_ = std::move(io);
}

void FakeAgent::stop() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  if (!io_) return;
  io_->context.stop();
  io_->thread.join();
  io_->acceptor.reset();
  io_->unix_acceptor.reset();
  io_.reset();  // destroys the connections' coroutines, closing their sockets
}

bool FakeAgent::running() const {
  std::lock_guard lifecycle(lifecycle_mutex_);
  return io_ != nullptr;
}

std::string FakeAgent::url() const {
  if (!socket_path_.empty()) return "unix://" + socket_path_;
  const bool v6 = address_.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + address_ + "]" : address_) + ":" + std::to_string(port());
}

}  // namespace srelab::testing
