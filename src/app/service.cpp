#include "app/service.hpp"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <random>
#include <thread>

#include "app/process_metrics.hpp"
#include "catalog/admin_routes.hpp"
#include "catalog/peer_endpoints.hpp"
#include "catalog/product_cache.hpp"
#include "catalog/product_service.hpp"
#include "catalog/readiness.hpp"
#include "catalog/routes.hpp"
#include "console/console_routes.hpp"
#include "console/static_routes.hpp"
#include "http/admin_access.hpp"
#include "http/request_tracing.hpp"
#include "http/route_metrics.hpp"
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

// Everything that belongs to one worker thread and never leaves it; the rest it takes from the
// service that owns it.
struct Service::Worker {
  Worker(Service& service, boost::asio::io_context& context, std::uint64_t seed)
      : random(seed),
        tracer(service.config_.tracing.tracer, random, service.clock_,
               service.traces_ ? &service.traces_->sampler() : nullptr),
        tracing(std::make_shared<http::RequestTracing>(
            tracer, service.traces_ ? service.traces_->sink() : telemetry::TraceSink{})),
        redis(context.get_executor(), service.config_.redis),
        cache(redis, service.chaos_.faults(), catalog::redis_peer(service.config_.redis),
              &service.metrics_.cache_duration),
        products(service.repository_, cache, service.resilience_, service.stale_copies_,
                 service.clock_, service.config_.products, &service.metrics_,
                 service.logger_.get()),
        readiness(service.pool_, redis, telemetry_notes(service)) {
    telemetry::Registry& registry = service.registry_;
    // Outermost first: the trace's span covers the other layers, and the metrics count the
    // admin guard's refusals.
    if (service.traces_) {
      router.use(tracing);
      router.use_for_unmatched(tracing);  // scans show in the traces too
    }
    router.use(http::route_metrics(registry));
    router.set_unmatched_observer(http::unmatched_requests(registry));
    catalog::add_catalog_routes(router, products, readiness, service.pool_, service.clock_,
                                service.admin_guard_, registry);
    catalog::add_admin_routes(router,
                              {service.chaos_, service.resilience_, service.stale_copies_,
                               service.pool_, service.clock_, service.dependencies_.get()},
                              cache, service.admin_guard_);
    console::add_static_routes(router);
    if (service.console_)
      console::add_console_routes(router, *service.console_, service.resilience_.breaker(),
                                  service.pool_, service.traces_ != nullptr, service.admin_guard_);
  }

  // Whether the Agent gets what the service sends: shown by /readyz, never failing it.
  static std::vector<catalog::Readiness::Note> telemetry_notes(const Service& service) {
    return {
        {"datadog_agent",
         [&service] { return service.traces_ ? service.traces_->agent_note() : std::string(); }},
        {"dogstatsd", [&service] { return service.dogstatsd_->note(); }}};
  }

  Random random;  // this thread's trace and span ids
  telemetry::Tracer tracer;
  std::shared_ptr<http::RequestTracing> tracing;
  http::Router router;
  redis::Client redis;
  catalog::RedisProductCache cache;
  catalog::ProductService products;
  catalog::Readiness readiness;
};

namespace {

// The tracer's settings with what tells this process from the service's others: a runtime id
// drawn once, and the process id.
telemetry::TracerSettings with_process_identity(telemetry::TracerSettings settings) {
  std::random_device entropy;
  Random random((std::uint64_t{entropy()} << 32) ^ entropy());
  settings.runtime_id = telemetry::generate_runtime_id(random);
  settings.process_id = ::getpid();
  return settings;
}

ServeConfig with_process_identity(ServeConfig config) {
  config.tracing.tracer = with_process_identity(std::move(config.tracing.tracer));
  return config;
}

// The breaker's settings as configured, with the pool's own acquire timeout as the one in force.
resilience::ResilienceSettings with_pool_timeout(resilience::ResilienceSettings settings,
                                                 const postgres::PoolSettings& pool) {
  settings.db_pool_timeout = pool.acquire_timeout;
  return settings;
}

std::unique_ptr<telemetry::Logger> make_logger(const ServeConfig& config, const Clock& clock,
                                               std::string& error) {
  telemetry::LoggerSettings settings;
  settings.service = config.dogstatsd_tags.service;
  settings.env = config.dogstatsd_tags.env;
  settings.version = config.dogstatsd_tags.version;
  settings.injection = config.logging.injection;
  settings.trace_id_128 = config.logging.trace_id_128;
  settings.fields = config.logging.fields;
  settings.min_level = config.logging.level;
  auto logger = std::make_unique<telemetry::Logger>(settings, clock);
  logger->add_sink(std::make_shared<telemetry::StreamLogSink>(stdout));
  if (!config.logging.file.empty()) {
    auto file = telemetry::FileLogSink::open(config.logging.file);
    if (file)
      logger->add_sink(*file);
    else
      error = "cannot open the log file " + config.logging.file + ": " + file.error().message();
  }
  return logger;
}

// The lines the repeat limit kept from stdout and the log file, where the learner looks: the
// metrics, and the console's logs tab (which counts them itself).
void register_log_metrics(telemetry::Registry& registry, const telemetry::Logger& logger) {
  registry
      .counter(telemetry::metric_info(
          "logs.suppressed",
          "Log lines the repeat limit kept from stdout and the log file (5 a message per 10 s)."))
      .with_callback({}, [&logger] { return static_cast<double>(logger.suppressed_total()); });
}

}  // namespace

Service::Service(ServeConfig config)
    : config_(with_process_identity(std::move(config))),
      logger_(make_logger(config_, clock_, setup_error_)),
      metrics_(catalog::register_catalog_metrics(registry_)),
      pool_(config_.pool, clock_),
      chaos_(config_.chaos, clock_),
      resilience_(
          with_pool_timeout(config_.resilience, config_.pool), clock_,
          [this](std::chrono::milliseconds timeout) { pool_.set_acquire_timeout(timeout); }),
      stale_copies_(config_.stale_copies),
      repository_(pool_, chaos_.faults(), chaos_.saturation(),
                  catalog::postgres_peer(config_.pool.connection), &metrics_.db_query_duration),
      admin_guard_(std::make_shared<http::AdminGuard>(config_.admin)),
      threads_(config_.threads) {
  if (config_.console.enabled) {
    console_ = std::make_unique<console::Console>(config_.console.settings, clock_);
    logger_->add_sink(console_->log_sink());
    chaos_.set_observer([console = console_.get(), this](const chaos::ChaosSettings& s) {
      console->observe_chaos(s, clock_.wall());
    });
  }
  if (config_.tracing.enabled) {
    traces_ = std::make_unique<TracePipeline>(config_.tracing, clock_, registry_, logger_.get());
    if (console_)
      traces_->add_consumer(
          [console = console_.get()](telemetry::TraceChunk&& chunk) {
            console->add_trace(std::move(chunk));
          },
          [console = console_.get()](const telemetry::TraceChunk& chunk) {
            return console->wants_trace(chunk);
          });
  }
  if (!config_.control_socket.empty())
    dependencies_ = std::make_unique<DependencyClient>(config_.control_socket);
  std::random_device entropy;
  for (std::size_t i = 0; i < threads_.size(); ++i)
    workers_.push_back(std::make_unique<Worker>(*this, threads_.context(i),
                                                (std::uint64_t{entropy()} << 32) ^ entropy()));
  catalog::register_control_gauges(registry_, chaos_.ballast(), pool_, resilience_.breaker(),
                                   stale_copies_);
  register_process_metrics(registry_);
  register_log_metrics(registry_, *logger_);
  if (!config_.gateway_log.empty())
    gateway_log_ = std::make_unique<GatewayLogReader>(config_.gateway_log, registry_);
  dogstatsd_ = std::make_unique<DogStatsdSender>(
      threads_.context(0), registry_, config_.dogstatsd_tags, config_.dogstatsd, logger_.get());
  server_ = std::make_unique<http::Server>(
      config_.server, threads_,
      [this](std::size_t i) -> const http::Router& { return workers_[i]->router; });
}

Service::~Service() {
  stop();
}

result<void> Service::start() {
  if (!setup_error_.empty()) return errc::invalid_argument;
  if (auto started = server_->start(); !started) return started;
  enable_experiment_launches();
  dogstatsd_->start();
  if (gateway_log_) gateway_log_->start();
  if (traces_) traces_->start();
  if (console_) console_->start(threads_.context(0), registry_, chaos_.faults());
  if (dependencies_) dependencies_->start_watching(threads_.context(0), *logger_);
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
  if (experiment_child_) experiment_child_->stop();
  drain();
  run_on_every_thread([](Worker& worker) { worker.redis.stop(); });
  dogstatsd_->stop();  // its last flush: what the drained requests recorded goes out too
  if (gateway_log_) gateway_log_->stop();
  if (console_) console_->stop();
  pool_.close();
  threads_.stop();
  threads_.join();
  if (traces_) traces_->stop();  // after the threads: their last traces go out too
}

// Requests still in flight at the drain deadline are answered 503 by the server, and their
// queries cancelled, so that no backend keeps working (a pg_sleep of the chaos latency) for a
// client that has its answer, nor after the service has exited. This runs on the stopping
// thread, not an io thread: each PQcancel blocks for a round trip.
void Service::drain() {
  std::size_t cancelled = 0;
  const std::size_t abandoned = server_->drain(
      config_.drain_timeout, [this, &cancelled] { cancelled = pool_.cancel_running_queries(); });
  if (abandoned == 0 && cancelled == 0) return;
  logger_->warning(
      "app.service",
      "requests still in flight at the drain deadline were answered 503 and their queries "
      "cancelled",
      nullptr,
      {telemetry::integer_field("requests", static_cast<std::int64_t>(abandoned)),
       telemetry::integer_field("queries_cancelled", static_cast<std::int64_t>(cancelled)),
       telemetry::integer_field("drain_timeout_ms", config_.drain_timeout.count())});
}

// Once the port is known (it may have been 0): the console may start experiments against this
// service, with their load through the gateway when there is one.
void Service::enable_experiment_launches() {
  if (!console_ || config_.experiment_executable.empty()) return;
  const std::string& host = config_.server.host;
  const bool v6 = host.find(':') != std::string::npos;
  const std::string loopback = v6 ? "[::1]" : "127.0.0.1";
  const std::string own = "http://" + loopback + ":" + std::to_string(port());
  experiment_child_ = std::make_unique<ExperimentChild>(config_.experiment_executable);
  console_->experiment_launches().enable(
      experiment_child_->spawner(), {own, config_.gateway_url.empty() ? own : config_.gateway_url});
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
