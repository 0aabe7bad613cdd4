#include "app/service.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "app/process_metrics.hpp"
#include "catalog/admin_routes.hpp"
#include "catalog/product_cache.hpp"
#include "catalog/product_service.hpp"
#include "catalog/readiness.hpp"
#include "catalog/routes.hpp"
#include "http/server.hpp"
#include "redis/client.hpp"

namespace srelab::app {

namespace {

// Opens every pooled connection once at start, as pools commonly keep their minimum idle at the
// maximum: the first burst of traffic then meets a warm pool, not a queue of connects. Failing
// is fine (Postgres may be down): the pool connects lazily later.
boost::asio::awaitable<void> fill_pool(postgres::Pool& pool) {
  std::vector<postgres::Lease> leases;
  for (std::size_t i = 0; i < pool.counts().size; ++i) {
    auto lease = co_await pool.acquire(std::chrono::milliseconds(0));
    if (!lease) break;
    leases.push_back(std::move(*lease));
  }
}

}  // namespace

// Everything that belongs to one worker thread and never leaves it.
struct Service::Worker {
  Worker(boost::asio::io_context& context, const ServeConfig& config, catalog::Controls& controls,
         catalog::ProductRepository& repository, const catalog::CatalogMetrics& metrics,
         telemetry::Registry& registry)
      : redis(context.get_executor(), config.redis),
        cache(redis, controls.chaos()),
        products(repository, cache, controls, config.products, &metrics),
        readiness(controls.pool(), redis) {
    catalog::add_catalog_routes(router, products, readiness, controls.clock(), config.admin,
                                registry);
    catalog::add_admin_routes(router, controls, cache, config.admin, registry);
  }

  redis::Client redis;
  catalog::RedisProductCache cache;
  catalog::ProductService products;
  catalog::Readiness readiness;
  http::Router router;
};

Service::Service(ServeConfig config)
    : config_(std::move(config)),
      metrics_(catalog::register_catalog_metrics(registry_)),
      pool_(config_.pool, clock_),
      controls_(config_.controls, pool_, clock_),
      repository_(pool_, controls_.chaos(), controls_.saturation(), &metrics_.db_query_duration),
      threads_(config_.threads) {
  for (std::size_t i = 0; i < threads_.size(); ++i)
    workers_.push_back(std::make_unique<Worker>(threads_.context(i), config_, controls_,
                                                repository_, metrics_, registry_));
  catalog::register_control_gauges(registry_, controls_);
  register_process_metrics(registry_);
  dogstatsd_ = std::make_unique<DogStatsdSender>(threads_.context(0), registry_,
                                                 config_.dogstatsd_tags, config_.dogstatsd);
  server_ = std::make_unique<http::Server>(
      config_.server, threads_,
      [this](std::size_t i) -> const http::Router& { return workers_[i]->router; });
}

Service::~Service() {
  stop();
}

result<void> Service::start() {
  if (auto started = server_->start(); !started) return started;
  dogstatsd_->start();
  threads_.start();
  running_ = true;
  run_on_every_thread([](Worker& worker) { worker.redis.start(); });
  // Waited for (bounded), so the service takes traffic with its pool already filled.
  auto filled = std::make_shared<std::promise<void>>();
  auto done = filled->get_future();
  boost::asio::co_spawn(threads_.context(0), fill_pool(pool_),
                        [filled](std::exception_ptr) { filled->set_value(); });
  done.wait_for(std::chrono::seconds(5));
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
  dogstatsd_->stop();
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
