// Config finalization: flags beat env beats defaults; a bad value names the key and the range.
#include <gtest/gtest.h>

#include <optional>

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
        BadCase{{{"cache-ttl", "0"}}, {}, "--cache-ttl '0': expected an integer in 1..86400"},
        BadCase{{{"cache-ttl", ""}}, {}, "--cache-ttl ''"},
        BadCase{{{"redis-url", "http://x"}}, {}, "--redis-url 'http://x'"},
        BadCase{{}, {{"REDIS_URL", "redis://h:99999/0"}}, "REDIS_URL 'redis://h:99999/0'"},
        BadCase{{{"redis-url", "redis://h:6379/16"}}, {}, "db in 0..15"},
        BadCase{{}, {{"DATABASE_URL", "postgresql://[broken"}}, "DATABASE_URL"},
        BadCase{{{"database-url", "host=x bogus_key=1"}}, {}, "--database-url"},
        BadCase{{{"body-limit", "99999999999"}}, {}, "--body-limit"},
        BadCase{{{"gateway-url", "https://127.0.0.1:8080"}},
                {},
                "--gateway-url 'https://127.0.0.1:8080': expected http://HOST:PORT"}));

}  // namespace
}  // namespace srelab::app
