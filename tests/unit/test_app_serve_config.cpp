// Config finalization: flags beat env beats defaults; a bad value names the key and the range.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "app/serve_config.hpp"

namespace srelab::app {
namespace {

using Flags = std::map<std::string, std::string, std::less<>>;
using Env = std::map<std::string, std::string, std::less<>>;

EnvLookup env_of(Env env) {
  return [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ServeConfig, DefaultsMatchTheDocumentation) {
  OptionValues values(serve_options(), {}, env_of({}));
  auto config = finalize_serve_config(values);
  ASSERT_TRUE(config) << values.error();
  EXPECT_EQ(config->server.host, "127.0.0.1");
  EXPECT_EQ(config->server.port, 8000);
  EXPECT_EQ(config->pool.size, 5u);
  EXPECT_EQ(config->pool.acquire_timeout, std::chrono::seconds(1));
  EXPECT_EQ(config->products.cache_ttl, std::chrono::seconds(60));
  EXPECT_EQ(config->redis.host, "127.0.0.1");
  EXPECT_EQ(config->redis.port, 56379);
  EXPECT_GE(config->threads, 1u);
}

// Chosen so that a hung (paused) dependency answers a product within about 2 s, and stated in
// serve --help and docs/lab-guide.md#timeouts-and-shutdown.
TEST(ServeConfig, DependencyTimeoutsAndDrainDefaults) {
  using std::chrono::milliseconds;
  OptionValues values(serve_options(), {}, env_of({}));
  auto config = finalize_serve_config(values);
  ASSERT_TRUE(config) << values.error();
  EXPECT_EQ(config->pool.connection.statement_timeout, milliseconds(30'000));
  EXPECT_EQ(config->pool.connection.query_timeout, milliseconds(1000));
  EXPECT_EQ(config->pool.connection.connect_timeout, milliseconds(1000));
  EXPECT_EQ(config->redis.command_timeout, milliseconds(500));
  EXPECT_EQ(config->redis.connect_timeout, milliseconds(1000));
  EXPECT_EQ(config->drain_timeout, milliseconds(5000));
}

TEST(ServeConfig, DependencyTimeoutsAndDrainFromFlagsAndEnvironment) {
  using std::chrono::milliseconds;
  OptionValues values(serve_options(), {{"drain-timeout", "0"}, {"db-query-timeout", "2.5"}},
                      env_of({{"SRE_LAB_DB_CONNECT_TIMEOUT", "0.25"},
                              {"SRE_LAB_REDIS_CONNECT_TIMEOUT", "3"},
                              {"SRE_LAB_DRAIN_TIMEOUT", "9"}}));
  auto config = finalize_serve_config(values);
  ASSERT_TRUE(config) << values.error();
  EXPECT_EQ(config->drain_timeout, milliseconds(0)) << "the flag wins";
  EXPECT_EQ(config->pool.connection.query_timeout, milliseconds(2500));
  EXPECT_EQ(config->pool.connection.connect_timeout, milliseconds(250));
  EXPECT_EQ(config->redis.connect_timeout, milliseconds(3000));
}

// As the official tracers and clients: the Agent on this host, nothing to set.
TEST(ServeConfig, TracesAndMetricsGoToTheLocalAgentByDefault) {
  OptionValues values(serve_options(), {}, env_of({}));
  auto config = finalize_serve_config(values);
  ASSERT_TRUE(config) << values.error();
  EXPECT_TRUE(config->tracing.enabled);
  EXPECT_TRUE(config->tracing.send);
  EXPECT_EQ(config->tracing.agent_url, "http://localhost:8126");
  EXPECT_TRUE(config->dogstatsd.enabled);
  EXPECT_EQ(config->dogstatsd.describe(), "udp://localhost:8125");
  EXPECT_EQ(config->dogstatsd.interval, std::chrono::seconds(2));
  EXPECT_EQ(config->dogstatsd_tags.gauge_resend_flushes, 30u) << "an unchanged gauge a minute";
}

TEST(ServeConfig, AgentHostAndPortsMoveTracesAndMetrics) {
  OptionValues values(serve_options(), {},
                      env_of({{"DD_AGENT_HOST", "10.0.0.7"},
                              {"DD_TRACE_AGENT_PORT", "9126"},
                              {"DD_DOGSTATSD_PORT", "9125"},
                              {"SRE_LAB_DOGSTATSD_INTERVAL", "0.5"}}));
  auto config = finalize_serve_config(values);
  ASSERT_TRUE(config) << values.error();
  EXPECT_EQ(config->tracing.agent_url, "http://10.0.0.7:9126");
  EXPECT_EQ(config->dogstatsd.describe(), "udp://10.0.0.7:9125");
  EXPECT_EQ(config->dogstatsd_tags.gauge_resend_flushes, 120u);
}

TEST(ServeConfig, UrlsWinAndMayNameUnixSockets) {
  OptionValues values(serve_options(), {},
                      env_of({{"DD_AGENT_HOST", "ignored"},
                              {"DD_TRACE_AGENT_URL", "unix:///var/run/datadog/apm.socket"},
                              {"DD_DOGSTATSD_URL", "unix:///var/run/datadog/dsd.socket"}}));
  auto config = finalize_serve_config(values);
  ASSERT_TRUE(config) << values.error();
  EXPECT_EQ(config->tracing.agent_url, "unix:///var/run/datadog/apm.socket");
  EXPECT_EQ(config->dogstatsd.socket_path, "/var/run/datadog/dsd.socket");
  EXPECT_EQ(config->dogstatsd.describe(), "unix:///var/run/datadog/dsd.socket");
}

TEST(ServeConfig, EachSwitchTurnsItsSendingOff) {
  struct Case {
    Env env;
    bool spans, send_traces, send_metrics;
  };
  const Case cases[] = {
      {{{"DD_TRACE_ENABLED", "false"}}, true, false, true},  // spans stay for the console
      {{{"SRE_LAB_TRACING", "off"}}, false, true, true},     // no spans: nothing to send
      {{{"SRE_LAB_DOGSTATSD", "off"}}, true, true, false},
  };
  for (const Case& c : cases) {
    OptionValues values(serve_options(), {}, env_of(c.env));
    auto config = finalize_serve_config(values);
    ASSERT_TRUE(config) << values.error();
    EXPECT_EQ(config->tracing.enabled, c.spans) << c.env.begin()->first;
    EXPECT_EQ(config->tracing.send, c.send_traces) << c.env.begin()->first;
    EXPECT_EQ(config->dogstatsd.enabled, c.send_metrics) << c.env.begin()->first;
  }
}

TEST(DogStatsdUrl, ParsesUdpAndUnixForms) {
  struct Case {
    const char* url;
    const char* described;  // nullptr: refused
  };
  const Case cases[] = {
      {"udp://127.0.0.1:8125", "udp://127.0.0.1:8125"},
      {"udp://agent", "udp://agent:8125"},
      {"udp://[::1]:9125", "udp://[::1]:9125"},
      {"udp://agent:9125/", "udp://agent:9125"},
      {"unix:///var/run/datadog/dsd.socket", "unix:///var/run/datadog/dsd.socket"},
      {"unixgram:///tmp/dsd.socket", "unix:///tmp/dsd.socket"},
      {"udp://agent:0", nullptr},
      {"udp://agent:99999", nullptr},
      {"udp://:8125", nullptr},
      {"udp://agent:8125/path", nullptr},
      {"tcp://agent:8125", nullptr},
      {"unix://relative.socket", nullptr},
      {"unix://", nullptr},
      {"agent:8125", nullptr},
  };
  for (const Case& c : cases) {
    DogStatsdTarget target;
    const bool parsed = parse_dogstatsd_url(c.url, target);
    EXPECT_EQ(parsed, c.described != nullptr) << c.url;
    if (parsed && c.described) {
      EXPECT_EQ(target.describe(), c.described) << c.url;
    }
  }
}

TEST(ServeConfig, FlagBeatsEnvironmentBeatsDefault) {
  OptionValues values(serve_options(), Flags{{"port", "9001"}},
                      env_of({{"SRE_LAB_PORT", "9002"},
                              {"SRE_LAB_DB_POOL_SIZE", "7"},
                              {"SRE_LAB_DB_POOL_TIMEOUT", "0.25"},
                              {"REDIS_URL", "redis://:secret@[::1]:7000/3"}}));
  auto config = finalize_serve_config(values);
  ASSERT_TRUE(config) << values.error();
  EXPECT_EQ(config->server.port, 9001);
  EXPECT_EQ(config->pool.size, 7u);
  EXPECT_EQ(config->pool.acquire_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(config->redis.host, "::1");
  EXPECT_EQ(config->redis.port, 7000);
  EXPECT_EQ(config->redis.database, 3);
  EXPECT_EQ(config->redis.password, "secret");
}

// DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED: on by default as in current tracers; the tracers'
// spellings of a boolean; anything else is a one-line error naming the variable.
TEST(ServeConfig, TraceId128BitLogging) {
  struct Case {
    Flags flags;
    Env env;
    std::optional<bool> on;  // nullopt: refused
  };
  const Case cases[] = {
      {{}, {}, true},
      {{}, {{"DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", "false"}}, false},
      {{}, {{"DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", "0"}}, false},
      {{}, {{"DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", "true"}}, true},
      {{{"trace-128-bit-logging", "off"}},
       {{"DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", "1"}},
       false},
      {{}, {{"DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED", "maybe"}}, std::nullopt},
      {{{"trace-128-bit-logging", ""}}, {}, std::nullopt},
  };
  for (const Case& c : cases) {
    OptionValues values(serve_options(), c.flags, env_of(c.env));
    auto config = finalize_serve_config(values);
    if (c.on) {
      ASSERT_TRUE(config) << values.error();
      EXPECT_EQ(config->logging.trace_id_128, *c.on);
      continue;
    }
    ASSERT_FALSE(config);
    const std::string& error = values.error();
    const bool from_env = c.flags.empty();
    EXPECT_NE(error.find(from_env ? "invalid DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED 'maybe'"
                                  : "invalid --trace-128-bit-logging ''"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("expected true or false"), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << "one line";
  }
}

// One of `up --replicas` says which on its spans, metrics and log lines; a lone service adds
// nothing.
TEST(ServeConfig, ReplicaTagsSpansMetricsAndLogLines) {
  OptionValues values(serve_options(), {{"replica", "3"}, {"dd-tags", "team:sre"}}, env_of({}));
  auto config = finalize_serve_config(values);
  ASSERT_TRUE(config) << values.error();
  using Tags = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(config->tracing.tracer.tags, (Tags{{"team", "sre"}, {"replica", "3"}}));
  ASSERT_EQ(config->dogstatsd_tags.extra_tags.size(), 1u);
  EXPECT_EQ(config->dogstatsd_tags.extra_tags[0].key, "replica");
  EXPECT_EQ(config->dogstatsd_tags.extra_tags[0].value, "3");
  EXPECT_EQ(config->logging.fields, (telemetry::LogFields{{"replica", "3"}}));

  OptionValues lone(serve_options(), {}, env_of({}));
  auto plain = finalize_serve_config(lone);
  ASSERT_TRUE(plain) << lone.error();
  EXPECT_TRUE(plain->tracing.tracer.tags.empty());
  EXPECT_TRUE(plain->dogstatsd_tags.extra_tags.empty());
  EXPECT_TRUE(plain->logging.fields.empty());
}

// --allowed-host names reach the admin guard as the hosts it compares (IPv6 without brackets);
// the environment variable is read when the flag is not given; empty means none.
TEST(ServeConfig, AllowedHostsAreAListOfHostNames) {
  struct Case {
    Flags flags;
    Env env;
    std::vector<std::string> names;
  };
  const Case cases[] = {
      {{}, {}, {}},
      {{{"allowed-host", "lab.internal"}}, {}, {"lab.internal"}},
      {{{"allowed-host", "lab.internal, My-Box ,[fd00::1],10.0.0.7"}},
       {},
       {"lab.internal", "My-Box", "fd00::1", "10.0.0.7"}},
      {{}, {{"SRE_LAB_ALLOWED_HOSTS", "a.example,b.example"}}, {"a.example", "b.example"}},
      {{{"allowed-host", "flag.example"}},
       {{"SRE_LAB_ALLOWED_HOSTS", "env.example"}},
       {"flag.example"}},
      {{}, {{"SRE_LAB_ALLOWED_HOSTS", ""}}, {}},
  };
  for (const Case& c : cases) {
    OptionValues values(serve_options(), c.flags, env_of(c.env));
    auto config = finalize_serve_config(values);
    ASSERT_TRUE(config) << values.error();
    EXPECT_EQ(config->admin.allowed_hosts, c.names);
  }
}

struct BadCase {
  Flags flags;
  Env env;
  const char* message_has;
};

class ServeConfigBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ServeConfigBad, NamesTheKeyAndTheRange) {
  OptionValues values(serve_options(), GetParam().flags, env_of(GetParam().env));
  auto config = finalize_serve_config(values);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error(), errc::invalid_argument);
  EXPECT_NE(values.error().find(GetParam().message_has), std::string::npos) << values.error();
  EXPECT_EQ(values.error().find('\n'), std::string::npos) << "one line";
}

INSTANTIATE_TEST_SUITE_P(
    Table, ServeConfigBad,
    ::testing::Values(
        BadCase{{{"port", "70000"}}, {}, "invalid --port '70000': expected an integer in 0..65535"},
        BadCase{{{"port", "http"}}, {}, "--port 'http'"},
        BadCase{{}, {{"SRE_LAB_PORT", "-1"}}, "invalid SRE_LAB_PORT '-1'"},
        BadCase{{{"threads", "0"}}, {}, "--threads '0': expected an integer in 1..256"},
        BadCase{{{"db-pool-size", "0"}}, {}, "--db-pool-size '0': expected an integer in 1..100"},
        BadCase{
            {{"db-pool-timeout", "-1"}}, {}, "--db-pool-timeout '-1': expected seconds in 0..60"},
        BadCase{{{"db-pool-timeout", "1s"}}, {}, "--db-pool-timeout '1s'"},
        BadCase{{{"db-pool-timeout", "nan"}}, {}, "--db-pool-timeout 'nan'"},
        BadCase{{{"drain-timeout", "-1"}}, {}, "--drain-timeout '-1': expected seconds in 0..600"},
        BadCase{{}, {{"SRE_LAB_DRAIN_TIMEOUT", "5s"}}, "SRE_LAB_DRAIN_TIMEOUT '5s'"},
        BadCase{{{"db-query-timeout", "0"}},
                {},
                "--db-query-timeout '0': expected seconds in 0.01..600"},
        BadCase{{{"db-connect-timeout", "61"}},
                {},
                "--db-connect-timeout '61': expected seconds in 0.01..60"},
        BadCase{{{"redis-connect-timeout", "soon"}}, {}, "--redis-connect-timeout 'soon'"},
        BadCase{{{"cache-ttl", "0"}}, {}, "--cache-ttl '0': expected an integer in 1..86400"},
        BadCase{{{"cache-ttl", ""}}, {}, "--cache-ttl ''"},
        BadCase{{{"redis-url", "http://x"}}, {}, "--redis-url 'http://x'"},
        BadCase{{}, {{"REDIS_URL", "redis://h:99999/0"}}, "REDIS_URL 'redis://h:99999/0'"},
        BadCase{{{"redis-url", "redis://h:6379/16"}}, {}, "db in 0..15"},
        BadCase{{}, {{"DATABASE_URL", "postgresql://[broken"}}, "DATABASE_URL"},
        BadCase{{{"database-url", "host=x bogus_key=1"}}, {}, "--database-url"},
        BadCase{{{"body-limit", "99999999999"}}, {}, "--body-limit"},
        BadCase{{},
                {{"DD_DOGSTATSD_URL", "tcp://agent:8125"}},
                "DD_DOGSTATSD_URL 'tcp://agent:8125': expected udp://HOST[:PORT] or unix:///PATH"},
        BadCase{{{"dogstatsd", "maybe"}}, {}, "--dogstatsd 'maybe': expected on or off"},
        BadCase{{}, {{"DD_TRACE_AGENT_URL", "unix://apm.socket"}}, "DD_TRACE_AGENT_URL"},
        BadCase{{{"replica", "17"}}, {}, "--replica '17': expected an integer in 1..16"},
        BadCase{{{"allowed-host", "lab.internal:8000"}},
                {},
                "invalid --allowed-host 'lab.internal:8000': expected host names (or IP "
                "addresses) without port"},
        BadCase{{{"allowed-host", "a,,b"}}, {}, "--allowed-host 'a,,b'"},
        BadCase{{{"allowed-host", "a b"}}, {}, "--allowed-host 'a b'"},
        BadCase{{{"allowed-host", "user@lab"}}, {}, "--allowed-host 'user@lab'"},
        BadCase{
            {}, {{"SRE_LAB_ALLOWED_HOSTS", "ok,http://x"}}, "SRE_LAB_ALLOWED_HOSTS 'ok,http://x'"},
        BadCase{{{"gateway-url", "https://127.0.0.1:8080"}},
                {},
                "--gateway-url 'https://127.0.0.1:8080': expected http://HOST:PORT"}));

}  // namespace
}  // namespace srelab::app
