#include "app/dogstatsd_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>

namespace srelab::app {

struct DogStatsdSender::State {
  State(boost::asio::io_context& context, telemetry::Registry& registry,
        telemetry::DogStatsdSettings settings, DogStatsdTarget target)
      : context(context),
        registry(registry),
        formatter(std::move(settings)),
        target(std::move(target)),
        socket(context),
        timer(context) {}

  boost::asio::io_context& context;
  telemetry::Registry& registry;
  telemetry::DogStatsdFormatter formatter;
  DogStatsdTarget target;
  boost::asio::ip::udp::socket socket;
  boost::asio::steady_timer timer;
  std::atomic<std::uint64_t> sent{0};
  std::atomic<bool> stopped{false};
};

namespace {

boost::asio::awaitable<void> send_loop(std::shared_ptr<DogStatsdSender::State> state) {
  boost::system::error_code ec;
  boost::asio::ip::udp::resolver resolver(state->context);
  auto endpoints = co_await resolver.async_resolve(
      boost::asio::ip::udp::v4(), state->target.host, std::to_string(state->target.port),
      boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (ec || endpoints.empty()) {
    std::fprintf(stderr, "sre-lab serve: DogStatsD target %s:%u: %s; not sending metrics\n",
                 state->target.host.c_str(), state->target.port, ec.message().c_str());
    co_return;
  }
  const auto endpoint = endpoints.begin()->endpoint();
  state->socket.open(endpoint.protocol(), ec);
  while (!state->stopped && !ec) {
    state->timer.expires_after(state->target.interval);
    boost::system::error_code waited;
    co_await state->timer.async_wait(
        boost::asio::redirect_error(boost::asio::use_awaitable, waited));
    if (state->stopped) break;
    for (const std::string& datagram : state->formatter.flush(state->registry)) {
      boost::system::error_code sent;
      // Non-blocking and unacknowledged: an absent agent only costs this datagram.
      state->socket.send_to(boost::asio::buffer(datagram), endpoint, 0, sent);
      if (!sent) state->sent.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

}  // namespace

DogStatsdSender::DogStatsdSender(boost::asio::io_context& context, telemetry::Registry& registry,
                                 telemetry::DogStatsdSettings settings, DogStatsdTarget target)
    : state_(std::make_shared<State>(context, registry, std::move(settings), std::move(target))) {}

std::uint64_t DogStatsdSender::datagrams_sent() const {
  return state_->sent.load();
}

DogStatsdSender::~DogStatsdSender() {
  state_->stopped = true;
}

void DogStatsdSender::start() {
  if (state_->target.host.empty()) return;
  boost::asio::co_spawn(state_->context, send_loop(state_), boost::asio::detached);
}

void DogStatsdSender::stop() {
  boost::asio::post(state_->context, [state = state_] {
    state->stopped = true;
    state->timer.cancel();
  });
}

}  // namespace srelab::app
