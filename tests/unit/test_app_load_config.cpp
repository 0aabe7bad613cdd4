// `sre-lab load` options: defaults, the two modes, and one error line per bad value that names
// the flag and the accepted form (cli/ prints it and exits 2).
#include <gtest/gtest.h>

#include "app/load_config.hpp"

namespace srelab::app {
namespace {

using Flags = std::map<std::string, std::string, std::less<>>;

EnvLookup no_env() {
  return [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
}

std::string error_of(Flags flags) {
  OptionValues values(load_options(), std::move(flags), no_env());
  const auto config = finalize_load_config(values);
  EXPECT_FALSE(config);
  return values.error();
}

TEST(LoadConfig, DefaultsAreAClosedLoopOnProducts) {
  OptionValues values(load_options(), {}, no_env());
  const auto config = finalize_load_config(values);
  ASSERT_TRUE(config) << values.error();
  const load::LoadPlan& plan = config->plan;
  EXPECT_FALSE(config->target_given);
  EXPECT_EQ(plan.target.text(), "http://127.0.0.1:8080");
  EXPECT_FALSE(plan.open_loop());
  EXPECT_EQ(plan.connections, 64u);
  EXPECT_EQ(plan.max_connections, 256u);
  EXPECT_EQ(plan.duration, std::chrono::seconds(60));
  EXPECT_EQ(plan.ids.text(), "uniform:1-10000");
  EXPECT_EQ(plan.paths.paths().at(0).path, "/products/{id}");
}

TEST(LoadConfig, OpenLoop) {
  OptionValues values(load_options(),
                      Flags{{"rate", "200"},
                            {"duration", "2m"},
                            {"target", "http://localhost:9000"},
                            {"ids", "hot:90%:100:1-10000"},
                            {"path", "/products/{id}:9,/healthz:1"},
                            {"progress", "true"}},
                      no_env());
  const auto config = finalize_load_config(values);
  ASSERT_TRUE(config) << values.error();
  EXPECT_EQ(config->plan.rate, 200);
  EXPECT_EQ(config->plan.duration, std::chrono::minutes(2));
  EXPECT_EQ(config->plan.target.port, 9000);
  EXPECT_TRUE(config->target_given);
  EXPECT_TRUE(config->progress);
  EXPECT_EQ(config->plan.paths.paths().size(), 2u);
}

TEST(LoadConfig, BadValuesNameTheFlagAndTheForm) {
  EXPECT_EQ(error_of({{"rate", "-5"}}),
            "invalid --rate '-5': expected requests per second, a number > 0 and at most 1000000");
  EXPECT_EQ(error_of({{"rate", "0"}}).rfind("invalid --rate '0'", 0), 0u);
  EXPECT_EQ(
      error_of({{"duration", "soon"}}).rfind("invalid --duration 'soon': expected a duration", 0),
      0u);
  EXPECT_EQ(error_of({{"ids", "normal:1-10"}}),
            "invalid --ids 'normal:1-10': expected uniform:LOW-HIGH, zipf:EXPONENT:N "
            "(N <= 1000000) or hot:PERCENT%:COUNT:LOW-HIGH");
  EXPECT_EQ(error_of({{"target", "https://127.0.0.1:8443"}}),
            "invalid --target 'https://127.0.0.1:8443': expected http://HOST:PORT (https is not "
            "supported)");
  EXPECT_EQ(error_of({{"target", "127.0.0.1:80"}}).rfind("invalid --target '127.0.0.1:80'", 0), 0u);
  EXPECT_EQ(error_of({{"path", "healthz"}}).rfind("invalid --path 'healthz'", 0), 0u);
  EXPECT_EQ(error_of({{"connections", "0"}}),
            "invalid --connections '0': expected an integer in 1..100000");
  EXPECT_EQ(error_of({{"rate", "10"}, {"connections", "8"}}).rfind("--connections is for", 0), 0u);
}

// The seed is written to the JSON report: beyond 2^53 - 1, jq would read back another one.
TEST(LoadConfig, SeedsStayBelowTwoToThe53) {
  OptionValues values(load_options(), Flags{{"seed", "9007199254740991"}}, no_env());
  const auto config = finalize_load_config(values);
  ASSERT_TRUE(config) << values.error();
  EXPECT_EQ(config->plan.seed, 9007199254740991u);
  EXPECT_EQ(error_of({{"seed", "9007199254740992"}}),
            "invalid --seed '9007199254740992': expected an integer in 0..9007199254740991");
}

}  // namespace
}  // namespace srelab::app
