#include "app/service.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "catalog/product_cache.hpp"
#include "catalog/product_service.hpp"
#include "catalog/readiness.hpp"
#include "catalog/routes.hpp"
#include "http/server.hpp"
#include "redis/client.hpp"

namespace srelab::app {

// Everything that belongs to one worker thread and never leaves it.
struct Service::Worker {
  Worker(boost::asio::io_context& context, const ServeConfig& config, postgres::Pool& pool,
         catalog::ProductRepository& repository, const Clock& clock)
      : redis(context.get_executor(), config.redis),
        cache(redis),
        products(repository, cache, clock, config.products),
        readiness(pool, redis) {
    catalog::add_catalog_routes(router, products, readiness, clock);
  }

  redis::Client redis;
  catalog::RedisProductCache cache;
  catalog::ProductService products;
  catalog::Readiness readiness;
  http::Router router;
};

Service::Service(ServeConfig config)
    : config_(std::move(config)),
      pool_(config_.pool, clock_),
      repository_(pool_),
      threads_(config_.threads) {
  for (std::size_t i = 0; i < threads_.size(); ++i)
    workers_.push_back(
        std::make_unique<Worker>(threads_.context(i), config_, pool_, repository_, clock_));
  server_ = std::make_unique<http::Server>(
      config_.server, threads_,
      [this](std::size_t i) -> const http::Router& { return workers_[i]->router; });
}

Service::~Service() {
  stop();
}

result<void> Service::start() {
  if (auto started = server_->start(); !started) return started;
  threads_.start();
  running_ = true;
  run_on_every_thread([](Worker& worker) { worker.redis.start(); });
  return {};
}

void Service::stop() {
  if (!running_) return;
  running_ = false;
  server_->stop();
  const auto drain_until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server_->open_connections() > 0 && std::chrono::steady_clock::now() < drain_until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  run_on_every_thread([](Worker& worker) { worker.redis.stop(); });
  pool_.close();
  threads_.stop();
  threads_.join();
}

// Runs `action` for each worker on that worker's own thread and waits until all have run.
void Service::run_on_every_thread(void (*action)(Worker&)) {
  std::vector<std::future<void>> done;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    auto task = std::make_shared<std::packaged_task<void()>>(
        [action, worker = workers_[i].get()] { action(*worker); });
    done.push_back(task->get_future());
    boost::asio::post(threads_.context(i), [task] { (*task)(); });
  }
  for (auto& future : done) future.wait();
}

std::uint16_t Service::port() const {
  return server_->port();
}

}  // namespace srelab::app
