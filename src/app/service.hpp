// The composition root of `sre-lab serve`: builds the threads, the shared Postgres pool, one Redis
// client + product service + router per worker thread, and the HTTP server, and stops them in
// the reverse order. Integration tests run it in-process exactly as the binary does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/dependency_client.hpp"
#include "app/dogstatsd_sender.hpp"
#include "app/experiment_child.hpp"
#include "app/gateway_log_reader.hpp"
#include "app/serve_config.hpp"
#include "app/trace_pipeline.hpp"
#include "catalog/catalog_metrics.hpp"
#include "catalog/chaos_controls.hpp"
#include "catalog/product_repository.hpp"
#include "catalog/resilience_controls.hpp"
#include "catalog/stale_copies.hpp"
#include "console/console.hpp"
#include "core/clock.hpp"
#include "http/io_threads.hpp"
#include "http/middleware.hpp"
#include "postgres/pool.hpp"
#include "telemetry/logging/logger.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::app {

class Service {
 public:
  explicit Service(ServeConfig config);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Starts the threads, the Redis clients and the listener; fails when the address can't be bound.
  result<void> start();
  // Idempotent. Stops an experiment the console started (it rolls back and posts its run while
  // the service still answers), stops accepting, lets open requests finish (up to the drain
  // timeout; then cancels their queries and answers them 503), stops the Redis clients on their
  // threads, flushes the metrics to DogStatsD one last time, closes the pool, joins the threads
  // and sends the last traces.
  void stop();

  std::uint16_t port() const;
  const ServeConfig& config() const { return config_; }
  postgres::Pool& pool() { return pool_; }
  const catalog::PgProductRepository& repository() const { return repository_; }
  telemetry::Registry& registry() { return registry_; }
  const DogStatsdSender& dogstatsd() const { return *dogstatsd_; }
  TracePipeline* traces() { return traces_.get(); }
  console::Console* console() { return console_.get(); }  // null when the console is off
  telemetry::Logger& logger() { return *logger_; }
  // Why start() failed before listening, when it did for a reason of its own ("" otherwise).
  const std::string& setup_error() const { return setup_error_; }

 private:
  struct Worker;
  void run_on_every_thread(void (*action)(Worker&));
  void enable_experiment_launches();
  void drain();

  // Declaration order is teardown order reversed: the server goes first, then the workers (their
  // Redis clients, stopped), then the io_contexts (destroying any coroutine still suspended, whose
  // leases return to the pool), and the pool last.
  ServeConfig config_;
  SteadyClock clock_;
  telemetry::Registry registry_;
  std::unique_ptr<telemetry::Logger> logger_;
  std::string setup_error_;  // why start() must fail before listening (e.g. the log file)
  catalog::CatalogMetrics metrics_;
  postgres::Pool pool_;
  // What the learner turns at runtime and the fallback's copies, shared by every worker.
  catalog::ChaosControls chaos_;
  catalog::ResilienceControls resilience_;
  catalog::StaleCopies stale_copies_;
  catalog::PgProductRepository repository_;
  const http::MiddlewarePtr admin_guard_;  // in front of every route that changes or shows the lab
  // Before the console, whose launches call into it until the sampler's last wake-up.
  std::unique_ptr<ExperimentChild> experiment_child_;  // null: the console starts no runs
  // Before the pipeline and the threads: their last traces and the sampler still reach it.
  std::unique_ptr<console::Console> console_;  // null when the console is off
  std::unique_ptr<TracePipeline> traces_;      // null when tracing is off
  // up's control channel (POST /chaos/dependency); null when not under `up`. Before the threads:
  // its watcher runs on one until the contexts go.
  std::unique_ptr<DependencyClient> dependencies_;
  http::IoThreads threads_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<DogStatsdSender> dogstatsd_;
  std::unique_ptr<GatewayLogReader> gateway_log_;  // null without --gateway-log
  bool running_ = false;
};

}  // namespace srelab::app
