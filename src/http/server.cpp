#include "http/server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detail/socket_option.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <exception>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "http/server_state.hpp"
#include "http/session.hpp"

namespace srelab::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// The completion handler of every coroutine the server spawns: an exception escaping one is a
// bug, reported on stderr; it must not take the process down.
auto log_exception(const char* what) {
  return [what](std::exception_ptr failure) {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sre-lab http: %s failed: %s\n", what, e.what());
    } catch (...) {
      std::fprintf(stderr, "sre-lab http: %s failed with a non-standard exception\n", what);
    }
  };
}

std::chrono::steady_clock::duration shortest_timeout(const ServerSettings& s) {
  return std::max<std::chrono::steady_clock::duration>(
      std::min({s.idle_timeout, s.request_timeout, s.write_timeout}), std::chrono::milliseconds(1));
}

// Errors that come from running out of a resource (descriptors, memory): accepting again at
// once would spin, so the loop pauses.
bool is_resource_error(const error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
         ec == asio::error::no_memory ||
         ec == make_error_code(boost::system::errc::too_many_files_open_in_system);
}

asio::awaitable<void> accept_loop(std::shared_ptr<detail::ServerState> state, std::size_t index,
                                  tcp::acceptor acceptor) {
  detail::ContextSlot& slot = state->slots[index];
  slot.acceptor = &acceptor;
  struct Unregister {
    detail::ContextSlot& slot;
    ~Unregister() { slot.acceptor = nullptr; }
  } unregister{slot};

  asio::steady_timer pause(acceptor.get_executor());
  while (!state->stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (state->stopping || ec == asio::error::operation_aborted) break;
    if (ec) {
      std::fprintf(stderr, "sre-lab http: accept failed: %s\n", ec.message().c_str());
      if (is_resource_error(ec)) {
        pause.expires_after(std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      continue;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const bool admitted = state->open.fetch_add(1) < state->settings.max_connections;
    if (!admitted) state->open.fetch_sub(1);
    auto session = std::make_shared<detail::Session>(std::move(socket), state, slot, admitted);
    asio::co_spawn(acceptor.get_executor(), detail::Session::run(std::move(session)),
                   log_exception("http session"));
  }
}

}  // namespace

namespace detail {

ServerState::ServerState(ServerSettings s)
    : settings(std::move(s)), tick(shortest_timeout(settings)) {}

}  // namespace detail

struct Server::Impl : detail::ServerState {
  Impl(ServerSettings s, IoThreads& t, std::function<const Router&(std::size_t)> r)
      : ServerState(std::move(s)), threads(t), router_for(std::move(r)) {}

  IoThreads& threads;
  std::function<const Router&(std::size_t)> router_for;
  bool started = false;
};

Server::Server(ServerSettings settings, IoThreads& threads,
               std::function<const Router&(std::size_t)> router_for)
    : impl_(std::make_shared<Impl>(std::move(settings), threads, std::move(router_for))) {}

Server::~Server() {
  stop();
}

result<void> Server::start() {
  Impl& impl = *impl_;
  if (impl.started || impl.stopping || impl.threads.size() == 0) return errc::invalid_argument;
  const ServerSettings& settings = impl.settings;

  error_code ec;
  asio::ip::address address = asio::ip::make_address(settings.host, ec);
  if (ec) {
    tcp::resolver resolver(impl.threads.context(0));
    auto endpoints = resolver.resolve(settings.host, "", ec);
    if (ec) return ec;
    if (endpoints.empty()) return errc::invalid_argument;
    address = endpoints.begin()->endpoint().address();
  }

  // Bind every acceptor before spawning any loop, so a failure leaves nothing running. With
  // port 0 the first bind picks the port and the others join it through SO_REUSEPORT; the
  // kernel then spreads incoming connections over the contexts.
  std::vector<tcp::acceptor> acceptors;
  std::uint16_t port = settings.port;
  for (std::size_t i = 0; i < impl.threads.size(); ++i) {
    tcp::acceptor acceptor(impl.threads.context(i));
    const tcp::endpoint endpoint(address, port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.set_option(reuse_port(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(tcp::acceptor::max_listen_connections, ec);
    if (ec) return ec;
    if (port == 0) port = acceptor.local_endpoint().port();
    acceptors.push_back(std::move(acceptor));
  }

  impl.port = port;
  impl.slots.resize(acceptors.size());
  for (std::size_t i = 0; i < acceptors.size(); ++i) {
    impl.slots[i].context = &impl.threads.context(i);
    impl.slots[i].router = &impl.router_for(i);
  }
  impl.started = true;
  for (std::size_t i = 0; i < acceptors.size(); ++i)
    asio::co_spawn(impl.threads.context(i), accept_loop(impl_, i, std::move(acceptors[i])),
                   log_exception("http accept loop"));
  return {};
}

std::uint16_t Server::port() const {
  return impl_->port;
}

void Server::stop() {
  if (impl_->stopping.exchange(true)) return;
  for (std::size_t i = 0; i < impl_->slots.size(); ++i) {
    asio::post(*impl_->slots[i].context, [state = impl_, i] {
      detail::ContextSlot& slot = state->slots[i];
      error_code ignored;
      if (slot.acceptor != nullptr) slot.acceptor->close(ignored);
      for (detail::Session* session = slot.sessions; session != nullptr; session = session->next())
        session->stop();
    });
  }
}

std::size_t Server::open_connections() const {
  return impl_->open;
}

std::size_t Server::drain(std::chrono::milliseconds timeout,
                          const std::function<void()>& at_deadline) {
  stop();
  if (wait_closed(timeout)) return 0;
  // Abandoned first, so that a handler whose query fails on the cancel below cannot answer
  // with that failure instead.
  abandon_in_flight(timeout);
  if (at_deadline) at_deadline();
  // The answers go out at once; what may take longer is a client that does not close after
  // reading one (the lingering close waits for it) or a handler slow to return now that its
  // answer is written. Neither is worth holding the shutdown much longer.
  wait_closed(detail::Session::kLingerTime + std::chrono::milliseconds(500));
  return impl_->abandoned;
}

// Polls: a shutdown happens once, and a condition variable would cost every session's end.
bool Server::wait_closed(std::chrono::steady_clock::duration limit) const {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (impl_->open > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return impl_->open == 0;
}

void Server::abandon_in_flight(std::chrono::milliseconds timeout) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", static_cast<double>(timeout.count()) / 1000);
  const RequestError error{Status::service_unavailable, "Service Unavailable",
                           std::string("the service is shutting down: the request did not "
                                       "finish within the drain timeout (") +
                               seconds + " s)"};
  std::vector<std::future<void>> done;
  for (std::size_t i = 0; i < impl_->slots.size(); ++i) {
    auto task = std::make_shared<std::packaged_task<void()>>([state = impl_, i, error] {
      for (detail::Session* session = state->slots[i].sessions; session != nullptr;
           session = session->next())
        if (session->abandon(error)) ++state->abandoned;
    });
    done.push_back(task->get_future());
    asio::post(*impl_->slots[i].context, [task] { (*task)(); });
  }
  // Bounded: a context that no longer runs would never get to it.
  for (auto& future : done) future.wait_for(std::chrono::seconds(1));
}

}  // namespace srelab::http
