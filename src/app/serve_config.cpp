#include "app/serve_config.hpp"

#include <libpq-fe.h>

#include <boost/url/parse.hpp>
#include <charconv>
#include <thread>

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
  config.redis.command_timeout = values.seconds("redis-timeout", 0.5, 0.001, 10);
  server.max_connections =
      static_cast<std::size_t>(values.integer("max-connections", 10000, 1, 1'000'000));
  server.idle_timeout = values.seconds("idle-timeout", 60, 0.1, 3600);
  server.request_timeout = values.seconds("request-timeout", 10, 0.1, 600);
  server.body_limit = static_cast<std::size_t>(values.integer("body-limit", 1 << 20, 0, 64 << 20));

  config.products.stale_ttl =
      std::chrono::seconds(values.integer("stale-ttl", 86400, 1, 2'592'000));
  config.controls.leak_cap_bytes =
      static_cast<std::size_t>(values.integer("leak-cap-mb", 1024, 1, 65536)) << 20;
  config.admin.listen_host = server.host;
  config.admin.token = values.text("admin-token", "");

  config.dogstatsd_tags.service = values.text("dd-service", "sre-lab");
  config.dogstatsd_tags.env = values.text("dd-env", "");
  config.dogstatsd_tags.version = values.text("dd-version", "");
  config.dogstatsd.host = values.text("agent-host", "");
  config.dogstatsd.port =
      static_cast<std::uint16_t>(values.integer("dogstatsd-port", 8125, 1, 65535));
  config.dogstatsd.interval = values.seconds("dogstatsd-interval", 10, 0.05, 3600);

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
