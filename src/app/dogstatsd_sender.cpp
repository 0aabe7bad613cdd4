#include "app/dogstatsd_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <future>
#include <mutex>
#include <optional>

namespace srelab::app {

namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using unixgram = asio::local::datagram_protocol;
constexpr std::string_view kLogger = "telemetry.dogstatsd";

}  // namespace

struct DogStatsdSender::State {
  State(asio::io_context& context, telemetry::Registry& registry,
        telemetry::DogStatsdSettings settings, DogStatsdTarget target, telemetry::Logger* logger)
      : context(context),
        registry(registry),
        formatter(std::move(settings)),
        target(std::move(target)),
        logger(logger),
        udp_socket(context),
        unix_socket(context),
        timer(context) {}

  asio::io_context& context;
  telemetry::Registry& registry;
  telemetry::DogStatsdFormatter formatter;
  const DogStatsdTarget target;
  telemetry::Logger* const logger;
  // The rest is the context thread's, but for the atomics and what `mutex` guards.
  udp::socket udp_socket;
  std::optional<udp::endpoint> udp_endpoint;  // set once resolved
  unixgram::socket unix_socket;
  bool ready = false;  // a socket is open and its peer known
  asio::steady_timer timer;
  bool failing = false;  // the last flush sent nothing
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<bool> stopped{false};
  bool started = false;
  bool stop_requested = false;
  mutable std::mutex mutex;
  std::string problem;  // what note() says; "" while sends work

  void set_problem(std::string text) {
    std::lock_guard lock(mutex);
    problem = std::move(text);
  }

  // Unconnected UDP: an ICMP "port unreachable" from a closed port is never reported here (it
  // would be on a connected socket, once per datagram). A unix socket with no Agent behind it
  // refuses each datagram; flush() logs that once.
  boost::system::error_code send(const std::string& datagram) {
    boost::system::error_code ec;
    if (udp_endpoint)
      udp_socket.send_to(asio::buffer(datagram), *udp_endpoint, 0, ec);
    else
      unix_socket.send_to(asio::buffer(datagram), unixgram::endpoint(target.socket_path), 0, ec);
    return ec;
  }

  void flush() {
    if (!ready) return;
    std::size_t delivered = 0;
    boost::system::error_code last;
    for (const std::string& datagram : formatter.flush(registry)) {
      if (const auto ec = send(datagram)) {
        last = ec;
        failed.fetch_add(1, std::memory_order_relaxed);
      } else {
        ++delivered;
        sent.fetch_add(1, std::memory_order_relaxed);
      }
    }
    if (last && delivered == 0 && !failing) {
      failing = true;
      set_problem("metrics cannot reach DogStatsD at " + target.describe() + " (" + last.message() +
                  "); dropped until it answers");
      if (logger)
        logger->warning(
            kLogger, "metrics cannot be sent to DogStatsD; dropping them until it answers", nullptr,
            {telemetry::string_field("destination", target.describe()),
             telemetry::string_field("error", last.message())});
    } else if (delivered > 0 && failing) {
      failing = false;
      set_problem({});
      if (logger)
        logger->info(kLogger, "metrics reach DogStatsD again", nullptr,
                     {telemetry::string_field("destination", target.describe())});
    }
  }
};

namespace {

boost::system::error_code open_socket(DogStatsdSender::State& state) {
  boost::system::error_code ec;
  if (!state.target.socket_path.empty()) {
    state.unix_socket.open(unixgram(), ec);
    if (!ec) state.unix_socket.non_blocking(true, ec);
    return ec;
  }
  state.udp_socket.open(state.udp_endpoint->protocol(), ec);
  if (!ec) state.udp_socket.non_blocking(true, ec);
  return ec;
}

asio::awaitable<void> send_loop(std::shared_ptr<DogStatsdSender::State> state) {
  boost::system::error_code ec;
  if (state->target.socket_path.empty()) {
    udp::resolver resolver(state->context);
    auto endpoints =
        co_await resolver.async_resolve(state->target.host, std::to_string(state->target.port),
                                        asio::redirect_error(asio::use_awaitable, ec));
    // IPv4 first, as the official clients resolve `localhost`: the Agent listens on 127.0.0.1.
    for (const auto& entry : endpoints)
      if (!state->udp_endpoint ||
          (entry.endpoint().address().is_v4() && !state->udp_endpoint->address().is_v4()))
        state->udp_endpoint = entry.endpoint();
  }
  if (!ec && (state->udp_endpoint || !state->target.socket_path.empty())) ec = open_socket(*state);
  if (ec || (!state->udp_endpoint && state->target.socket_path.empty())) {
    if (state->logger)
      state->logger->warning(kLogger, "DogStatsD target unusable; not sending metrics", nullptr,
                             {telemetry::string_field("destination", state->target.describe()),
                              telemetry::string_field("error", ec.message())});
    state->set_problem("DogStatsD target " + state->target.describe() + " unusable (" +
                       ec.message() + "); not sending metrics");
    co_return;
  }
  state->ready = true;
  while (!state->stopped) {
    state->timer.expires_after(state->target.interval);
    boost::system::error_code waited;
    co_await state->timer.async_wait(asio::redirect_error(asio::use_awaitable, waited));
    if (state->stopped) break;
    state->flush();
  }
}

}  // namespace

std::string DogStatsdTarget::describe() const {
  if (!socket_path.empty()) return "unix://" + socket_path;
  const bool v6 = host.find(':') != std::string::npos;
  return "udp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool parse_dogstatsd_url(std::string_view url, DogStatsdTarget& target) {
  for (std::string_view scheme : {"unix://", "unixgram://"}) {
    if (!url.starts_with(scheme)) continue;
    const std::string_view path = url.substr(scheme.size());
    if (!path.starts_with('/') || path.size() < 2 || path.ends_with('/')) return false;
    target.socket_path = std::string(path);
    return true;
  }
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "udp" || parsed->host().empty() ||
      !(parsed->encoded_path().empty() || parsed->encoded_path() == "/") ||
      parsed->has_userinfo() || parsed->has_query())
    return false;
  unsigned port = 8125;
  if (parsed->has_port()) {
    const std::string_view text = parsed->port();  // port_number() wraps 99999 silently
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535)
      return false;
  }
  target.host = parsed->host_address();
  target.port = static_cast<std::uint16_t>(port);
  target.socket_path.clear();
  return true;
}

DogStatsdSender::DogStatsdSender(asio::io_context& context, telemetry::Registry& registry,
                                 telemetry::DogStatsdSettings settings, DogStatsdTarget target,
                                 telemetry::Logger* logger)
    : state_(std::make_shared<State>(context, registry, std::move(settings), std::move(target),
                                     logger)) {}

std::uint64_t DogStatsdSender::datagrams_sent() const {
  return state_->sent.load();
}

std::uint64_t DogStatsdSender::datagrams_failed() const {
  return state_->failed.load();
}

std::string DogStatsdSender::note() const {
  std::lock_guard lock(state_->mutex);
  return state_->problem;
}

DogStatsdSender::~DogStatsdSender() {
  state_->stopped = true;
}

void DogStatsdSender::start() {
  if (!state_->target.enabled || state_->started) return;
  state_->started = true;
  asio::co_spawn(state_->context, send_loop(state_), asio::detached);
}

void DogStatsdSender::stop() {
  if (!state_->started || state_->stop_requested) return;
  state_->stop_requested = true;
  auto done = std::make_shared<std::promise<void>>();
  auto flushed = done->get_future();
  asio::post(state_->context, [state = state_, done] {
    state->stopped = true;
    state->timer.cancel();
    state->flush();  // what was recorded since the last tick
    done->set_value();
  });
  flushed.wait_for(std::chrono::seconds(2));
}

}  // namespace srelab::app
