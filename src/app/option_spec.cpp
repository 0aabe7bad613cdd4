#include "app/option_spec.hpp"

#include <algorithm>
#include <array>

namespace srelab::app {
namespace {

constexpr std::array<OptionSpec, 55> serve_table{{
    {"host", "SRE_LAB_HOST", "ADDRESS", "127.0.0.1", "address to listen on"},
    {"port", "SRE_LAB_PORT", "PORT", "8000", "port to listen on, 0..65535 (0: any free)"},
    {"threads", "SRE_LAB_THREADS", "N", "cores", "worker threads, 1..256"},
    {"cache-ttl", "SRE_LAB_CACHE_TTL", "SECONDS", "60", "product cache TTL, 1..86400"},
    {"db-pool-size", "SRE_LAB_DB_POOL_SIZE", "N", "5", "Postgres connections, 1..100"},
    {"db-pool-timeout", "SRE_LAB_DB_POOL_TIMEOUT", "SECONDS", "1",
     "wait for a free connection, 0..60 (0: fail at once)"},
    {"db-statement-timeout", "SRE_LAB_DB_STATEMENT_TIMEOUT", "SECONDS", "30",
     "Postgres statement_timeout, 0.001..600"},
    {"db-query-timeout", "SRE_LAB_DB_QUERY_TIMEOUT", "SECONDS", "1",
     "wait for a query's answer beyond its injected latency (a hung Postgres), 0.01..600; never "
     "beyond the statement timeout + 1 s"},
    {"db-connect-timeout", "SRE_LAB_DB_CONNECT_TIMEOUT", "SECONDS", "1",
     "a new Postgres connection must be ready within, 0.01..60"},
    {"redis-timeout", "SRE_LAB_REDIS_TIMEOUT", "SECONDS", "0.5",
     "Redis command timeout, 0.001..10"},
    {"redis-connect-timeout", "SRE_LAB_REDIS_CONNECT_TIMEOUT", "SECONDS", "1",
     "a new Redis connection must be ready within, 0.01..60"},
    {"drain-timeout", "SRE_LAB_DRAIN_TIMEOUT", "SECONDS", "5",
     "on SIGTERM/SIGINT, wait this long for requests in flight, then cancel their queries and "
     "answer them 503, 0..600"},
    {"database-url", "DATABASE_URL", "URL", "postgresql://srelab@127.0.0.1:55432/srelab",
     "Postgres to use (postgresql://… or a libpq conninfo)"},
    {"redis-url", "REDIS_URL", "URL", "redis://127.0.0.1:56379/0", "Redis to use"},
    {"max-connections", "SRE_LAB_MAX_CONNECTIONS", "N", "10000",
     "open HTTP connections at most, 1..1000000"},
    {"idle-timeout", "SRE_LAB_IDLE_TIMEOUT", "SECONDS", "60",
     "close a kept-alive connection idle this long, 0.1..3600"},
    {"request-timeout", "SRE_LAB_REQUEST_TIMEOUT", "SECONDS", "10",
     "a started request must arrive within, 0.1..600"},
    {"body-limit", "SRE_LAB_BODY_LIMIT", "BYTES", "1048576", "request body at most, 0..67108864"},
    {"stale-ttl", "SRE_LAB_STALE_TTL", "SECONDS", "86400",
     "how long the fallback's stale copies live in Redis, 1..2592000"},
    {"leak-cap-mb", "SRE_LAB_LEAK_CAP_MB", "MB", "1024",
     "cap of the memory POST /chaos/leak may hold, 1..65536"},
    {"admin-token", "SRE_LAB_ADMIN_TOKEN", "TOKEN", "none",
     "bearer token for /chaos, /resilience and the bulk test when not on loopback"},
    {"allowed-host", "SRE_LAB_ALLOWED_HOSTS", "NAME,...", "none",
     "more names than 127.0.0.1 and localhost that a Host header may carry for /chaos, "
     "/resilience, the bulk test and the console API while listening on loopback"},
    {"dd-service", "DD_SERVICE", "NAME", "sre-lab", "service of spans, metrics and logs"},
    {"dd-env", "DD_ENV", "NAME", "none", "env tag of spans, metrics and logs"},
    {"dd-version", "DD_VERSION", "VERSION", "none", "version tag of spans, metrics and logs"},
    {"dd-tags", "DD_TAGS", "K:V,...", "none",
     "tags added to every span (comma or space separated)"},
    {"agent-host", "DD_AGENT_HOST", "HOST", "localhost",
     "Datadog Agent host: traces go to its trace port, metrics to its DogStatsD port"},
    {"trace-agent-port", "DD_TRACE_AGENT_PORT", "PORT", "8126", "the Agent's trace port, 1..65535"},
    {"trace-agent-url", "DD_TRACE_AGENT_URL", "URL", "none",
     "the Agent's trace intake, http://host:port or unix:///path/to/apm.socket (wins over host "
     "and port)"},
    {"trace-enabled", "DD_TRACE_ENABLED", "BOOL", "true",
     "false: traces are built (console, logs) but not sent to the Agent or OTLP"},
    {"trace-sample-rate", "DD_TRACE_SAMPLE_RATE", "RATE", "none",
     "keep this share of traces, 0..1 (default: the Agent's rates)"},
    {"trace-rate-limit", "DD_TRACE_RATE_LIMIT", "N", "100",
     "traces kept per second at most under the sample rate, 1..1000000"},
    {"trace-flush-interval", "SRE_LAB_TRACE_FLUSH_INTERVAL", "SECONDS", "1",
     "how often traces are sent, 0.05..60"},
    {"trace-queue-spans", "SRE_LAB_TRACE_QUEUE_SPANS", "N", "100000",
     "spans waiting to be sent at most; beyond, traces are dropped and counted, 100..10000000"},
    {"tracing", "SRE_LAB_TRACING", "on|off", "on",
     "off: no spans at all, so none sent either (for measuring what tracing costs)"},
    {"otlp-endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT", "URL", "none",
     "OTLP/HTTP collector: traces go to <URL>/v1/traces as JSON"},
    {"otlp-traces-endpoint", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "URL", "none",
     "OTLP/HTTP traces URL, used as is"},
    {"otel-service-name", "OTEL_SERVICE_NAME", "NAME", "none", "OTLP service.name"},
    {"otel-resource-attributes", "OTEL_RESOURCE_ATTRIBUTES", "K=V,...", "none",
     "OTLP resource attributes"},
    {"log-level", "SRE_LAB_LOG_LEVEL", "LEVEL", "info", "debug, info, warning or error"},
    {"log-file", "SRE_LAB_LOG_FILE", "PATH", "none (up: STATE_DIR/sre-lab.log)",
     "also append the JSON log lines to PATH (empty: stdout only)"},
    {"logs-injection", "DD_LOGS_INJECTION", "BOOL", "true",
     "dd.trace_id, dd.span_id, dd.service, dd.env, dd.version in log lines"},
    {"trace-128-bit-logging", "DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", "BOOL", "true",
     "dd.trace_id as the whole 128-bit id (32 hex digits) when its high half is set; false: the "
     "decimal low 64 bits"},
    {"dogstatsd", "SRE_LAB_DOGSTATSD", "on|off", "on", "off: no metrics sent to DogStatsD"},
    {"dogstatsd-port", "DD_DOGSTATSD_PORT", "PORT", "8125",
     "DogStatsD port on the Agent host, 1..65535"},
    {"dogstatsd-url", "DD_DOGSTATSD_URL", "URL", "none",
     "DogStatsD as udp://host:port or unix:///path (a datagram socket); wins over host and port"},
    {"dogstatsd-interval", "SRE_LAB_DOGSTATSD_INTERVAL", "SECONDS", "2",
     "how often changed metrics go to DogStatsD (and once more on stop), 0.05..3600"},
    {"console", "SRE_LAB_CONSOLE", "on|off", "on",
     "off: no console recording (traces, logs, timeline) and no /console/api"},
    {"console-traces", "SRE_LAB_CONSOLE_TRACES", "N", "1000",
     "traces the console keeps at most, 10..100000"},
    {"console-trace-mb", "SRE_LAB_CONSOLE_TRACE_MB", "MB", "32",
     "memory the console's traces may take (estimated), 1..1024"},
    {"console-logs", "SRE_LAB_CONSOLE_LOGS", "N", "5000",
     "log lines the console keeps at most (about 1 KiB each at most), 10..1000000"},
    {"gateway-log", "SRE_LAB_GATEWAY_LOG", "PATH", "none",
     "the API gateway's JSON access log, read into the gateway.* metrics (up sets it)"},
    {"gateway-url", "SRE_LAB_GATEWAY_URL", "URL", "none",
     "the API gateway's http://HOST:PORT: where experiments started from the console send their "
     "load (up sets it; none: the service itself)"},
    {"replica", "SRE_LAB_REPLICA", "N", "none",
     "which of up --replicas this process is, 1..16 (up sets it): a replica tag on spans and "
     "DogStatsD metrics, a replica field in log lines"},
    {"control-socket", "SRE_LAB_CONTROL_SOCKET", "PATH", "none",
     "up's control channel (up sets it): POST /chaos/dependency asks up through it to kill, stop, "
     "start, pause or resume Redis or Postgres"},
}};

constexpr std::array<OptionSpec, 13> lab_table{{
    {"state-dir", "SRE_LAB_STATE_DIR", "DIR", ".lab", "where the lab keeps Postgres and Redis"},
    {"pg-port", "SRE_LAB_PG_PORT", "PORT", "55432", "port of the lab's Postgres, 1..65535"},
    {"redis-port", "SRE_LAB_REDIS_PORT", "PORT", "56379", "port of the lab's Redis, 1..65535"},
    {"seed", "SRE_LAB_SEED", "N", "42", "seed of the generated catalog, 0..2^63-1"},
    {"products", "SRE_LAB_PRODUCTS", "N", "10000", "products to seed, 1..1000000"},
    {"gateway", "SRE_LAB_GATEWAY", "on|off", "on", "off: no API gateway (HAProxy) in front"},
    {"gateway-port", "SRE_LAB_GATEWAY_PORT", "PORT", "8080",
     "port of the API gateway on 127.0.0.1, 1..65535"},
    {"gateway-timeout", "SRE_LAB_GATEWAY_TIMEOUT", "SECONDS", "5",
     "the gateway's server timeout (504 beyond it), 0.1..600, e.g. 1 or 1s"},
    {"gateway-config", "SRE_LAB_GATEWAY_CONFIG", "FILE", "none",
     "run HAProxy on this file instead of the generated one (docs/gateway.md)"},
    {"replicas", "SRE_LAB_REPLICAS", "N", "1",
     "service processes behind the gateway, 1..16; replica k listens on --port + k - 1"},
    {"restart", "SRE_LAB_RESTART", "on-failure|never", "on-failure",
     "on-failure: a child that exits (Postgres, Redis, the gateway, a replica) is restarted after "
     "1 s, doubling to 30 s, giving up after 10 failures in a row; never: its exit stops the lab"},
    {"prometheus", "SRE_LAB_PROMETHEUS", "", "off",
     "also run Prometheus (Debian's prometheus) on 127.0.0.1, scraping the service every 2 s, "
     "with the Grafana dashboard's queries as recording rules"},
    {"prometheus-port", "SRE_LAB_PROMETHEUS_PORT", "PORT", "9090",
     "port of the lab's Prometheus on 127.0.0.1, 1..65535"},
}};

// `load` has no environment variables: a run is described on its command line.
constexpr std::array<OptionSpec, 14> load_table{{
    {"target", "", "URL", "http://127.0.0.1:8080",
     "http://HOST:PORT; by default the gateway's, else the service's port 8000"},
    {"rate", "", "PER_SECOND", "none", "open loop: requests due per second, > 0, at most 1000000"},
    {"duration", "", "DURATION", "60s", "how long requests are sent: 60s, 2m, 500ms or seconds"},
    {"connections", "", "N", "64", "closed loop (no --rate): connections, 1..100000"},
    {"max-connections", "", "N", "256",
     "open loop: connections at most, 1..100000 (then a request waits; see above)"},
    {"threads", "", "N", "2", "threads, one event loop each, 1..64"},
    {"ids", "", "DIST", "uniform:1-10000", "what {id} becomes (forms above)"},
    {"path", "", "PATHS", "/products/{id}",
     "a comma list, weights optional: /products/{id}:9,/healthz:1"},
    {"timeout", "", "DURATION", "10s", "an answer must arrive within; also a request's wait"},
    {"seed", "", "N", "1", "seed of the id and path draws, 0..2^53-1"},
    {"json", "", "FILE", "none", "write every per-second point and the totals as JSON"},
    {"csv", "", "FILE", "none", "write the per-second points as CSV"},
    {"progress", "", "", "on a terminal", "status lines on stderr even when it is not a terminal"},
    {"quiet", "", "", "off", "no status lines, even on a terminal"},
}};

// `experiment run`: the experiment's own file says the rest.
constexpr std::array<OptionSpec, 9> experiment_table{{
    {"var", "", "NAME=VALUE", "none",
     "override a configuration entry of the experiment (repeatable), e.g. --var rate=50"},
    {"target", "", "URL|sim", "the file's",
     "http://HOST:PORT of the service: the admin calls and the load both go there; `sim` runs "
     "the experiment on the simulated lab (docs/simulation.md)"},
    {"calibration", "", "FILE", "the twin's defaults",
     "with --target sim: the calibration file (`sre-lab simulate calibrate`)"},
    {"replicas", "", "N", "1",
     "with --target sim: service replicas behind the gateway, 1..16, as `up --replicas N` runs "
     "them (the admin calls reach the first, the load all of them)"},
    {"seed", "", "N", "1",
     "with --target sim: seed of the twin's draws (arrivals, ids, service times), 0..2^63-1; "
     "run a few to see what is chance"},
    {"allow-remote", "", "", "off", "allow targets that are not on loopback (127.0.0.1, ::1)"},
    {"out", "", "DIR", "experiment-runs/<time>-<name>",
     "where journal.json, report.md and report.html are written"},
    {"progress", "", "", "on a terminal", "a status line a second on stderr even when piped"},
    {"quiet", "", "", "off", "no status lines"},
}};

// `simulate FILE` and `simulate calibrate JOURNAL`: the scenario file says the rest.
constexpr std::array<OptionSpec, 5> simulate_table{{
    {"seed", "", "N", "the file's", "seed of every draw of the run, 0..2^63-1"},
    {"duration", "", "DURATION", "the file's",
     "simulated time, e.g. 10m: shortens or lengthens the file's duration_s"},
    {"calibration", "", "FILE", "the file's, else the defaults",
     "a calibration file (from simulate calibrate) instead of the scenario's"},
    {"out", "", "DIR|FILE", "simulation-runs/<time>-<name>",
     "where the run's results go; calibrate: the calibration file (default: stdout)"},
    {"check", "", "", "off", "validate the scenario, print its summary and stop"},
}};

// `up` takes its own options and every serve option, which it passes on.
constexpr auto up_table = [] {
  std::array<OptionSpec, lab_table.size() + serve_table.size()> table{};
  std::copy(lab_table.begin(), lab_table.end(), table.begin());
  std::copy(serve_table.begin(), serve_table.end(), table.begin() + lab_table.size());
  return table;
}();

}  // namespace

std::span<const OptionSpec> serve_options() {
  return serve_table;
}
std::span<const OptionSpec> up_options() {
  return up_table;
}
std::span<const OptionSpec> load_options() {
  return load_table;
}
std::span<const OptionSpec> experiment_options() {
  return experiment_table;
}
std::span<const OptionSpec> simulate_options() {
  return simulate_table;
}

const OptionSpec* find_option(std::span<const OptionSpec> options, std::string_view flag) {
  for (const OptionSpec& option : options)
    if (option.flag == flag) return &option;
  return nullptr;
}

}  // namespace srelab::app
