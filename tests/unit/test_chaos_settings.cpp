// POST /chaos/configure bodies: merged key by key into the current settings; any bad key rejects
// the whole body (nothing changes) with the key and the accepted range; to_json round-trips.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "chaos/chaos_settings.hpp"

namespace srelab::chaos {
namespace {

// Settings that differ from the defaults everywhere, so an accidental change shows.
ChaosSettings configured() {
  ChaosSettings s;
  s.db_latency_s = 0.25;
  s.db_failure_rate = 0.1;
  s.cache_latency_s = 0.05;
  s.cache_failure_rate = 0.2;
  s.saturation_ms_per_query = 30;
  s.duration_s = 120;
  s.seed = 42;
  return s;
}

TEST(ChaosSettings, EveryKeyIsRead) {
  FieldError error;
  auto merged = merge_chaos_settings(ChaosSettings{}, R"({
      "db_latency": 0.25, "db_failure_rate": 0.1, "cache_latency": 0.05,
      "cache_failure_rate": 0.2, "saturation_ms_per_query": 30, "duration_s": 120, "seed": 42})",
                                     error);
  ASSERT_TRUE(merged) << error.detail;
  EXPECT_EQ(*merged, configured());
}

TEST(ChaosSettings, PartialUpdateKeepsTheOtherKeys) {
  FieldError error;
  auto merged = merge_chaos_settings(configured(), R"({"db_failure_rate": 0.5})", error);
  ASSERT_TRUE(merged) << error.detail;
  ChaosSettings expected = configured();
  expected.db_failure_rate = 0.5;
  EXPECT_EQ(*merged, expected);
}

TEST(ChaosSettings, EmptyBodyOrObjectChangesNothing) {
  for (std::string_view body : {"", "{}", "  \n"}) {
    FieldError error;
    auto merged = merge_chaos_settings(configured(), body, error);
    ASSERT_TRUE(merged) << "[" << body << "] " << error.detail;
    EXPECT_EQ(*merged, configured());
  }
}

TEST(ChaosSettings, NullClearsTheOptionalKeys) {
  FieldError error;
  auto merged = merge_chaos_settings(configured(), R"({"duration_s": null, "seed": null})", error);
  ASSERT_TRUE(merged) << error.detail;
  EXPECT_EQ(merged->duration_s, std::nullopt);
  EXPECT_EQ(merged->seed, std::nullopt);
  EXPECT_EQ(merged->db_latency_s, 0.25);
}

TEST(ChaosSettings, BoundsAreAccepted) {
  FieldError error;
  auto low = merge_chaos_settings(configured(), R"({
      "db_latency": 0, "db_failure_rate": 0, "cache_latency": 0, "cache_failure_rate": 0,
      "saturation_ms_per_query": 0, "duration_s": 0.001, "seed": 0})",
                                  error);
  ASSERT_TRUE(low) << error.detail;
  EXPECT_EQ(low->db_latency_s, 0);
  EXPECT_EQ(low->saturation_ms_per_query, 0);
  EXPECT_EQ(low->duration_s, 0.001);
  EXPECT_EQ(low->seed, 0u);
  auto high = merge_chaos_settings(configured(), R"({
      "db_latency": 60, "db_failure_rate": 1, "cache_latency": 10, "cache_failure_rate": 1.0,
      "saturation_ms_per_query": 10000, "duration_s": 86400, "seed": 9007199254740991})",
                                   error);
  ASSERT_TRUE(high) << error.detail;
  EXPECT_EQ(high->db_latency_s, 60);
  EXPECT_EQ(high->db_failure_rate, 1);
  EXPECT_EQ(high->cache_latency_s, 10);
  EXPECT_EQ(high->cache_failure_rate, 1);
  EXPECT_EQ(high->saturation_ms_per_query, 10000);
  EXPECT_EQ(high->duration_s, 86400);
  EXPECT_EQ(high->seed, 9007199254740991u);  // 2^53 - 1: jq and browsers read it exactly
}

TEST(ChaosSettings, SeedWrittenAsAWholeNumberIsAnInteger) {
  FieldError error;
  auto merged = merge_chaos_settings(configured(), R"({"seed": 7.0})", error);
  ASSERT_TRUE(merged) << error.detail;
  EXPECT_EQ(merged->seed, 7u);
}

TEST(ChaosSettings, ToJsonHasTheApiKeys) {
  const boost::json::object json = to_json(configured());
  EXPECT_EQ(json.size(), 7u);
  EXPECT_EQ(json.at("db_latency").as_double(), 0.25);
  EXPECT_EQ(json.at("db_failure_rate").as_double(), 0.1);
  EXPECT_EQ(json.at("cache_latency").as_double(), 0.05);
  EXPECT_EQ(json.at("cache_failure_rate").as_double(), 0.2);
  EXPECT_EQ(json.at("saturation_ms_per_query").as_double(), 30);
  EXPECT_EQ(json.at("duration_s").as_double(), 120);
  EXPECT_EQ(json.at("seed").to_number<std::uint64_t>(), 42u);
}

TEST(ChaosSettings, ToJsonWritesUnsetOptionalsAsNull) {
  const boost::json::object json = to_json(ChaosSettings{});
  EXPECT_TRUE(json.at("duration_s").is_null());
  EXPECT_TRUE(json.at("seed").is_null());
  EXPECT_EQ(json.at("saturation_ms_per_query").as_double(), 50);
}

TEST(ChaosSettings, ToJsonRoundTrips) {
  ChaosSettings odd = configured();
  odd.db_latency_s = 0.1 + 0.2;  // not a short decimal
  odd.seed = 9007199254740991u;
  for (const ChaosSettings& settings : {ChaosSettings{}, configured(), odd}) {
    FieldError error;
    auto back =
        merge_chaos_settings(configured(), boost::json::serialize(to_json(settings)), error);
    ASSERT_TRUE(back) << error.detail;
    EXPECT_EQ(*back, settings);
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

class ChaosSettingsBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ChaosSettingsBad, RejectsTheWholeBodyAndNamesTheKey) {
  FieldError error;
  auto merged = merge_chaos_settings(configured(), GetParam().body, error);
  EXPECT_FALSE(merged) << "accepted " << GetParam().body;  // so the caller keeps its settings
  EXPECT_EQ(error.kind, GetParam().kind);
  EXPECT_EQ(error.key, GetParam().key);
  EXPECT_NE(error.detail.find(GetParam().detail_has), std::string::npos) << error.detail;
}

// Some bodies also carry a valid key: a rejected body applies no part of itself, since nothing
// comes back. Among several bad keys, the first in the order of the header's fields is reported.
INSTANTIATE_TEST_SUITE_P(
    Table, ChaosSettingsBad,
    ::testing::Values(
        // the body
        BadCase{"{", kBody, "", "body must be a JSON object"},
        BadCase{R"({"db_failure_rate": 0.5} {})", kBody, "", "not valid JSON"},
        BadCase{"db_failure_rate=0.5", kBody, "", "body must be a JSON object"},
        BadCase{R"({"db_failure_rate": 0.5,})", kBody, "", "not valid JSON"},
        BadCase{R"([{"db_failure_rate": 0.5}])", kBody, "",
                "body must be a JSON object, got an array"},
        BadCase{"0.5", kBody, "", "body must be a JSON object, got a number"},
        // keys
        BadCase{R"({"db_failure_rate": 0.5, "db_latency_s": 1})", kField, "db_latency_s",
                "unknown key \"db_latency_s\""},
        BadCase{R"({"DB_LATENCY": 1})", kField, "DB_LATENCY", "unknown key"},
        // types
        BadCase{R"({"db_failure_rate": "0.5"})", kField, "db_failure_rate",
                R"(db_failure_rate must be a number in 0..1, got a string ("0.5"))"},
        BadCase{R"({"db_failure_rate": 0.5, "db_latency": true})", kField, "db_latency",
                "db_latency must be a number in 0..60, got true"},
        BadCase{R"({"db_latency": null})", kField, "db_latency", "got null"},
        BadCase{R"({"cache_failure_rate": null})", kField, "cache_failure_rate", "got null"},
        BadCase{R"({"saturation_ms_per_query": null})", kField, "saturation_ms_per_query",
                "got null"},
        BadCase{R"({"cache_latency": [0.1]})", kField, "cache_latency", "got an array"},
        BadCase{R"({"cache_failure_rate": {"value": 0.1}})", kField, "cache_failure_rate",
                "got an object"},
        BadCase{R"({"duration_s": "60"})", kField, "duration_s", "got a string"},
        BadCase{R"({"seed": "42"})", kField, "seed", "got a string"},
        BadCase{R"({"seed": true})", kField, "seed", "got true"},
        BadCase{R"({"seed": 4.5})", kField, "seed",
                "seed must be null or an integer in 0..9007199254740991, got 4.5"},
        // ranges, each bound
        BadCase{R"({"db_latency": -0.001})", kField, "db_latency",
                "db_latency must be a number in 0..60, got -0.001"},
        BadCase{R"({"db_latency": 60.5})", kField, "db_latency", "got 60.5"},
        BadCase{R"({"db_failure_rate": -0.1})", kField, "db_failure_rate", "in 0..1, got -0.1"},
        BadCase{R"({"db_failure_rate": 1.5})", kField, "db_failure_rate",
                "db_failure_rate must be a number in 0..1, got 1.5"},
        BadCase{R"({"cache_latency": -1})", kField, "cache_latency", "in 0..10, got -1"},
        BadCase{R"({"cache_latency": 10.001})", kField, "cache_latency", "in 0..10, got 10.001"},
        BadCase{R"({"cache_failure_rate": -1e-9})", kField, "cache_failure_rate", "in 0..1"},
        BadCase{R"({"cache_failure_rate": 2})", kField, "cache_failure_rate", "in 0..1, got 2"},
        BadCase{R"({"saturation_ms_per_query": -5})", kField, "saturation_ms_per_query",
                "in 0..10000, got -5"},
        BadCase{R"({"saturation_ms_per_query": 10001})", kField, "saturation_ms_per_query",
                "in 0..10000, got 10001"},
        BadCase{R"({"duration_s": 0})", kField, "duration_s",
                "duration_s must be null or a number above 0 and at most 86400, got 0"},
        BadCase{R"({"duration_s": -10})", kField, "duration_s", "got -10"},
        BadCase{R"({"duration_s": 86401})", kField, "duration_s", "got 86401"},
        BadCase{R"({"seed": -1})", kField, "seed", "got -1"},
        // 2^53 reads back as 2^53 + 1 would: a seed jq or a browser cannot tell apart.
        BadCase{R"({"seed": 9007199254740992})", kField, "seed", "got 9007199254740992"},
        BadCase{R"({"seed": 9007199254740993})", kField, "seed", "got 9007199254740993"},
        BadCase{R"({"db_latency": 1e999})", kField, "db_latency", "got a number out of range"},
        BadCase{R"({"db_failure_rate": -1e999})", kField, "db_failure_rate",
                "got a number out of range"},
        // the first bad key is the one reported
        BadCase{R"({"cache_failure_rate": 3, "db_failure_rate": 2})", kField, "db_failure_rate",
                "got 2"},
        BadCase{R"({"db_failure_rate": 2, "nope": 1})", kField, "nope", "unknown key"}));

}  // namespace
}  // namespace srelab::chaos
