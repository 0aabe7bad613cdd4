// The service's configuration, finalized once at start-up from flags, environment and defaults.
// Components take only these finalized, validated values.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "app/dogstatsd_sender.hpp"
#include "app/option_values.hpp"
#include "catalog/chaos_controls.hpp"
#include "catalog/product_service.hpp"
#include "console/console.hpp"
#include "core/errc.hpp"
#include "http/admin_access.hpp"
#include "http/server.hpp"
#include "postgres/pool.hpp"
#include "redis/client.hpp"
#include "resilience/resilience_settings.hpp"
#include "telemetry/logging/log_record.hpp"
#include "telemetry/logging/logger.hpp"
#include "telemetry/tracing/sampler.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::app {

// Traces: how spans are made, sampled and where they go.
// Both switches stop sending to the Agent: DD_TRACE_ENABLED=false as the tracers do (spans are
// still made, for the console and the logs' ids), --tracing off by making no spans at all.
struct TracingConfig {
  bool enabled = true;  // SRE_LAB_TRACING=off: no spans at all (so none are sent either)
  bool send = true;     // DD_TRACE_ENABLED=false: spans for the console only
  telemetry::TracerSettings tracer;
  telemetry::SamplerSettings sampler;
  std::string agent_url = "http://localhost:8126";  // or unix:///path; used when `send`
  // The container this process runs in, as the Agent names it ("ci-…"/"in-…", container_id.hpp);
  // empty outside one. DogStatsD's `|c:` field carries it too (DogStatsdSettings::container).
  std::string entity_id;
  std::string otlp_url;  // empty: no OTLP exporter
  std::vector<std::pair<std::string, std::string>> otlp_resource;
  std::chrono::milliseconds flush_interval{1000};
  std::size_t max_queued_spans = 100000;
};

struct LoggingConfig {
  telemetry::LogLevel level = telemetry::LogLevel::info;
  bool injection = true;
  bool trace_id_128 = true;       // DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED
  std::string file;               // empty: stdout only
  telemetry::LogFields fields{};  // on every line (the replica's number)
};

// The console's recording (console/console.hpp): on by default, bounded.
struct ConsoleConfig {
  bool enabled = true;  // SRE_LAB_CONSOLE=off: no stores, no sampler, no /console/api routes
  console::ConsoleSettings settings = console::bounded_console_settings(1000, 32u << 20, 5000);
};

struct ServeConfig {
  http::ServerSettings server;
  std::size_t threads = 1;
  // How long a stop waits for requests in flight; then they are answered 503 (http::Server::drain).
  std::chrono::milliseconds drain_timeout{5000};
  postgres::PoolSettings pool;
  redis::ClientSettings redis;
  catalog::ProductServiceSettings products;
  catalog::ChaosControlsSettings chaos;
  resilience::ResilienceSettings resilience;  // db_pool_timeout is taken from `pool`
  std::size_t stale_copies = 10'000;          // in-process copies kept for the fallback
  http::AdminAccess admin;
  telemetry::DogStatsdSettings dogstatsd_tags;  // env, service, version, gauge resends
  DogStatsdTarget dogstatsd;                    // localhost:8125 unless told otherwise
  TracingConfig tracing;
  LoggingConfig logging;
  ConsoleConfig console;
  std::string gateway_log;     // the API gateway's access log; empty: no gateway.* metrics
  std::string gateway_url;     // where console-started experiments send load; empty: the service
  std::string control_socket;  // up's control channel (lab/control_protocol); empty: standalone
  // The executable that runs experiments started from the console (run_serve sets it to the
  // service's own); empty: the console cannot start them (a service inside a test binary).
  std::string experiment_executable;
};

// errc::invalid_argument when a value is bad; values.error() then says which and why.
result<ServeConfig> finalize_serve_config(OptionValues& values);

// Parses redis://[:password@]host[:port][/db]; false when it is not such a URL.
bool parse_redis_url(std::string_view url, redis::ClientSettings& settings);

}  // namespace srelab::app
