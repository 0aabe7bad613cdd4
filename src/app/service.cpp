#include "app/service.hpp"

#include <boost/asio/post.hpp>

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
      threads_(config_.threads),
      pool_(config_.pool, clock_),
      repository_(pool_) {
  for (std::size_t i = 0; i < threads_.size(); ++i)
    workers_.push_back(
        std::make_unique<Worker>(threads_.context(i), config_, pool_, repository_, clock_));
  server_ = std::make_unique<http::Server>(
      config_.server, threads_, [this](std::size_t i) -> const http::Router& {
        return workers_[i]->router;
      });
}

Service::~Service() { stop(); }

result<void> Service::start() {
  if (auto started = server_->start(); !started) return started;
  for (std::size_t i = 0; i < workers_.size(); ++i)
    boost::asio::post(threads_.context(i), [worker = workers_[i].get()] { worker->redis.start(); });
  threads_.start();
  running_ = true;
  return {};
}

void Service::stop() {
  if (!running_) return;
  running_ = false;
  server_->stop();
  for (std::size_t i = 0; i < workers_.size(); ++i)
    boost::asio::post(threads_.context(i), [worker = workers_[i].get()] { worker->redis.stop(); });
  pool_.close();
  threads_.stop();
  threads_.join();
}

std::uint16_t Service::port() const { return server_->port(); }

}  // namespace srelab::app
