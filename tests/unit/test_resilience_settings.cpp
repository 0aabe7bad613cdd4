// POST /resilience/configure bodies: merged into the current settings like the chaos settings;
// minimum_calls is judged against the merged window_size; to_json round-trips.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "resilience/resilience_settings.hpp"

namespace srelab::resilience {
namespace {

using namespace std::chrono_literals;

ResilienceSettings configured() {
  ResilienceSettings s;
  s.breaker.window_size = 20;
  s.breaker.minimum_calls = 8;
  s.breaker.failure_rate_threshold = 0.4;
  s.breaker.slow_call_rate_threshold = 0.8;
  s.breaker.slow_call_duration = 1500ms;
  s.breaker.open_wait = 5s;
  s.breaker.half_open_calls = 2;
  s.mode = BreakerMode::disabled;
  s.db_pool_timeout = 250ms;
  s.fallback_enabled = false;
  s.fallback_without_copy = FallbackWithoutCopy::error;
  return s;
}

void expect_same(const ResilienceSettings& a, const ResilienceSettings& b) {
  EXPECT_EQ(a.breaker.window_size, b.breaker.window_size);
  EXPECT_EQ(a.breaker.minimum_calls, b.breaker.minimum_calls);
  EXPECT_EQ(a.breaker.failure_rate_threshold, b.breaker.failure_rate_threshold);
  EXPECT_EQ(a.breaker.slow_call_rate_threshold, b.breaker.slow_call_rate_threshold);
  EXPECT_EQ(a.breaker.slow_call_duration, b.breaker.slow_call_duration);
  EXPECT_EQ(a.breaker.open_wait, b.breaker.open_wait);
  EXPECT_EQ(a.breaker.half_open_calls, b.breaker.half_open_calls);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.db_pool_timeout, b.db_pool_timeout);
  EXPECT_EQ(a.fallback_enabled, b.fallback_enabled);
  EXPECT_EQ(a.fallback_without_copy, b.fallback_without_copy);
}

std::optional<ResilienceSettings> merge(const ResilienceSettings& current, std::string_view body) {
  FieldError error;
  auto merged = merge_resilience_settings(current, body, error);
  EXPECT_TRUE(merged) << body << ": " << error.detail;
  return merged;
}

TEST(ResilienceSettings, EveryKeyIsRead) {
  auto merged = merge(ResilienceSettings{}, R"({
      "failure_rate_threshold": 0.4, "slow_call_rate_threshold": 0.8,
      "slow_call_duration_s": 1.5, "open_wait_s": 5, "window_size": 20, "minimum_calls": 8,
      "half_open_calls": 2, "mode": "disabled", "db_pool_timeout_s": 0.25,
      "fallback_enabled": false, "fallback_without_copy": "error"})");
  ASSERT_TRUE(merged);
  expect_same(*merged, configured());
}

TEST(ResilienceSettings, PartialUpdateKeepsTheOtherKeys) {
  auto merged = merge(configured(), R"({"open_wait_s": 0.5, "mode": "forced_open"})");
  ASSERT_TRUE(merged);
  ResilienceSettings expected = configured();
  expected.breaker.open_wait = 500ms;
  expected.mode = BreakerMode::forced_open;
  expect_same(*merged, expected);
}

TEST(ResilienceSettings, EmptyBodyChangesNothing) {
  for (std::string_view body : {"", "{}"}) {
    auto merged = merge(configured(), body);
    ASSERT_TRUE(merged);
    expect_same(*merged, configured());
  }
}

TEST(ResilienceSettings, EachModeIsRead) {
  EXPECT_EQ(merge(configured(), R"({"mode": "normal"})")->mode, BreakerMode::normal);
  EXPECT_EQ(merge(configured(), R"({"mode": "forced_open"})")->mode, BreakerMode::forced_open);
  EXPECT_EQ(merge(ResilienceSettings{}, R"({"mode": "disabled"})")->mode, BreakerMode::disabled);
}

// The guide's Part 4.2 answers 200 without a stale copy; "error" is the way back to the 503.
TEST(ResilienceSettings, WithoutACopyTheFallbackAnswersAnEmergencyRecordUnlessSetToError) {
  EXPECT_EQ(ResilienceSettings{}.fallback_without_copy, FallbackWithoutCopy::emergency);
  EXPECT_EQ(
      merge(ResilienceSettings{}, R"({"fallback_without_copy": "error"})")->fallback_without_copy,
      FallbackWithoutCopy::error);
  EXPECT_EQ(merge(configured(), R"({"fallback_without_copy": "emergency"})")->fallback_without_copy,
            FallbackWithoutCopy::emergency);
}

TEST(ResilienceSettings, BoundsAreAccepted) {
  auto low = merge(configured(), R"({
      "failure_rate_threshold": 0.001, "slow_call_rate_threshold": 1e-9,
      "slow_call_duration_s": 0.001, "open_wait_s": 0.001, "window_size": 1,
      "minimum_calls": 1, "half_open_calls": 1, "db_pool_timeout_s": 0})");
  ASSERT_TRUE(low);
  EXPECT_EQ(low->breaker.slow_call_duration, 1ms);
  EXPECT_EQ(low->breaker.open_wait, 1ms);
  EXPECT_EQ(low->breaker.window_size, 1u);
  EXPECT_EQ(low->db_pool_timeout, 0ms);
  auto high = merge(configured(), R"({
      "failure_rate_threshold": 1, "slow_call_rate_threshold": 1, "slow_call_duration_s": 600,
      "open_wait_s": 3600, "window_size": 1000, "minimum_calls": 1000, "half_open_calls": 100,
      "db_pool_timeout_s": 60})");
  ASSERT_TRUE(high);
  EXPECT_EQ(high->breaker.slow_call_duration, 600s);
  EXPECT_EQ(high->breaker.open_wait, 3600s);
  EXPECT_EQ(high->breaker.minimum_calls, 1000u);
  EXPECT_EQ(high->breaker.half_open_calls, 100u);
  EXPECT_EQ(high->db_pool_timeout, 60s);
}

// minimum_calls ≤ window_size holds for the merged pair, whichever of the two the body sets.
TEST(ResilienceSettings, MinimumCallsMayEqualTheMergedWindow) {
  auto merged = merge(configured(), R"({"minimum_calls": 20})");  // window_size 20 stays
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->breaker.minimum_calls, 20u);
  merged = merge(configured(), R"({"window_size": 8})");  // minimum_calls 8 stays
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->breaker.window_size, 8u);
  merged = merge(configured(), R"({"window_size": 3, "minimum_calls": 3})");
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->breaker.window_size, 3u);
  EXPECT_EQ(merged->breaker.minimum_calls, 3u);
  merged = merge(configured(), R"({"window_size": 500, "minimum_calls": 400})");
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->breaker.minimum_calls, 400u);
}

TEST(ResilienceSettings, ToJsonHasTheApiKeys) {
  const boost::json::object json = to_json(configured());
  EXPECT_EQ(json.size(), 11u);
  EXPECT_EQ(json.at("failure_rate_threshold").as_double(), 0.4);
  EXPECT_EQ(json.at("slow_call_rate_threshold").as_double(), 0.8);
  EXPECT_EQ(json.at("slow_call_duration_s").as_double(), 1.5);
  EXPECT_EQ(json.at("open_wait_s").as_double(), 5);
  EXPECT_EQ(json.at("window_size").to_number<int>(), 20);
  EXPECT_EQ(json.at("minimum_calls").to_number<int>(), 8);
  EXPECT_EQ(json.at("half_open_calls").to_number<int>(), 2);
  EXPECT_EQ(json.at("mode").as_string(), "disabled");
  EXPECT_EQ(json.at("db_pool_timeout_s").as_double(), 0.25);
  EXPECT_EQ(json.at("fallback_enabled").as_bool(), false);
  EXPECT_EQ(json.at("fallback_without_copy").as_string(), "error");
  EXPECT_EQ(to_json(ResilienceSettings{}).at("fallback_without_copy").as_string(), "emergency");
}

TEST(ResilienceSettings, ToJsonRoundTrips) {
  ResilienceSettings forced = configured();
  forced.mode = BreakerMode::forced_open;
  forced.breaker.slow_call_duration = 1234567us;
  for (const ResilienceSettings& settings : {ResilienceSettings{}, configured(), forced}) {
    auto back = merge(ResilienceSettings{}, boost::json::serialize(to_json(settings)));
    ASSERT_TRUE(back);
    expect_same(*back, settings);
  }
}

constexpr auto kBody = FieldError::Kind::body;    // answered 400
constexpr auto kField = FieldError::Kind::field;  // answered 422

struct BadCase {
  std::string_view body;
  FieldError::Kind kind;
  std::string_view key;
  std::string_view detail_has;
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.body;
}

class ResilienceSettingsBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ResilienceSettingsBad, RejectsTheWholeBodyAndNamesTheKey) {
  FieldError error;
  auto merged = merge_resilience_settings(configured(), GetParam().body, error);
  EXPECT_FALSE(merged) << "accepted " << GetParam().body;
  EXPECT_EQ(error.kind, GetParam().kind);
  EXPECT_EQ(error.key, GetParam().key);
  EXPECT_NE(error.detail.find(GetParam().detail_has), std::string::npos) << error.detail;
}

// configured() has window_size 20 and minimum_calls 8.
INSTANTIATE_TEST_SUITE_P(
    Table, ResilienceSettingsBad,
    ::testing::Values(
        BadCase{"{\"mode\": ", kBody, "", "body must be a JSON object"},
        BadCase{R"(["normal"])", kBody, "", "body must be a JSON object, got an array"},
        BadCase{R"({"mode": "normal", "timeout": 1})", kField, "timeout",
                "unknown key \"timeout\""},
        BadCase{R"({"failure_rate_threshold": 0})", kField, "failure_rate_threshold",
                "failure_rate_threshold must be a number above 0 and at most 1, got 0"},
        BadCase{R"({"failure_rate_threshold": 1.01})", kField, "failure_rate_threshold",
                "got 1.01"},
        BadCase{R"({"slow_call_rate_threshold": "0.5"})", kField, "slow_call_rate_threshold",
                "got a string"},
        BadCase{R"({"slow_call_duration_s": 0.0009})", kField, "slow_call_duration_s",
                "slow_call_duration_s must be a number in 0.001..600, got 0.0009"},
        BadCase{R"({"slow_call_duration_s": 601})", kField, "slow_call_duration_s", "got 601"},
        BadCase{R"({"open_wait_s": 0})", kField, "open_wait_s", "in 0.001..3600, got 0"},
        BadCase{R"({"open_wait_s": 3600.5})", kField, "open_wait_s", "got 3600.5"},
        BadCase{R"({"open_wait_s": null})", kField, "open_wait_s", "got null"},
        BadCase{R"({"window_size": 0})", kField, "window_size",
                "window_size must be an integer in 1..1000, got 0"},
        BadCase{R"({"window_size": 1001})", kField, "window_size", "got 1001"},
        BadCase{R"({"window_size": 10.5})", kField, "window_size", "got 10.5"},
        BadCase{R"({"window_size": "10"})", kField, "window_size", "got a string"},
        BadCase{R"({"minimum_calls": 0})", kField, "minimum_calls", "got 0"},
        BadCase{R"({"minimum_calls": 21})", kField, "minimum_calls",
                "minimum_calls must be an integer in 1..window_size (20), got 21"},
        BadCase{R"({"window_size": 7})", kField, "window_size",
                "window_size must be at least minimum_calls (8), got 7"},
        BadCase{R"({"window_size": 5, "minimum_calls": 6})", kField, "minimum_calls",
                "in 1..window_size (5), got 6"},
        BadCase{R"({"half_open_calls": 0})", kField, "half_open_calls", "in 1..100, got 0"},
        BadCase{R"({"half_open_calls": 101})", kField, "half_open_calls", "got 101"},
        BadCase{
            R"({"mode": "FORCED_OPEN"})", kField, "mode",
            R"(mode must be one of "normal", "forced_open", "disabled", got a string ("FORCED_OPEN"))"},
        BadCase{R"({"mode": 1})", kField, "mode", "got 1"},
        BadCase{R"({"db_pool_timeout_s": -1})", kField, "db_pool_timeout_s", "in 0..60, got -1"},
        BadCase{R"({"db_pool_timeout_s": 1e999})", kField, "db_pool_timeout_s",
                "got a number out of range"},
        BadCase{R"({"fallback_enabled": "true"})", kField, "fallback_enabled",
                R"(fallback_enabled must be true or false, got a string ("true"))"},
        BadCase{R"({"fallback_enabled": 1})", kField, "fallback_enabled", "got 1"},
        BadCase{R"({"fallback_enabled": null})", kField, "fallback_enabled", "got null"},
        BadCase{
            R"({"fallback_without_copy": "503"})", kField, "fallback_without_copy",
            R"(fallback_without_copy must be one of "emergency", "error", got a string ("503"))"},
        BadCase{R"({"fallback_without_copy": false})", kField, "fallback_without_copy",
                "got false"}));

}  // namespace
}  // namespace srelab::resilience
