// The load generator against a real http::Server on 127.0.0.1 (port 0, routes defined here):
// an open-loop run sends rate × duration requests and counts their answers and sources; a stall
// shows in the latency measured from the schedule (no coordinated omission); a refused port is
// counted as connection errors; the closed loop runs; a stop ends a run early.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "http/io_threads.hpp"
#include "http/responses.hpp"
#include "http/server.hpp"
#include "load/report_files.hpp"
#include "load/run_load.hpp"

namespace srelab::load {
namespace {

using namespace std::chrono_literals;
using http::RequestContext;
using http::Response;
using http::Status;
using http::Verb;

constexpr int kStalledRequest = 20;  // the /stall request that waits 300 ms

class LoadRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add(
        Verb::get, "/products/{id}", [](RequestContext& c) -> boost::asio::awaitable<Response> {
          co_return http::json_response(Status::ok, R"({"id":)" + std::string(c.params.get("id")) +
                                                        R"(,"name":"x","source":"cache"})");
        });
    router_.add(Verb::get, "/healthz", [](RequestContext&) -> boost::asio::awaitable<Response> {
      co_return http::json_response(Status::ok, R"({"status":"ok"})");
    });
    router_.add(Verb::get, "/stall", [this](RequestContext&) -> boost::asio::awaitable<Response> {
      if (++stall_count_ == kStalledRequest) {
        boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
        timer.expires_after(300ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
      }
      co_return http::json_response(Status::ok, R"({"source":"database"})");
    });
    http::ServerSettings settings;
    settings.port = 0;
    threads_ = std::make_unique<http::IoThreads>(1);
    server_ = std::make_unique<http::Server>(
        settings, *threads_, [this](std::size_t) -> const http::Router& { return router_; });
    ASSERT_TRUE(server_->start());
    threads_->start();
  }

  void TearDown() override {
    server_->stop();
    for (int i = 0; i < 300 && server_->open_connections() != 0; ++i)
      std::this_thread::sleep_for(10ms);
    threads_->stop();
    threads_->join();
    server_.reset();
    threads_.reset();
  }

  LoadPlan plan() const {
    LoadPlan plan;
    plan.target = Target{"127.0.0.1", server_->port()};
    plan.threads = 2;
    plan.timeout = 5s;
    return plan;
  }

  static LoadReport run(const LoadPlan& plan, std::stop_token stop = {}) {
    return run_load(plan, stop, [](const SecondPoint&, const telemetry::HistogramSnapshot&) {});
  }

  std::atomic<int> stall_count_{0};
  http::Router router_;
  std::unique_ptr<http::IoThreads> threads_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(LoadRunTest, OpenLoopSendsRateTimesDuration) {
  LoadPlan p = plan();
  p.rate = 200;
  p.duration = 1500ms;
  p.paths = *PathMix::parse("/products/{id}:3,/healthz:1");
  int points = 0;
  const LoadReport report = run_load(
      p, {}, [&points](const SecondPoint&, const telemetry::HistogramSnapshot&) { ++points; });
  ASSERT_TRUE(report.error.empty()) << report.error;
  const Tally& t = report.total;
  EXPECT_EQ(t.scheduled, 300u);
  EXPECT_EQ(t.answered, 300u);
  EXPECT_EQ(t.statuses.at(200), 300u);
  EXPECT_NEAR(static_cast<double>(t.sources.at("cache")), 225, 40);
  EXPECT_EQ(t.errors() + t.dropped, 0u);
  EXPECT_EQ(points, 2);  // one whole second and the half after it
  EXPECT_NEAR(report.elapsed_s, 1.5, 0.3);
  EXPECT_LT(summarize(report.latency).p50, 0.05);
  EXPECT_EQ(report.send_lag.count, 300u);

  const auto root = boost::json::parse(report_json(report)).as_object();
  EXPECT_EQ(root.at("plan").at("mode").as_string(), "open");
  EXPECT_EQ(root.at("seconds").as_array().size(), 2u);
  EXPECT_EQ(root.at("totals").at("answered").to_number<std::uint64_t>(), 300u);
  EXPECT_TRUE(root.at("totals").at("latency_ms").at("p99").is_double());
}

TEST_F(LoadRunTest, AStallShowsInLatencyFromTheSchedule) {
  LoadPlan p = plan();
  p.rate = 100;
  p.duration = 1500ms;
  p.threads = 1;
  p.max_connections = 1;  // one connection: requests due during the stall wait for it
  p.paths = *PathMix::parse("/stall");
  const LoadReport report = run(p);
  const auto latency = summarize(report.latency);
  EXPECT_EQ(report.total.answered, 150u);
  EXPECT_EQ(report.total.dropped, 0u);
  EXPECT_EQ(report.total.sources.at("database"), 150u);
  // One answer took 300 ms, and the ~30 requests due meanwhile waited behind it: measured from
  // their due times, a fifth of the run is slow, not one request in 150.
  EXPECT_GE(latency.max, 0.28);
  EXPECT_GE(report.latency.quantile(0.9), 0.05);
  EXPECT_LT(latency.p50, 0.05);
  // The wait was the generator's (no free connection): it shows as send lag too.
  EXPECT_GE(report.send_lag.quantile(0.9), 0.04);
}

TEST_F(LoadRunTest, ARefusedPortIsCountedAsConnectionErrors) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto closed_port = probe.local_endpoint().port();
  probe.close();
  LoadPlan p = plan();
  p.target.port = closed_port;
  p.rate = 50;
  p.duration = 1s;
  const LoadReport report = run(p);
  EXPECT_TRUE(report.error.empty()) << report.error;
  EXPECT_EQ(report.total.scheduled, 50u);
  EXPECT_EQ(report.total.connect_errors, 50u);
  EXPECT_EQ(report.total.answered, 0u);
  ASSERT_FALSE(report.seconds.empty());
  EXPECT_GT(report.seconds.front().tally.connect_errors, 0u);
}

TEST_F(LoadRunTest, ClosedLoopKeepsItsConnectionsBusy) {
  LoadPlan p = plan();
  p.connections = 4;
  p.duration = 1s;
  p.paths = *PathMix::parse("/healthz");
  const LoadReport report = run(p);
  EXPECT_TRUE(report.error.empty()) << report.error;
  EXPECT_GT(report.total.answered, 200u);
  EXPECT_EQ(report.total.statuses.size(), 1u);
  EXPECT_EQ(report.total.statuses.begin()->first, 200);
  EXPECT_EQ(report.total.errors(), 0u);
  EXPECT_NEAR(report.elapsed_s, 1.0, 0.3);
}

TEST_F(LoadRunTest, AStopEndsTheRunWithWhatRan) {
  LoadPlan p = plan();
  p.rate = 100;
  p.duration = 30s;
  std::stop_source stop;
  std::jthread stopper([&stop] {
    std::this_thread::sleep_for(1200ms);
    stop.request_stop();
  });
  const auto started = std::chrono::steady_clock::now();
  const LoadReport report = run(p, stop.get_token());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_TRUE(report.stopped);
  EXPECT_NEAR(static_cast<double>(report.total.answered), 120, 15);
  EXPECT_EQ(report.total.errors(), 0u);
}

}  // namespace
}  // namespace srelab::load
