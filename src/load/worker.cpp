#include "load/worker.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

#include "load/arrival_schedule.hpp"

namespace srelab::load {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kMaxWaiting = 100'000;  // requests waiting for a connection, a thread
constexpr auto kConnectBackoff = 10ms;        // closed loop, after a failed connect
constexpr auto kDrainPoll = 5ms;              // open loop, waiting for the last answers

// The watchdog looks often enough that a timeout ends within a tenth of it (5 ms at least).
Clock::duration watchdog_period(std::chrono::milliseconds timeout) {
  return std::clamp<Clock::duration>(timeout / 10, 5ms, 100ms);
}

asio::awaitable<void> sleep_until(asio::steady_timer& timer, Clock::time_point when) {
  boost::system::error_code ignored;
  timer.expires_at(when);
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

}  // namespace

std::size_t share_of(std::size_t total, std::size_t lane, std::size_t lanes) {
  return total / lanes + (lane < total % lanes ? 1 : 0);
}

Worker::Worker(const LoadPlan& plan, std::size_t lane, std::size_t lanes,
               asio::ip::tcp::endpoint to, time_point start, Recorder& recorder)
    : plan_(plan),
      to_(to),
      start_(start),
      recorder_(recorder),
      lane_(lane),
      lanes_(lanes),
      connection_cap_(std::max<std::size_t>(1, share_of(plan.max_connections, lane, lanes))),
      host_header_(plan.target.host + ":" + std::to_string(plan.target.port)),
      random_(lane_random(plan.seed, lane)),
      waiting_(plan.timeout, kMaxWaiting) {}

void Worker::run() {
  spawn(plan_.open_loop() ? open_loop() : closed_loop());
  spawn(watchdog());
  io_.run();
}

void Worker::stop() {
  asio::post(io_, [this] {
    stopping_ = true;
    waiting_.clear();
    timer_.cancel();
    watchdog_timer_.cancel();
    cancel_all();
  });
}

void Worker::spawn(asio::awaitable<void> work) {
  asio::co_spawn(io_, std::move(work), [this](const std::exception_ptr& failure) {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      if (error_.empty()) error_ = e.what();
    }
    stopping_ = true;
    cancel_all();
  });
}

// ---- open loop ------------------------------------------------------------------------------

asio::awaitable<void> Worker::open_loop() {
  ArrivalSchedule schedule(*plan_.rate, plan_.duration, lane_, lanes_);
  while (auto offset = schedule.next()) {
    const time_point due = start_ + *offset;
    if (due > Clock::now()) co_await sleep_until(timer_, due);
    if (stopping_) break;
    recorder_.count(&Tally::scheduled);
    dispatch(due);
  }
  // The requests due within the run finish, each within its timeout.
  while (active_ > 0 && !stopping_) co_await sleep_until(timer_, Clock::now() + kDrainPoll);
  finish();
}

void Worker::dispatch(time_point due) {
  if (Connection* connection = free_connection()) {
    ++active_;
    spawn(serve(*connection, due));
  } else if (!waiting_.push(due)) {
    recorder_.count(&Tally::dropped);
  }
}

Connection* Worker::free_connection() {
  if (!idle_.empty()) {
    Connection* connection = idle_.back();
    idle_.pop_back();
    return connection;
  }
  if (connections_.size() >= connection_cap_) return nullptr;
  connections_.push_back(std::make_unique<Connection>(io_));
  return connections_.back().get();
}

// A connection serves the request it was given, then those waiting, oldest first.
asio::awaitable<void> Worker::serve(Connection& connection, time_point due) {
  do {
    recorder_.sent_late(Clock::now() - due);
    const Exchange done = co_await send(connection);
    record(done, due);
  } while (!stopping_ && next_waiting(due));
  idle_.push_back(&connection);
  --active_;
}

bool Worker::next_waiting(time_point& due) {
  std::uint64_t dropped = 0;
  const auto next = waiting_.pop(Clock::now(), dropped);
  if (dropped > 0) recorder_.count(&Tally::dropped, dropped);
  if (!next) return false;
  due = *next;
  return true;
}

// ---- closed loop ----------------------------------------------------------------------------

asio::awaitable<void> Worker::closed_loop() {
  const std::size_t count = share_of(plan_.connections, lane_, lanes_);
  for (std::size_t i = 0; i < count; ++i) {
    connections_.push_back(std::make_unique<Connection>(io_));
    ++active_;
    spawn(keep_sending(*connections_.back()));
  }
  co_await sleep_until(timer_, start_ + plan_.duration);
  // The duration is over: what is in flight is cancelled, as wrk does, and not counted.
  stopping_ = true;
  cancel_all();
  finish();
}

asio::awaitable<void> Worker::keep_sending(Connection& connection) {
  asio::steady_timer backoff(io_);
  while (!stopping_) {
    const time_point sent = Clock::now();
    const Exchange done = co_await send(connection);
    record(done, sent);
    // A refused connect fails at once: pause so the loop does not spin on it.
    if (done.result == Exchange::Result::connect_error && !stopping_)
      co_await sleep_until(backoff, Clock::now() + kConnectBackoff);
  }
  --active_;
}

// ---- both -------------------------------------------------------------------------------------

asio::awaitable<Exchange> Worker::send(Connection& connection) {
  std::string& request = connection.request;
  request.clear();
  request += "GET ";
  const WeightedPath& path = plan_.paths.pick(random_);
  const std::uint64_t id = path.id_at == std::string::npos ? 0 : plan_.ids.next(random_);
  PathMix::append_target(request, path, id);
  request += " HTTP/1.1\r\nHost: ";
  request += host_header_;
  request += "\r\n\r\n";
  recorder_.count(&Tally::sent);
  co_return co_await connection.exchange(to_, request, Clock::now() + plan_.timeout);
}

void Worker::record(const Exchange& done, time_point from) {
  switch (done.result) {
    case Exchange::Result::answered:
      recorder_.answered(done.status, done.source, Clock::now() - from);
      break;
    case Exchange::Result::connect_error:
      recorder_.count(&Tally::connect_errors);
      break;
    case Exchange::Result::timeout:
      recorder_.count(&Tally::timeouts);
      break;
    case Exchange::Result::io_error:
      recorder_.count(&Tally::io_errors);
      break;
    case Exchange::Result::cancelled:
      break;  // the run was stopping: neither an answer nor the target's fault
  }
}

asio::awaitable<void> Worker::watchdog() {
  const auto period = watchdog_period(plan_.timeout);
  while (!finished_ && !stopping_) {
    co_await sleep_until(watchdog_timer_, Clock::now() + period);
    const auto now = Clock::now();
    for (const auto& connection : connections_) connection->expire_if_late(now);
  }
}

// The run's part on this thread is over: the watchdog need not wait out its period.
void Worker::finish() {
  finished_ = true;
  watchdog_timer_.cancel();
}

void Worker::cancel_all() {
  for (const auto& connection : connections_) connection->cancel();
}

}  // namespace srelab::load
