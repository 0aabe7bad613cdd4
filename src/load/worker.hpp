// One thread's share of a load run, on its own io_context: its connections, its requests and
// its Recorder. Open loop: a timer walks this thread's lane of the ArrivalSchedule; each request
// that comes due takes a free connection (opening one while under this thread's share of
// --max-connections), or joins the WaitingLine (which decides when it is dropped); a connection
// that finishes a request takes the next one waiting. Closed loop: each connection sends its
// next request when the answer arrives, until the duration ends.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "load/connection.hpp"
#include "load/load_plan.hpp"
#include "load/recorder.hpp"
#include "load/waiting_line.hpp"

namespace srelab::load {

class Worker {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  // `lane` of `lanes` workers; every worker of a run gets the same `start`.
  Worker(const LoadPlan& plan, std::size_t lane, std::size_t lanes,
         boost::asio::ip::tcp::endpoint to, time_point start, Recorder& recorder);

  void run();   // on the worker's thread: returns when its part of the run is over
  void stop();  // from any thread: cancels what is in flight and ends the run soon
  const std::string& error() const { return error_; }  // a bug caught in a coroutine

 private:
  boost::asio::awaitable<void> open_loop();
  boost::asio::awaitable<void> closed_loop();
  boost::asio::awaitable<void> keep_sending(Connection& connection);
  boost::asio::awaitable<void> serve(Connection& connection, time_point due);
  boost::asio::awaitable<void> watchdog();
  boost::asio::awaitable<Exchange> send(Connection& connection);
  void dispatch(time_point due);
  Connection* free_connection();
  bool next_waiting(time_point& due);
  void record(const Exchange& done, time_point from);
  void cancel_all();
  void finish();
  void spawn(boost::asio::awaitable<void> work);

  const LoadPlan& plan_;
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::endpoint to_;
  time_point start_;
  Recorder& recorder_;
  std::size_t lane_;
  std::size_t lanes_;
  std::size_t connection_cap_;  // open loop: this worker's share of max_connections
  std::string host_header_;
  Random random_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> idle_;
  WaitingLine waiting_;
  std::size_t active_ = 0;  // coroutines using a connection
  bool stopping_ = false;
  bool finished_ = false;
  boost::asio::steady_timer timer_{io_};  // the schedule's or the duration's end
  boost::asio::steady_timer watchdog_timer_{io_};
  std::string error_;
};

// A share of `total` for `lane` of `lanes`, the remainder going to the first lanes.
std::size_t share_of(std::size_t total, std::size_t lane, std::size_t lanes);

}  // namespace srelab::load
