// The console's options: on by default with bounds well under 100 MB, SRE_LAB_CONSOLE=off, the
// bounds from flags, and a bad value named with its range.
#include <gtest/gtest.h>

#include "app/serve_config.hpp"

namespace srelab::app {
namespace {

using Flags = std::map<std::string, std::string, std::less<>>;

EnvLookup env_of(std::map<std::string, std::string, std::less<>> env) {
  return [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

result<ServeConfig> finalize(Flags flags, std::map<std::string, std::string, std::less<>> env,
                             std::string& error) {
  OptionValues values(serve_options(), std::move(flags), env_of(std::move(env)));
  auto config = finalize_serve_config(values);
  error = values.error();
  return config;
}

TEST(ConsoleConfig, OnByDefaultAndBoundedWellUnder100MB) {
  std::string error;
  const auto config = finalize({}, {}, error);
  ASSERT_TRUE(config) << error;
  const ConsoleConfig& console = config->console;
  EXPECT_TRUE(console.enabled);
  EXPECT_EQ(console.settings.traces.max_traces, 1000u);
  EXPECT_EQ(console.settings.traces.max_bytes, 32u << 20);
  EXPECT_EQ(console.settings.logs.max_records, 5000u);
  const std::size_t total = console.settings.traces.max_bytes + console.settings.logs.max_bytes;
  EXPECT_LT(total, 50u << 20);
}

TEST(ConsoleConfig, OffByEnvironmentAndBoundsByFlags) {
  std::string error;
  const auto config =
      finalize({{"console-traces", "200"}, {"console-trace-mb", "4"}, {"console-logs", "300"}},
               {{"SRE_LAB_CONSOLE", "off"}}, error);
  ASSERT_TRUE(config) << error;
  EXPECT_FALSE(config->console.enabled);
  EXPECT_EQ(config->console.settings.traces.max_traces, 200u);
  EXPECT_EQ(config->console.settings.traces.max_bytes, 4u << 20);
  EXPECT_EQ(config->console.settings.traces.error_traces, 20u);
  EXPECT_EQ(config->console.settings.traces.slow_traces, 10u);
  EXPECT_EQ(config->console.settings.logs.max_records, 300u);
}

TEST(ConsoleConfig, BadValuesNameTheOptionAndRange) {
  struct Case {
    Flags flags;
    const char* expected;
  };
  for (const Case& bad : {
           Case{{{"console", "maybe"}}, "--console"},
           Case{{{"console-traces", "5"}}, "--console-traces"},
           Case{{{"console-traces", "100001"}}, "--console-traces"},
           Case{{{"console-trace-mb", "0"}}, "--console-trace-mb"},
           Case{{{"console-trace-mb", "2048"}}, "--console-trace-mb"},
           Case{{{"console-logs", "many"}}, "--console-logs"},
       }) {
    std::string error;
    EXPECT_FALSE(finalize(bad.flags, {}, error));
    EXPECT_NE(error.find(bad.expected), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace srelab::app
