// The resets of the real service (real Postgres and Redis): after chaos and resilience are
// configured, the breaker tripped, ids cached and the leak filled, each reset restores exactly
// what it says — compared with what the same service answered fresh — and says so in its
// answer; POST /lab/reset restores all of it and empties the cache (the next lookup is a miss),
// behind the same admin guard as the other admin endpoints. Plus the smaller admin answers
// (configure says what changed) and seeds a JSON reader keeps exact (below 2^53).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "support/service_fixture.hpp"

namespace srelab::app {
namespace {

using namespace srelab::testing;

constexpr std::uint64_t kTwoToThe53 = std::uint64_t{1} << 53;

// JSON equality with numbers compared by value: the answer's 60 reads back as an integer, a
// setting written 60.0 here as a double.
bool same(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_number() && b.is_number()) return a.to_number<double>() == b.to_number<double>();
  if (a.is_object() && b.is_object()) {
    const auto &x = a.as_object(), &y = b.as_object();
    if (x.size() != y.size()) return false;
    for (const auto& field : x)
      if (!y.contains(field.key()) || !same(field.value(), y.at(field.key()))) return false;
    return true;
  }
  return a == b;
}

#define EXPECT_SAME_JSON(actual, expected_text) \
  EXPECT_PRED2(same, actual, boost::json::parse(expected_text))

class ResetsTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    fresh_chaos_ = get("/chaos").json;
    fresh_resilience_ = get("/resilience").json;
  }

  // Everything a learner may have left behind: faults, tuned resilience settings, an open breaker
  // with rejected calls and history, cached ids with stale copies, a leak.
  void mess_up_the_lab() {
    for (int id = 1; id <= 3; ++id) ASSERT_EQ(get("/products/" + std::to_string(id)).status, 200);
    ASSERT_EQ(source_of(get("/products/1")), "cache");
    ASSERT_EQ(post("/chaos/leak", R"({"mb": 5})").status, 200);
    ASSERT_EQ(post("/resilience/configure",
                   R"({"window_size": 4, "minimum_calls": 2, "open_wait_s": 60,
                       "db_pool_timeout_s": 0.5, "fallback_without_copy": "error"})")
                  .status,
              200);
    ASSERT_EQ(post("/chaos/configure",
                   R"({"db_failure_rate": 1, "cache_latency": 0.001, "saturation_ms_per_query": 7,
                       "duration_s": 600, "seed": 9})")
                  .status,
              200);
    for (int id = 100; id < 106; ++id) get("/products/" + std::to_string(id));
    const HttpReply tripped = get("/resilience");
    ASSERT_EQ(tripped.json.at("circuit_breaker").at("state"), "OPEN") << tripped.body;
    ASSERT_GT(tripped.json.at("circuit_breaker").at("rejected_calls").to_number<int>(), 0);
  }

  // The parts of GET /resilience a reset restores: all but the pool's live counts and the
  // stale copies (the cache's, not the breaker's).
  static boost::json::value restorable(const boost::json::value& resilience) {
    return boost::json::object{{"circuit_breaker", resilience.at("circuit_breaker")},
                               {"settings", resilience.at("settings")},
                               {"pool_size", resilience.at("pool").at("size")}};
  }

  static bool lists(const boost::json::value& array, std::string_view item) {
    for (const auto& entry : array.as_array())
      if (entry.is_string() && entry.as_string() == item) return true;
    return false;
  }

  boost::json::value fresh_chaos_, fresh_resilience_;
};

TEST_F(ResetsTest, ChaosResetRestoresEveryChaosSettingAndSaysWhich) {
  mess_up_the_lab();
  const HttpReply reset = post("/chaos/reset");
  ASSERT_EQ(reset.status, 200) << reset.body;
  for (const char* key : {"db_latency", "db_failure_rate", "cache_latency", "cache_failure_rate",
                          "saturation_ms_per_query", "duration_s", "seed"})
    EXPECT_TRUE(lists(reset.json.at("reset"), key)) << key << ": " << reset.body;
  const auto& changed = reset.json.at("changed").as_object();
  EXPECT_SAME_JSON(changed.at("db_failure_rate"), R"({"old": 1, "new": 0})");
  EXPECT_SAME_JSON(changed.at("seed"), R"({"old": 9, "new": null})");
  EXPECT_SAME_JSON(changed.at("saturation_ms_per_query"), R"({"old": 7, "new": 50})");
  EXPECT_FALSE(changed.contains("db_latency")) << "it was at its default";

  const HttpReply chaos = get("/chaos");
  EXPECT_EQ(chaos.json.at("settings"), fresh_chaos_.at("settings")) << chaos.body;
  EXPECT_EQ(chaos.json.at("expires_at"), nullptr);
  EXPECT_EQ(chaos.json.at("leak").at("size_mb"), 5) << "the leak is not a chaos setting";
  EXPECT_EQ(reset.json.at("settings"), chaos.json.at("settings")) << "the answer is the state";
}

TEST_F(ResetsTest, ResilienceResetRestoresTheSettingsAndABreakerAsNew) {
  mess_up_the_lab();
  ASSERT_EQ(post("/chaos/reset").status, 200);
  const HttpReply reset = post("/resilience/reset");
  ASSERT_EQ(reset.status, 200) << reset.body;
  for (const char* key : {"window_size", "mode", "db_pool_timeout_s", "fallback_without_copy",
                          "circuit_breaker.state", "circuit_breaker.rejected_calls",
                          "circuit_breaker.transitions", "circuit_breaker.calls_in_window"})
    EXPECT_TRUE(lists(reset.json.at("reset"), key)) << key << ": " << reset.body;
  const auto& changed = reset.json.at("changed").as_object();
  EXPECT_SAME_JSON(changed.at("window_size"), R"({"old": 4, "new": 10})");
  EXPECT_EQ(changed.at("circuit_breaker.state"),
            boost::json::parse(R"({"old": "OPEN", "new": "CLOSED"})"));
  EXPECT_EQ(changed.at("circuit_breaker.rejected_calls").at("new"), 0);
  EXPECT_EQ(changed.at("circuit_breaker.transitions").at("new"), 0);

  const HttpReply resilience = get("/resilience");
  EXPECT_EQ(restorable(resilience.json), restorable(fresh_resilience_)) << resilience.body;
  EXPECT_EQ(source_of(get("/products/200")), "database") << "the breaker lets calls through";
  EXPECT_EQ(source_of(get("/products/1")), "cache") << "the cache is not the breaker's";
}

TEST_F(ResetsTest, LabResetRestoresAFreshServiceAndEmptiesTheCache) {
  mess_up_the_lab();
  const HttpReply reset = post("/lab/reset");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(reset.json.at("reset"),
            boost::json::parse(R"(["chaos", "resilience", "cache", "stale_copies", "leak"])"));
  EXPECT_EQ(reset.json.at("chaos").at("changed").at("db_failure_rate").at("old"), 1);
  EXPECT_EQ(reset.json.at("resilience").at("changed").at("circuit_breaker.state").at("old"),
            "OPEN");
  EXPECT_GE(reset.json.at("cache").at("removed").to_number<int>(), 3) << reset.body;
  EXPECT_GE(reset.json.at("cache").at("stale_copies_removed_in_process").to_number<int>(), 3);
  EXPECT_EQ(reset.json.at("leak").at("freed_mb"), 5);

  EXPECT_EQ(get("/chaos").json, fresh_chaos_);
  const HttpReply resilience = get("/resilience");
  EXPECT_EQ(restorable(resilience.json), restorable(fresh_resilience_)) << resilience.body;
  EXPECT_EQ(resilience.json.at("stale_copies_in_process"), 0);
  for (int id = 1; id <= 3; ++id)
    EXPECT_EQ(source_of(get("/products/" + std::to_string(id))), "database")
        << id << " was cached before the reset";
}

TEST_F(ResetsTest, LabResetOnAFreshServiceChangesNothing) {
  const HttpReply reset = post("/lab/reset");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_TRUE(reset.json.at("chaos").at("changed").as_object().empty()) << reset.body;
  EXPECT_TRUE(reset.json.at("resilience").at("changed").as_object().empty()) << reset.body;
}

TEST_F(ResetsTest, LabResetIsGuardedLikeTheOtherAdminEndpoints) {
  ASSERT_EQ(post("/chaos/leak", R"({"mb": 1})").status, 200);
  const std::string self = "127.0.0.1:" + std::to_string(service_->port());
  const HttpReply cross_site =
      HttpClient(service_->port())
          .raw("POST /lab/reset HTTP/1.1\r\nHost: " + self +
               "\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(cross_site.status, 403) << cross_site.body;
  const HttpReply rebound =
      HttpClient(service_->port())
          .raw("POST /lab/reset HTTP/1.1\r\nHost: evil.example:" +
               std::to_string(service_->port()) + "\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(rebound.status, 421) << rebound.body;
  EXPECT_EQ(get("/chaos").json.at("leak").at("size_mb"), 1) << "refused, so nothing was reset";
}

TEST_F(ResetsTest, ResilienceConfigureAnswersWhatChangedNotTheHistory) {
  mess_up_the_lab();  // a history of transitions and a full window to leave out
  const HttpReply configured = post("/resilience/configure", R"({"open_wait_s": 30})");
  ASSERT_EQ(configured.status, 200) << configured.body;
  EXPECT_SAME_JSON(configured.json.at("changed"), R"({"open_wait_s": {"old": 60, "new": 30}})");
  EXPECT_EQ(configured.json.at("settings"), get("/resilience").json.at("settings"));
  EXPECT_EQ(configured.json.at("circuit_breaker").at("state"), "OPEN");
  EXPECT_EQ(configured.json.at("more"), "/resilience");
  EXPECT_EQ(configured.body.find("transitions"), std::string::npos) << configured.body;
  EXPECT_LT(configured.body.size(), 1024u) << configured.body;
}

TEST_F(ResetsTest, ChaosConfigureSaysWhatChanged) {
  const HttpReply configured = post("/chaos/configure", R"({"db_latency": 0.5, "seed": 3})");
  ASSERT_EQ(configured.status, 200) << configured.body;
  EXPECT_SAME_JSON(configured.json.at("changed"),
                   R"({"db_latency": {"old": 0, "new": 0.5}, "seed": {"old": null, "new": 3}})");
  EXPECT_EQ(configured.json.at("settings").at("db_latency"), 0.5) << "the state, as before";
}

TEST_F(ResetsTest, SeedsStayBelowTwoToThe53) {
  for (int i = 0; i < 3; ++i) {
    const HttpReply bulk = get("/products/bulk/test?requests=1");
    ASSERT_EQ(bulk.status, 200) << bulk.body;
    EXPECT_LT(bulk.json.at("summary").at("seed").to_number<std::uint64_t>(), kTwoToThe53)
        << "a drawn seed a JSON reader would round: " << bulk.body.substr(0, 300);
  }
  const HttpReply largest = post("/chaos/configure", R"({"seed": 9007199254740991})");
  ASSERT_EQ(largest.status, 200) << largest.body;
  EXPECT_EQ(largest.json.at("settings").at("seed").to_number<std::uint64_t>(), kTwoToThe53 - 1);
  const HttpReply over = post("/chaos/configure", R"({"seed": 9007199254740992})");
  EXPECT_EQ(over.status, 422) << over.body;
  EXPECT_EQ(field(over, "key"), "seed");
  const HttpReply bulk_over = get("/products/bulk/test?requests=1&seed=9007199254740992");
  EXPECT_EQ(bulk_over.status, 422) << bulk_over.body;
  EXPECT_NE(bulk_over.body.find("seed"), std::string::npos);
}

}  // namespace
}  // namespace srelab::app
