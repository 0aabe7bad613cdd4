#include "redis/client.hpp"

#include <array>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <exception>
#include <span>
#include <utility>
#include <vector>

#include "core/backoff.hpp"
#include "redis/protocol.hpp"

namespace srelab::redis {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using Handler = asio::any_completion_handler<void(error_code, Reply)>;
using Args = std::span<const std::string_view>;

inline auto awaitable_ec(error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

// Exceptions are bugs: let them leave io_context::run() instead of vanishing with `detached`.
void rethrow(std::exception_ptr error) {
  if (error) std::rethrow_exception(error);
}

struct Pending {
  Handler handler;  // empty once its caller cancelled; the reply is then dropped
  SteadyClock::time_point deadline;
  std::uint64_t id = 0;
};

// One TCP connection and everything that dies with it: the protocol stream, the FIFO of
// commands awaiting replies and the timers of its loops. A reconnect makes a new one, so a
// loop of an old connection can never touch the next.
struct Connection : std::enable_shared_from_this<Connection> {
  enum class State { connecting, handshaking, ready, closed };

  explicit Connection(const asio::any_io_executor& executor)
      : socket(executor),
        resolver(executor),
        connect_timer(executor),
        wake(executor, SteadyClock::time_point::max()),
        watchdog(executor),
        closed_signal(executor, SteadyClock::time_point::max()) {}

  Pending* find(std::uint64_t id) {
    if (pending.empty() || id < pending.front().id) return nullptr;
    const auto index = id - pending.front().id;
    return index < pending.size() ? &pending[index] : nullptr;
  }

  State state = State::connecting;
  bool connect_timed_out = false;
  tcp::socket socket;
  tcp::resolver resolver;
  asio::steady_timer connect_timer;
  asio::steady_timer wake;           // the idle writer waits here until a command is queued
  asio::steady_timer watchdog;       // the oldest pending command's deadline
  asio::steady_timer closed_signal;  // the connect loop waits here while the connection works
  bool writer_idle = false;
  Protocol protocol;
  std::deque<Pending> pending;  // references stay valid across push_back/pop_front
  std::uint64_t next_id = 0;
  std::string writing;
  std::array<char, 16 * 1024> read_buffer{};
};

// Removes the handler from a pending command; its cancellation slot must stop pointing here.
Handler take(Pending& pending) {
  if (!pending.handler) return {};
  asio::get_associated_cancellation_slot(pending.handler).clear();
  return std::move(pending.handler);
}

// Installed in the cancellation slot of a caller that can cancel (e.g. awaitable_operators):
// it answers the caller at once and leaves the command in the pipeline, whose reply is dropped.
struct CancelPending {
  std::weak_ptr<Connection> connection;
  std::uint64_t id;
  asio::any_io_executor executor;

  void operator()(asio::cancellation_type) {
    const auto c = connection.lock();
    Pending* pending = c ? c->find(id) : nullptr;
    if (pending == nullptr || !pending->handler) return;
    // Not take(): this runs inside the slot, which the caller clears when it resumes.
    asio::post(executor, asio::append(std::move(pending->handler),
                                      make_error_code(asio::error::operation_aborted), Reply{}));
  }
};

}  // namespace

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  Impl(asio::any_io_executor executor_in, ClientSettings settings_in)
      : executor(std::move(executor_in)),
        settings(std::move(settings_in)),
        backoff(settings.backoff_initial, settings.backoff_max),
        backoff_timer(executor) {}

  void start() {
    if (started || stopped) return;
    started = true;
    asio::co_spawn(executor, connect_loop(shared_from_this()), rethrow);
  }

  void stop() {
    if (stopped) return;
    stopped = true;
    backoff_timer.cancel();
    if (conn) close(*conn, errc::cancelled);
  }

  bool connected() const { return conn && conn->state == Connection::State::ready; }

  // --- commands ---

  template <class Token>
  auto async_exec(Connection& c, Args args, Token&& token) {
    return asio::async_initiate<Token, void(error_code, Reply)>(
        [this](auto handler, Connection* c, Args args) {
          enqueue(*c, Handler(std::move(handler)), args);
        },
        token, &c, args);
  }

  asio::awaitable<result<Reply>> execute(Args args) {
    if (stopped) co_return errc::cancelled;
    if (!connected()) {
      ++stats.rejected;
      co_return errc::cache_unavailable;
    }
    auto [ec, reply] = co_await async_exec(*conn, args, asio::as_tuple(asio::use_awaitable));
    co_return to_result(ec, std::move(reply));
  }

  result<Reply> to_result(error_code ec, Reply reply) {
    if (!ec) return reply;
    if (ec == errc::cache_error) last_error = std::move(reply.str);
    if (ec == asio::error::operation_aborted) return errc::cancelled;
    return ec;
  }

  void enqueue(Connection& c, Handler handler, Args args) {
    if (c.state == Connection::State::closed) {
      fail_later(std::move(handler), errc::cache_unavailable);
      return;
    }
    if (auto appended = c.protocol.append(args); !appended) {
      fail_later(std::move(handler), errc::invalid_argument);
      return;
    }
    ++stats.commands;
    const auto id = c.next_id++;
    Pending& pending = c.pending.emplace_back(
        Pending{std::move(handler), SteadyClock::now() + settings.command_timeout, id});
    if (auto slot = asio::get_associated_cancellation_slot(pending.handler); slot.is_connected()) {
      slot.template emplace<CancelPending>(CancelPending{c.weak_from_this(), id, executor});
    }
    if (c.writer_idle) {
      c.writer_idle = false;
      c.wake.cancel();
    }
  }

  // Completions outside the reader's hot path are posted, so stop() or a timeout never resumes
  // a caller from inside the client's own bookkeeping.
  void fail_later(Handler handler, errc code) {
    asio::post(executor, asio::append(std::move(handler), make_error_code(code), Reply{}));
  }

  // Ends a connection once: its loops see `closed` and return, every pending command fails.
  void close(Connection& c, errc reason) {
    if (c.state == Connection::State::closed) return;
    c.state = Connection::State::closed;
    error_code ignored;
    c.socket.close(ignored);
    c.resolver.cancel();
    c.connect_timer.cancel();
    c.wake.cancel();
    c.watchdog.cancel();
    c.closed_signal.cancel();
    auto pending = std::move(c.pending);
    c.pending.clear();
    for (auto& p : pending) {
      if (auto handler = take(p)) fail_later(std::move(handler), reason);
    }
  }

  // --- loops ---

  static asio::awaitable<void> connect_loop(std::shared_ptr<Impl> self) {
    while (!self->stopped) {
      auto c = std::make_shared<Connection>(self->executor);
      self->conn = c;
      const bool ready = co_await self->open(c);
      if (self->stopped) break;
      if (ready) {
        self->backoff.record_success();
        if (c->state != Connection::State::closed) {
          error_code ec;
          co_await c->closed_signal.async_wait(awaitable_ec(ec));
        }
        continue;  // a connection that worked is retried at once; failing attempts back off
      }
      ++self->stats.connect_failures;
      self->close(*c, errc::cache_unavailable);
      self->backoff.record_failure(SteadyClock::now());
      self->backoff_timer.expires_at(self->backoff.not_before());
      error_code ec;
      co_await self->backoff_timer.async_wait(awaitable_ec(ec));
    }
  }

  // Connects, starts the connection's loops and runs the handshake; true once it is usable.
  asio::awaitable<bool> open(std::shared_ptr<Connection> c) {
    c->connect_timer.expires_after(settings.connect_timeout);
    c->connect_timer.async_wait([c](error_code ec) {
      if (ec || c->state != Connection::State::connecting) return;
      c->connect_timed_out = true;
      c->resolver.cancel();
      error_code ignored;
      c->socket.close(ignored);
    });
    error_code ec;
    const auto endpoints = co_await c->resolver.async_resolve(
        settings.host, std::to_string(settings.port), awaitable_ec(ec));
    if (ec || c->state != Connection::State::connecting) co_return false;
    co_await asio::async_connect(c->socket, endpoints, awaitable_ec(ec));
    if (ec || c->connect_timed_out || c->state != Connection::State::connecting) co_return false;
    c->connect_timer.cancel();
    c->socket.set_option(tcp::no_delay(true), ec);
    c->state = Connection::State::handshaking;

    auto self = shared_from_this();
    asio::co_spawn(executor, read_loop(self, c), rethrow);
    asio::co_spawn(executor, write_loop(self, c), rethrow);
    asio::co_spawn(executor, watchdog_loop(self, c), rethrow);

    if (!co_await handshake(c)) co_return false;
    if (c->state != Connection::State::handshaking) co_return false;
    c->state = Connection::State::ready;
    ++stats.connects;
    co_return true;
  }

  // AUTH and SELECT when configured, then PING, so that a connection counts as ready only once
  // Redis has answered on it (a server at maxclients accepts and then refuses).
  asio::awaitable<bool> handshake(std::shared_ptr<Connection> c) {
    const std::string database = std::to_string(settings.database);
    std::vector<std::vector<std::string_view>> commands;
    if (!settings.password.empty()) commands.push_back({"AUTH", settings.password});
    if (settings.database != 0) commands.push_back({"SELECT", database});
    commands.push_back({"PING"});
    for (const auto& command : commands) {
      auto [ec, reply] = co_await async_exec(*c, command, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == errc::cache_error) last_error = std::move(reply.str);
        co_return false;
      }
    }
    co_return true;
  }

  // Sends everything queued since the last write in one write: concurrent commands share it.
  static asio::awaitable<void> write_loop(std::shared_ptr<Impl> self,
                                          std::shared_ptr<Connection> c) {
    while (c->state != Connection::State::closed) {
      if (!c->protocol.has_outgoing()) {
        c->writer_idle = true;
        error_code ec;
        co_await c->wake.async_wait(awaitable_ec(ec));
        c->writer_idle = false;
        continue;
      }
      c->protocol.take_outgoing(c->writing);
      error_code ec;
      co_await asio::async_write(c->socket, asio::buffer(c->writing), awaitable_ec(ec));
      if (c->state == Connection::State::closed) break;
      if (ec) {
        self->close(*c, errc::cache_unavailable);
        break;
      }
      ++self->stats.writes;
    }
  }

  // Feeds the parser and answers pending commands in order.
  static asio::awaitable<void> read_loop(std::shared_ptr<Impl> self,
                                         std::shared_ptr<Connection> c) {
    while (c->state != Connection::State::closed) {
      error_code ec;
      const auto n =
          co_await c->socket.async_read_some(asio::buffer(c->read_buffer), awaitable_ec(ec));
      if (c->state == Connection::State::closed) break;
      if (ec || !self->deliver(*c, std::string_view(c->read_buffer.data(), n))) {
        self->close(*c, errc::cache_unavailable);
        break;
      }
    }
  }

  // False when the stream is broken: a protocol error, or a reply nobody asked for.
  bool deliver(Connection& c, std::string_view bytes) {
    if (!c.protocol.feed(bytes)) return false;
    while (c.state != Connection::State::closed) {
      auto next = c.protocol.next_reply();
      if (!next || (*next && c.pending.empty())) return false;
      if (!*next) break;
      ++stats.replies;
      Handler handler = take(c.pending.front());
      c.pending.pop_front();
      if (!handler) continue;
      Reply& reply = **next;
      const auto ec =
          reply.type == Reply::Type::error ? make_error_code(errc::cache_error) : error_code{};
      // The hot path: resumes the caller inline when it runs on this thread. It may queue more
      // commands or even stop the client; the loop re-checks the state after each reply.
      asio::dispatch(executor, asio::append(std::move(handler), ec, std::move(reply)));
    }
    return true;
  }

  // One timer for the whole pipeline: it sleeps until the oldest command's deadline (or a full
  // timeout while idle: anything queued meanwhile has a later deadline, so it is never late).
  static asio::awaitable<void> watchdog_loop(std::shared_ptr<Impl> self,
                                             std::shared_ptr<Connection> c) {
    while (c->state != Connection::State::closed) {
      const auto deadline = c->pending.empty() ? SteadyClock::now() + self->settings.command_timeout
                                               : c->pending.front().deadline;
      c->watchdog.expires_at(deadline);
      error_code ec;
      co_await c->watchdog.async_wait(awaitable_ec(ec));
      if (c->state == Connection::State::closed) break;
      if (!c->pending.empty() && c->pending.front().deadline <= SteadyClock::now()) {
        self->time_out(*c);
        break;
      }
    }
  }

  // The late command fails with timeout; the others cannot be answered on this stream any more.
  void time_out(Connection& c) {
    ++stats.timeouts;
    Handler handler = take(c.pending.front());
    c.pending.pop_front();
    if (handler) fail_later(std::move(handler), errc::timeout);
    close(c, errc::cache_unavailable);
  }

  asio::any_io_executor executor;
  ClientSettings settings;
  Backoff backoff;
  asio::steady_timer backoff_timer;
  std::shared_ptr<Connection> conn;
  bool started = false;
  bool stopped = false;
  ClientStats stats;
  std::string last_error;
};

Client::Client(asio::any_io_executor executor, ClientSettings settings)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(settings))) {}

Client::~Client() {
  if (impl_) impl_->stop();
}

void Client::start() {
  impl_->start();
}
void Client::stop() {
  impl_->stop();
}
bool Client::connected() const {
  return impl_->connected();
}
ClientStats Client::stats() const {
  return impl_->stats;
}
const std::string& Client::last_error() const {
  return impl_->last_error;
}

// Each command holds the Impl, so a Client destroyed while commands are awaited stays safe.
asio::awaitable<result<Reply>> Client::command(std::span<const std::string_view> args) {
  const auto impl = impl_;
  co_return co_await impl->execute(args);
}

asio::awaitable<result<std::optional<std::string>>> Client::get(std::string_view key) {
  const auto impl = impl_;
  const std::array<std::string_view, 2> args{"GET", key};
  auto reply = co_await impl->execute(args);
  if (!reply) co_return reply.error();
  if (reply->type == Reply::Type::nil) co_return std::nullopt;
  if (reply->type != Reply::Type::string) co_return errc::protocol_error;
  co_return std::move(reply->str);
}

asio::awaitable<result<void>> Client::set(std::string_view key, std::string_view value,
                                          std::chrono::seconds ttl) {
  if (ttl.count() <= 0) co_return errc::invalid_argument;  // Redis refuses EX 0 anyway
  const auto impl = impl_;
  const std::string seconds = std::to_string(ttl.count());
  const std::array<std::string_view, 5> args{"SET", key, value, "EX", seconds};
  auto reply = co_await impl->execute(args);
  if (!reply) co_return reply.error();
  if (reply->type != Reply::Type::status) co_return errc::protocol_error;
  co_return result<void>{};
}

asio::awaitable<result<void>> Client::ping() {
  const auto impl = impl_;
  const std::array<std::string_view, 1> args{"PING"};
  auto reply = co_await impl->execute(args);
  if (!reply) co_return reply.error();
  if (reply->type != Reply::Type::status) co_return errc::protocol_error;
  co_return result<void>{};
}

}  // namespace srelab::redis
