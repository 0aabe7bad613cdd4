#include "app/serve_config.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <charconv>
#include <optional>
#include <thread>

#include "core/comma_list.hpp"
#include "http/http_url.hpp"
#include "http/request_framing.hpp"
#include "telemetry/datadog/container_id.hpp"
#include "telemetry/datadog/datadog_agent.hpp"
#include "telemetry/otlp/otlp_json.hpp"
#include "telemetry/tracing/dd_tags.hpp"

namespace srelab::app {
namespace {

bool valid_conninfo(const std::string& conninfo) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &message);
  PQfreemem(message);
  if (options == nullptr) return false;
  PQconninfoFree(options);
  return true;
}

bool parse_number(std::string_view text, long long min, long long max, long long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size() && out >= min &&
         out <= max;
}

std::size_t default_threads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

// DD_TRACE_ENABLED and DD_LOGS_INJECTION spellings, as Datadog tracers accept them.
std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return std::nullopt;
}

bool flag_bool(OptionValues& values, std::string_view flag, bool fallback) {
  const auto raw = values.raw(flag);
  if (!raw) return fallback;
  const auto parsed = parse_bool(*raw);
  if (!parsed) values.fail(flag, *raw, "true or false (also 1/0, yes/no, on/off)");
  return parsed.value_or(fallback);
}

std::optional<double> parse_rate(std::string_view text) {
  double rate = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), rate);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !(rate >= 0) ||
      rate > 1)
    return std::nullopt;
  return rate;
}

std::optional<telemetry::LogLevel> parse_level(std::string_view text) {
  using telemetry::LogLevel;
  for (LogLevel level : {LogLevel::debug, LogLevel::info, LogLevel::warning, LogLevel::error})
    if (text == telemetry::to_string(level)) return level;
  return std::nullopt;
}

void finalize_tracing(OptionValues& values, const telemetry::DogStatsdSettings& unified,
                      TracingConfig& tracing) {
  const std::string mode = values.text("tracing", "on");
  if (mode != "on" && mode != "off") values.fail("tracing", mode, "on or off");
  tracing.enabled = mode == "on";
  tracing.send = flag_bool(values, "trace-enabled", true);
  tracing.tracer.service = unified.service;
  tracing.tracer.env = unified.env;
  tracing.tracer.version = unified.version;
  tracing.tracer.tags = telemetry::parse_dd_tags(values.text("dd-tags", ""));
  if (const auto rate = values.raw("trace-sample-rate")) {
    tracing.sampler.sample_rate = parse_rate(*rate);
    if (!tracing.sampler.sample_rate)
      values.fail("trace-sample-rate", *rate, "a number in 0..1, e.g. 0.25");
  }
  tracing.sampler.rate_limit =
      static_cast<double>(values.integer("trace-rate-limit", 100, 1, 1'000'000));
  tracing.flush_interval = values.seconds("trace-flush-interval", 1, 0.05, 60);
  tracing.max_queued_spans =
      static_cast<std::size_t>(values.integer("trace-queue-spans", 100000, 100, 10'000'000));

  // As the official tracers: the Agent at localhost:8126 unless told otherwise. With none there
  // the exporter logs one warning, keeps a bounded queue and retries with backoff.
  values.integer("trace-agent-port", 8126, 1, 65535);  // a bad port is named as such
  if (values.error().empty()) {
    auto url = telemetry::agent_url_from(values.raw("trace-agent-url"), values.raw("agent-host"),
                                         values.raw("trace-agent-port"));
    if (url)
      tracing.agent_url = *url;
    else
      values.fail_with(url.error().message);
  }

  const auto lookup = [&values](std::string_view name) { return values.by_env_name(name); };
  auto otlp_url = telemetry::otlp_traces_url(lookup);
  if (!otlp_url) {
    values.fail_with(otlp_url.error().message);
  } else if (*otlp_url) {
    tracing.otlp_url = **otlp_url;
    auto resource = telemetry::otlp_resource_from(lookup);
    if (resource)
      tracing.otlp_resource = std::move(resource->attributes);
    else
      values.fail_with(resource.error().message);
  }
}

// DD_DOGSTATSD_URL wins, else DD_AGENT_HOST (or localhost) and DD_DOGSTATSD_PORT, as the
// official clients read them.
void finalize_dogstatsd(OptionValues& values, DogStatsdTarget& target,
                        telemetry::DogStatsdSettings& settings) {
  const std::string mode = values.text("dogstatsd", "on");
  if (mode != "on" && mode != "off") values.fail("dogstatsd", mode, "on or off");
  target.enabled = mode == "on";
  target.host = values.text("agent-host", "");
  if (target.host.empty()) target.host = "localhost";
  if (target.host.size() > 2 && target.host.front() == '[' && target.host.back() == ']')
    target.host = target.host.substr(1, target.host.size() - 2);
  target.port = static_cast<std::uint16_t>(values.integer("dogstatsd-port", 8125, 1, 65535));
  const std::string url = values.text("dogstatsd-url", "");
  if (!url.empty() && !parse_dogstatsd_url(url, target))
    values.fail("dogstatsd-url", url, "udp://HOST[:PORT] or unix:///PATH");
  target.interval = values.seconds("dogstatsd-interval", 2, 0.05, 3600);
  // An unchanged gauge is sent again about once a minute, however short the interval.
  const auto interval_ms = std::max<std::int64_t>(target.interval.count(), 1);
  settings.gauge_resend_flushes =
      static_cast<std::size_t>(std::max<std::int64_t>(1, (60'000 + interval_ms - 1) / interval_ms));
}

void finalize_logging(OptionValues& values, LoggingConfig& logging) {
  const std::string level = values.text("log-level", "info");
  const auto parsed = parse_level(level);
  if (!parsed) values.fail("log-level", level, "debug, info, warning or error");
  logging.level = parsed.value_or(telemetry::LogLevel::info);
  logging.injection = flag_bool(values, "logs-injection", true);
  logging.trace_id_128 = flag_bool(values, "trace-128-bit-logging", true);
  logging.file = values.text("log-file", "");
}

void finalize_console(OptionValues& values, ConsoleConfig& console) {
  const std::string mode = values.text("console", "on");
  if (mode != "on" && mode != "off") values.fail("console", mode, "on or off");
  console.enabled = mode == "on";
  const auto traces = static_cast<std::size_t>(values.integer("console-traces", 1000, 10, 100'000));
  const auto trace_mb = static_cast<std::size_t>(values.integer("console-trace-mb", 32, 1, 1024));
  const auto logs = static_cast<std::size_t>(values.integer("console-logs", 5000, 10, 1'000'000));
  if (values.error().empty())
    console.settings = console::bounded_console_settings(traces, trace_mb << 20, logs);
}

// --allowed-host: names a Host header may carry for the admin endpoints besides loopback
// addresses and localhost (http/admin_access.hpp), each a host as Host carries it, without port.
std::vector<std::string> finalize_allowed_hosts(OptionValues& values) {
  const std::string list = values.text("allowed-host", "");
  std::vector<std::string> names;
  if (trim_blanks(list).empty()) return names;
  for (const std::string_view name : split_comma_list(list)) {
    const auto host = http::parse_host_header(name);
    if (!host || !host->port.empty()) {
      values.fail("allowed-host", list,
                  "host names (or IP addresses) without port, comma-separated, e.g. "
                  "lab.internal,my-box");
      return {};
    }
    names.emplace_back(host->host);
  }
  return names;
}

// One of `up --replicas`: its number on everything it sends, so replicas sharing a service name,
// host and env can be told apart. A lone service (unset) sends exactly what it always did.
void finalize_replica(OptionValues& values, ServeConfig& config) {
  if (!values.is_set("replica")) return;
  const std::string replica = std::to_string(values.integer("replica", 1, 1, 16));
  config.tracing.tracer.tags.emplace_back("replica", replica);
  config.dogstatsd_tags.extra_tags.push_back({"replica", replica});
  config.logging.fields.emplace_back("replica", replica);
}

}  // namespace

bool parse_redis_url(std::string_view url, redis::ClientSettings& settings) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "redis" || parsed->host().empty()) return false;
  settings.host = parsed->host();
  if (settings.host.size() > 2 && settings.host.front() == '[') {  // [::1]
    settings.host = settings.host.substr(1, settings.host.size() - 2);
  }
  long long number = 0;
  if (parsed->has_port()) {
    if (!parse_number(parsed->port(), 1, 65535, number)) return false;
    settings.port = static_cast<std::uint16_t>(number);
  }
  if (parsed->has_password()) settings.password = parsed->password();
  const std::string_view path = parsed->encoded_path();
  if (!path.empty() && path != "/") {
    if (!parse_number(path.substr(1), 0, 15, number)) return false;
    settings.database = static_cast<int>(number);
  }
  return true;
}

result<ServeConfig> finalize_serve_config(OptionValues& values) {
  ServeConfig config;
  auto& server = config.server;
  server.host = values.text("host", "127.0.0.1");
  server.port = static_cast<std::uint16_t>(values.integer("port", 8000, 0, 65535));
  config.threads = static_cast<std::size_t>(
      values.integer("threads", static_cast<std::int64_t>(default_threads()), 1, 256));
  config.products.cache_ttl = std::chrono::seconds(values.integer("cache-ttl", 60, 1, 86400));
  config.pool.size = static_cast<std::size_t>(values.integer("db-pool-size", 5, 1, 100));
  config.pool.acquire_timeout = values.seconds("db-pool-timeout", 1, 0, 60);
  config.pool.connection.statement_timeout = values.seconds("db-statement-timeout", 30, 0.001, 600);
  config.pool.connection.query_timeout = values.seconds("db-query-timeout", 1, 0.01, 600);
  config.pool.connection.connect_timeout = values.seconds("db-connect-timeout", 1, 0.01, 60);
  config.redis.command_timeout = values.seconds("redis-timeout", 0.5, 0.001, 10);
  config.redis.connect_timeout = values.seconds("redis-connect-timeout", 1, 0.01, 60);
  config.drain_timeout = values.seconds("drain-timeout", 5, 0, 600);
  server.max_connections =
      static_cast<std::size_t>(values.integer("max-connections", 10000, 1, 1'000'000));
  server.idle_timeout = values.seconds("idle-timeout", 60, 0.1, 3600);
  server.request_timeout = values.seconds("request-timeout", 10, 0.1, 600);
  server.body_limit = static_cast<std::size_t>(values.integer("body-limit", 1 << 20, 0, 64 << 20));

  config.products.stale_ttl =
      std::chrono::seconds(values.integer("stale-ttl", 86400, 1, 2'592'000));
  config.chaos.leak_cap_bytes =
      static_cast<std::size_t>(values.integer("leak-cap-mb", 1024, 1, 65536)) << 20;
  config.admin.listen_host = server.host;
  config.admin.token = values.text("admin-token", "");
  config.admin.allowed_hosts = finalize_allowed_hosts(values);

  config.dogstatsd_tags.service = values.text("dd-service", "sre-lab");
  config.dogstatsd_tags.env = values.text("dd-env", "");
  config.dogstatsd_tags.version = values.text("dd-version", "");
  finalize_dogstatsd(values, config.dogstatsd, config.dogstatsd_tags);

  // Read once from /proc: the trace posts' Datadog-Entity-ID and DogStatsD's container field.
  config.dogstatsd_tags.container = telemetry::detect_container_entity_id();
  config.tracing.entity_id = config.dogstatsd_tags.container;
  finalize_tracing(values, config.dogstatsd_tags, config.tracing);
  finalize_logging(values, config.logging);
  finalize_console(values, config.console);
  finalize_replica(values, config);
  config.gateway_log = values.text("gateway-log", "");
  config.gateway_url = values.text("gateway-url", "");
  config.control_socket = values.text("control-socket", "");
  while (config.gateway_url.ends_with('/')) config.gateway_url.pop_back();
  if (!config.gateway_url.empty() && !http::parse_http_url(config.gateway_url))
    values.fail("gateway-url", config.gateway_url, "http://HOST:PORT");

  const std::string database_url =
      values.text("database-url", "postgresql://srelab@127.0.0.1:55432/srelab");
  if (!valid_conninfo(database_url))
    values.fail("database-url", database_url, "a postgresql:// URL or a libpq conninfo string");
  config.pool.connection.conninfo = database_url;

  const std::string redis_url = values.text("redis-url", "redis://127.0.0.1:56379/0");
  if (!parse_redis_url(redis_url, config.redis))
    values.fail("redis-url", redis_url, "redis://[:password@]host[:port][/db] with db in 0..15");

  if (!values.error().empty()) return errc::invalid_argument;
  return config;
}

}  // namespace srelab::app
