// SimTarget's answers to the dependency faults the twin does not model: POST /chaos/dependency
// is checked as the service checks it (422 naming the field) and then refused with 409 saying
// why, as a service without `up` refuses it; GET /chaos/dependency says nothing is supervised.
// Its resets answer as the service's do, and restore what a fresh twin has; its seeds stay
// below 2^53.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>

#include "sim/sim_target.hpp"

namespace srelab::sim {
namespace {

constexpr const char* kUrl = "http://127.0.0.1:8000/chaos/dependency";

TEST(SimTarget, RefusesDependencyFaultsSayingTheTwinDoesNotModelThem) {
  SimTarget twin(Scenario{}, 0);
  const http::HttpAnswer refused = twin.send("POST", kUrl, {}, R"({"redis": "pause"})", 1);
  EXPECT_EQ(refused.status, 409);
  const auto body = boost::json::parse(refused.body);
  EXPECT_NE(std::string(body.at("detail").as_string()).find("does not model dependency faults"),
            std::string::npos)
      << refused.body;
}

TEST(SimTarget, ABadDependencyOrderGetsTheServicesOwnError) {
  SimTarget twin(Scenario{}, 0);
  const http::HttpAnswer bad = twin.send("POST", kUrl, {}, R"({"redis": "restart"})", 1);
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("redis"), std::string::npos) << bad.body;
}

TEST(SimTarget, NothingIsSupervised) {
  SimTarget twin(Scenario{}, 0);
  std::string error;
  const auto view = twin.get_json("/chaos/dependency", error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(view.at("supervised"), false) << view;
}

boost::json::value post(SimTarget& twin, std::string_view path, std::string body = {}) {
  const http::HttpAnswer answer =
      twin.send("POST", "http://127.0.0.1:8000" + std::string(path), {}, std::move(body), 1);
  EXPECT_EQ(answer.status, 200) << path << ": " << answer.body;
  return boost::json::parse(answer.body);
}

boost::json::value get(SimTarget& twin, std::string_view path) {
  std::string error;
  boost::json::value view = twin.get_json(path, error);
  EXPECT_EQ(error, "");
  return view;
}

TEST(SimTarget, LabResetRestoresWhatAFreshTwinHasAndSaysWhat) {
  SimTarget fresh(Scenario{}, 0), twin(Scenario{}, 0);
  post(twin, "/chaos/configure", R"({"db_failure_rate": 1, "seed": 7})");
  const auto configured =
      post(twin, "/resilience/configure", R"({"window_size": 4, "minimum_calls": 2})");
  EXPECT_EQ(configured.at("changed").at("window_size"),
            boost::json::parse(R"({"old": 10, "new": 4})"));
  EXPECT_EQ(configured.at("more"), "/resilience");
  post(twin, "/chaos/leak", R"({"mb": 3})");

  const auto reset = post(twin, "/lab/reset");
  EXPECT_EQ(reset.at("reset"),
            boost::json::parse(R"(["chaos", "resilience", "cache", "stale_copies", "leak"])"));
  EXPECT_EQ(reset.at("chaos").at("changed").at("seed"),
            boost::json::parse(R"({"old": 7, "new": null})"));
  EXPECT_EQ(reset.at("resilience").at("changed").at("window_size"),
            boost::json::parse(R"({"old": 4, "new": 10})"));
  EXPECT_EQ(reset.at("leak").at("freed_mb"), 3);
  EXPECT_EQ(get(twin, "/chaos"), get(fresh, "/chaos"));
  EXPECT_EQ(get(twin, "/resilience").at("settings"), get(fresh, "/resilience").at("settings"));
}

TEST(SimTarget, ResilienceResetRestoresTheSettingsAndSaysWhichChanged) {
  SimTarget twin(Scenario{}, 0);
  post(twin, "/resilience/configure", R"({"mode": "forced_open", "open_wait_s": 3})");
  const auto reset = post(twin, "/resilience/reset");
  EXPECT_EQ(reset.at("settings").at("mode"), "normal");
  EXPECT_EQ(reset.at("circuit_breaker").at("state"), "CLOSED");
  EXPECT_TRUE(reset.at("circuit_breaker").at("transitions").as_array().empty());
  const auto& changed = reset.at("changed").as_object();
  EXPECT_TRUE(changed.contains("mode") && changed.contains("open_wait_s") &&
              changed.contains("circuit_breaker.state"))
      << reset;
  EXPECT_NE(std::find(reset.at("reset").as_array().begin(), reset.at("reset").as_array().end(),
                      boost::json::value("circuit_breaker.rejected_calls")),
            reset.at("reset").as_array().end());
}

TEST(SimTarget, TheBulkTestsDrawnSeedIsBelowTwoToThe53) {
  Scenario scenario;
  scenario.seed = ~std::uint64_t{0} >> 1;  // 2^63 - 1: the old largest, folded
  SimTarget twin(scenario, 0);
  for (int i = 0; i < 3; ++i) {
    std::string error;
    const auto answer = twin.get_json("/products/bulk/test?requests=1", error);
    ASSERT_EQ(error, "");
    const auto seed = answer.at("summary").at("seed").to_number<std::uint64_t>();
    EXPECT_LT(seed, std::uint64_t{1} << 53) << answer;
  }
}

}  // namespace
}  // namespace srelab::sim
