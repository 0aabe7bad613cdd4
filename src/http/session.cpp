#include "http/session.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <string>
#include <tuple>

#include "http/request_framing.hpp"
#include "http/responses.hpp"

namespace srelab::http::detail {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Bytes read at most from the socket at once (Beast's own read uses the same bound).
constexpr std::size_t kReadChunk = 64 * 1024;
// Input dropped at most by the lingering close (Session::kLingerTime).
constexpr std::size_t kLingerBytes = 1024 * 1024;

std::string_view as_view(asio::const_buffer buffer, std::size_t size) {
  return {static_cast<const char*>(buffer.data()), size};
}

// The status line and fields of a finished response, as Beast would write them, in one buffer:
// Beast's serializer hands the socket one buffer per field through a generic buffer sequence,
// which on a small answer costs more than the bytes. Worth ~4 % of cache-hit throughput, traced
// or not (bench/compare_builds.sh, 9 rounds of 6 s on a quiet machine: Beast's serializer /
// this = 0.96 untraced, 0.96 traced).
void write_head(const Response& response, std::string& out) {
  out.clear();
  const unsigned version = response.version();
  out.append("HTTP/");
  out.push_back(static_cast<char>('0' + version / 10));
  out.push_back('.');
  out.push_back(static_cast<char>('0' + version % 10));
  out.push_back(' ');
  out.append(std::to_string(response.result_int()));
  out.push_back(' ');
  const auto reason = response.reason().empty() ? beast_http::obsolete_reason(response.result())
                                                : response.reason();
  out.append(reason.data(), reason.size());
  out.append("\r\n");
  for (const auto& field : response) {
    out.append(field.name_string().data(), field.name_string().size());
    out.append(": ");
    out.append(field.value().data(), field.value().size());
    out.append("\r\n");
  }
  out.append("\r\n");
}

bool expects_continue(const Request& request) {
  const auto expect = request.find(beast_http::field::expect);
  return request.version() == 11 && expect != request.end() &&
         boost::beast::iequals(expect->value(), "100-continue");
}

}  // namespace

Session::Session(asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state,
                 ContextSlot& slot, bool admitted)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      state_(std::move(state)),
      slot_(slot),
      admitted_(admitted) {
  next_ = slot_.sessions;
  if (next_ != nullptr) next_->prev_ = this;
  slot_.sessions = this;
}

Session::~Session() {
  (prev_ != nullptr ? prev_->next_ : slot_.sessions) = next_;
  if (next_ != nullptr) next_->prev_ = prev_;
  if (admitted_) state_->open.fetch_sub(1);
}

// Note for all coroutines here: GCC 12 can destroy a temporary with a destructor twice when it
// lives in a co_await or co_return full-expression, so such values are named locals first.
asio::awaitable<void> Session::run(std::shared_ptr<Session> self) {
  self->timer_.expires_after(self->state_->tick);
  self->wait_timer(self);
  if (self->state_->stopping) {
    // Accepted while the server was stopping: the connection is dropped unanswered.
  } else if (self->admitted_) {
    co_await self->serve();
  } else {
    const RequestError busy{Status::service_unavailable, "Service Unavailable",
                            "the server is at its limit of " +
                                std::to_string(self->state_->settings.max_connections) +
                                " open connections"};
    co_await self->answer_and_close(busy);
  }
  if (!self->abandoned_) self->close();  // else answer_abandoned() closes once it has answered
}

void Session::stop() {
  if (phase_ != Phase::handling && phase_ != Phase::write) close();
}

bool Session::abandon(const RequestError& error) {
  if (phase_ != Phase::handling || closed_ || abandoned_) return false;
  abandoned_ = true;
  // The handler's coroutine stays suspended in serve(); this one owns the socket from now on,
  // which is free: a handler never touches it.
  asio::co_spawn(socket_.get_executor(), answer_abandoned(shared_from_this(), error),
                 asio::detached);
  return true;
}

asio::awaitable<void> Session::answer_abandoned(std::shared_ptr<Session> self, RequestError error) {
  co_await self->send_error_and_linger(error);
  self->close();
}

void Session::close() {
  closed_ = true;
  timer_.cancel();
  error_code ignored;
  socket_.close(ignored);
}

// ---- the request loop ----------------------------------------------------------------------

asio::awaitable<void> Session::serve() {
  const ServerSettings& settings = state_->settings;
  for (;;) {
    // Between requests only the idle timeout applies, and it ends the connection silently; a
    // request has started once its first byte is here (or was read with the previous one).
    if (buffer_.size() == 0) {
      watch(Phase::idle, settings.idle_timeout);
      auto [ec, n] = co_await socket_.async_read_some(
          buffer_.prepare(boost::beast::read_size(buffer_, kReadChunk)), use_tuple);
      if (ec) co_return;
      buffer_.commit(n);
    }

    request_started_ = Clock::now();
    watch(Phase::request, settings.request_timeout);
    error_code ec = co_await read_request();
    if (ec) {
      if (expired_) ec = asio::error::timed_out;
      // The 413 names the limit of the request's route (the parser may have refused the
      // Content-Length against the largest limit, before the route was known).
      ServerSettings in_force = settings;
      in_force.body_limit = ec == beast_http::error::body_limit ? route_body_limit(parser_->get())
                                                                : settings.body_limit;
      if (auto error = refused_ ? std::move(refused_) : read_error(ec, in_force))
        co_await answer_and_close(*error);
      co_return;
    }
    Request& request = parser_->get();
    if (auto error = request_error(request)) {
      co_await answer_and_close(*error);
      co_return;
    }

    watch(Phase::handling, Clock::duration::max());
    Response response = co_await dispatch(request);
    context_.reset();           // it refers to the request, which the next read replaces
    if (abandoned_) co_return;  // answered at the drain deadline
    const bool keep_alive = finish(response, request);

    watch(Phase::write, settings.write_timeout);
    auto [write_ec, written] = co_await write(response);
    // A stop during the write left the connection open for the answer's sake only.
    if (write_ec || !keep_alive || state_->stopping) co_return;
  }
}

// Beast's async_read, unrolled: the loop sees the raw header block (to refuse obsolete line
// folding), checks the header's framing before any body byte is parsed, and can answer
// "Expect: 100-continue" between header and body. A header framing_error() refuses ends the read
// with refused_ set (and a protocol error as the code): the caller answers it and closes, and the
// bytes after the header are never parsed, since their framing is exactly what is in doubt.
asio::awaitable<error_code> Session::read_request() {
  refused_.reset();
  auto& parser = parser_.emplace();
  parser.header_limit(
      static_cast<std::uint32_t>(std::min<std::size_t>(state_->settings.header_limit, UINT32_MAX)));
  // Until the header names the route, the parser accepts the largest limit of any route.
  parser.body_limit(std::max(state_->settings.body_limit, slot_.router->largest_body_limit()));
  error_code ec;
  for (;;) {
    if (buffer_.size() != 0) {
      const bool header_was_done = parser.is_header_done();
      const std::size_t used = parser.put(buffer_.data(), ec);
      if (!header_was_done && parser.is_header_done()) {
        // Without the eager option put() stops right after the header, so `used` is its size.
        if (has_obsolete_line_folding(as_view(buffer_.data(), used)))
          co_return beast_http::error::bad_obs_fold;
        if ((refused_ = framing_error(parser.get())))
          co_return make_error_code(boost::system::errc::protocol_error);
        if (!apply_route_body_limit(parser)) co_return beast_http::error::body_limit;
        parser.eager(true);
        if (!parser.is_done() && expects_continue(parser.get())) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          buffer_.consume(used);
          auto [write_ec, n] =
              co_await asio::async_write(socket_, asio::buffer(kContinue), use_tuple);
          if (write_ec) co_return write_ec;
          continue;
        }
      }
      buffer_.consume(used);
      if (ec != beast_http::error::need_more) {
        if (ec || parser.is_done()) co_return ec;
        if (used != 0 && buffer_.size() != 0) continue;
      }
    }
    auto [read_ec, n] = co_await socket_.async_read_some(
        buffer_.prepare(boost::beast::read_size(buffer_, kReadChunk)), use_tuple);
    if (read_ec == asio::error::eof) co_return beast_http::error::partial_message;
    if (read_ec) co_return read_ec;
    buffer_.commit(n);
  }
}

// The body limit of the request's route, once its header is in: refused now when its
// Content-Length says more, else given to the parser (which counts a chunked body against it).
// Only for a request with a body, and only when some route has a limit of its own: the common
// request pays nothing.
bool Session::apply_route_body_limit(beast_http::request_parser<beast_http::string_body>& parser) {
  if (slot_.router->largest_body_limit() == 0 || parser.is_done()) return true;
  const std::size_t limit = route_body_limit(parser.get());
  if (parser.content_length() && *parser.content_length() > limit) return false;
  parser.body_limit(limit);
  return true;
}

std::size_t Session::route_body_limit(const Request& request) const {
  const std::size_t server_limit = state_->settings.body_limit;
  if (slot_.router->largest_body_limit() == 0) return server_limit;
  const auto target = split_target(request.target());
  if (!target) return server_limit;  // request_error() answers it once it is read
  return slot_.router->body_limit(request.method(), target->path).value_or(server_limit);
}

// Not a coroutine itself: a routed request costs the frames of run_route and the handler only.
asio::awaitable<Response> Session::dispatch(Request& request) {
  const auto started = Clock::now();
  const Target target = *split_target(request.target());  // request_error() checked the target
  RouteMatch match = slot_.router->match(request.method(), target.path);
  if (match.kind != RouteMatch::Kind::found) {
    Response response = unmatched(match, request, target.path);
    if (const auto layers = slot_.router->unmatched_layers(); !layers.empty()) {
      RequestContext& context =
          context_.emplace(RequestContext{request, target.path, target.query, {}, {}});
      context.started = started;
      response = run_unmatched(layers, context, std::move(response));
    }
    slot_.router->observe_unmatched(response.result(), Clock::now() - started);
    return ready(std::move(response));
  }
  RequestContext& context = context_.emplace(
      RequestContext{request, target.path, target.query, match.route, std::move(match.params)});
  context.started = started;
  return run_route(match.layers, *match.handler, context);
}

Response Session::unmatched(const RouteMatch& match, const Request& request,
                            std::string_view path) {
  if (match.kind == RouteMatch::Kind::not_found)
    return json_error(Status::not_found, "Not Found", "no route matches " + std::string(path));
  Response response = json_error(Status::method_not_allowed, "Method Not Allowed",
                                 std::string(request.method_string()) + " is not allowed on " +
                                     std::string(path) + "; allowed: " + match.allow);
  response.set(beast_http::field::allow, match.allow);
  return response;
}

asio::awaitable<Response> Session::ready(Response response) {
  co_return response;
}

// Fills in what handlers leave to the session; returns whether the connection stays open.
bool Session::finish(Response& response, const Request& request) const {
  const bool keep_alive = request.keep_alive() && !state_->stopping;
  response.version(request.version());
  response.keep_alive(keep_alive);
  response.set(beast_http::field::server, "sre-lab");
  const Status status = response.result();
  if (beast_http::to_status_class(status) == beast_http::status_class::informational ||
      status == Status::no_content) {
    response.body().clear();
    response.erase(beast_http::field::content_length);
    response.erase(beast_http::field::transfer_encoding);
  } else if (request.method() == Verb::head) {
    // HEAD answers as GET would, without the body; an explicit HEAD handler may have set
    // Content-Length itself and left the body empty.
    if (!response.body().empty() ||
        response.find(beast_http::field::content_length) == response.end())
      response.content_length(response.body().size());
    response.body().clear();
  } else {
    response.prepare_payload();
  }
  return keep_alive;
}

asio::awaitable<void> Session::answer_and_close(const RequestError& error) {
  slot_.router->observe_unmatched(error.status, Clock::now() - request_started_);
  co_await send_error_and_linger(error);
}

asio::awaitable<void> Session::send_error_and_linger(const RequestError& error) {
  Response response = json_error(error.status, error.error, error.detail);
  response.keep_alive(false);
  response.set(beast_http::field::server, "sre-lab");
  response.prepare_payload();
  watch(Phase::write, state_->settings.write_timeout);
  auto [ec, n] = co_await write(response);
  if (!ec) co_await linger();
}

asio::awaitable<std::tuple<error_code, std::size_t>> Session::write(const Response& response) {
  write_head(response, head_);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_),
                                                  asio::buffer(response.body())};
  co_return co_await asio::async_write(socket_, buffers, use_tuple);
}

asio::awaitable<void> Session::linger() {
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  watch(Phase::linger, kLingerTime);
  buffer_.clear();
  for (std::size_t dropped = 0; dropped < kLingerBytes;) {
    auto [ec, n] = co_await socket_.async_read_some(buffer_.prepare(kReadChunk), use_tuple);
    if (ec) break;
    dropped += n;
  }
}

// ---- the watchdog ----------------------------------------------------------------------------
//
// One timer per connection, without a timer operation per read or write: watch() only stores a
// deadline, and the timer wakes at most every `tick` (the shortest timeout) to compare. A
// deadline set for a timeout of at least `tick` is never before the timer's next wake-up, so
// the timer fires on time without being re-armed; only a shorter one (the linger time) re-arms.

void Session::watch(Phase phase, Clock::duration timeout) {
  phase_ = phase;
  expired_ = false;
  if (timeout == Clock::duration::max()) {
    deadline_ = Clock::time_point::max();
    return;
  }
  deadline_ = Clock::now() + timeout;
  if (deadline_ < timer_.expiry() && !closed_) {
    // Cancels the pending wait, whose handler then drops out; this wait takes over.
    timer_.expires_at(deadline_);
    wait_timer(shared_from_this());
  }
}

void Session::wait_timer(std::shared_ptr<Session> self) {
  timer_.async_wait([self = std::move(self)](error_code ec) mutable {
    if (ec) return;
    Session& session = *self;  // named first: the call below gives `self` away
    session.on_timer(std::move(self));
  });
}

void Session::on_timer(std::shared_ptr<Session> self) {
  if (closed_) return;
  const auto now = Clock::now();
  if (now >= deadline_) {
    deadline_ = Clock::time_point::max();
    // The coroutine is suspended in a socket operation in every phase but handling; cancelling
    // it lets the coroutine decide: close silently (idle, write, linger) or answer 408 (request).
    if (phase_ != Phase::handling) {
      expired_ = true;
      error_code ignored;
      socket_.cancel(ignored);
    }
  }
  timer_.expires_at(std::min(deadline_, now + state_->tick));
  wait_timer(std::move(self));
}

}  // namespace srelab::http::detail
