#include "load/run_load.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "load/recorder.hpp"
#include "load/worker.hpp"

namespace srelab::load {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The target's address, resolved once before the run (a name like "localhost" included).
std::optional<asio::ip::tcp::endpoint> resolve(const Target& target, std::string& error) {
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(target.host, std::to_string(target.port), ec);
  if (ec || results.empty()) {
    error = "cannot resolve '" + target.host + "': " + ec.message();
    return std::nullopt;
  }
  return results.begin()->endpoint();
}

// One worker per thread; never more threads than connections.
std::size_t lanes_for(const LoadPlan& plan) {
  const std::size_t cap = plan.open_loop() ? plan.max_connections : plan.connections;
  return std::clamp<std::size_t>(plan.threads, 1, std::max<std::size_t>(cap, 1));
}

// The workers, their threads and the reporter's wait for them.
struct Run {
  std::vector<std::unique_ptr<Recorder>> recorders;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::condition_variable_any wake;
  std::size_t running = 0;  // under mutex

  // The counts since the last call and the cumulative latency, over all workers.
  void collect(Tally& tally, telemetry::HistogramSnapshot& latency,
               telemetry::HistogramSnapshot& lag) {
    for (const auto& recorder : recorders) {
      tally.merge(recorder->take());
      latency.merge(recorder->latency());
      lag.merge(recorder->lag());
    }
  }
};

}  // namespace

LoadReport run_load(const LoadPlan& plan, std::stop_token stop, const SecondCallback& on_second) {
  ReportBook book(plan);
  const auto to = resolve(plan.target, book.report().error);
  if (!to) return book.report();

  Run run;
  const std::size_t lanes = lanes_for(plan);
  const auto start = Clock::now() + 5ms;  // every worker's thread is up by then
  for (std::size_t lane = 0; lane < lanes; ++lane) {
    run.recorders.push_back(std::make_unique<Recorder>());
    run.workers.push_back(
        std::make_unique<Worker>(plan, lane, lanes, *to, start, *run.recorders.back()));
  }
  run.running = lanes;
  for (auto& worker : run.workers) {
    run.threads.emplace_back([&run, &worker = *worker] {
      worker.run();
      std::lock_guard lock(run.mutex);
      --run.running;
      run.wake.notify_all();
    });
  }

  bool stopping = false;
  for (int second = 1;;) {
    const auto tick = start + std::chrono::seconds(second);
    const auto done = [&run] { return run.running == 0; };
    bool over = false;
    {
      std::unique_lock lock(run.mutex);
      over = stopping ? run.wake.wait_until(lock, tick, done)
                      : run.wake.wait_until(lock, stop, tick, done);
    }
    if (!stopping && stop.stop_requested()) {
      stopping = true;
      book.report().stopped = true;
      for (auto& worker : run.workers) worker->stop();
    }
    const auto now = Clock::now();
    if (!over && now < tick) continue;  // woken by the stop: the same second goes on
    const double elapsed = std::chrono::duration<double>((over ? now : tick) - start).count();
    Tally tally;
    telemetry::HistogramSnapshot latency, lag;
    run.collect(tally, latency, lag);
    book.report().send_lag = std::move(lag);
    const SecondPoint* point = book.add(std::max(elapsed, 0.0), tally, latency);
    if (point != nullptr && on_second) on_second(*point, latency);
    if (over) break;
    ++second;
  }
  for (auto& thread : run.threads) thread.join();
  for (const auto& worker : run.workers)
    if (book.report().error.empty() && !worker->error().empty())
      book.report().error = worker->error();
  return book.report();
}

}  // namespace srelab::load
