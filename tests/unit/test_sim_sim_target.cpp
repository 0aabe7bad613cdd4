// SimTarget's answers to the dependency faults the twin does not model: POST /chaos/dependency
// is checked as the service checks it (422 naming the field) and then refused with 409 saying
// why, as a service without `up` refuses it; GET /chaos/dependency says nothing is supervised.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "sim/sim_target.hpp"

namespace srelab::sim {
namespace {

constexpr const char* kUrl = "http://127.0.0.1:8000/chaos/dependency";

TEST(SimTarget, RefusesDependencyFaultsSayingTheTwinDoesNotModelThem) {
  SimTarget twin(Scenario{}, 0);
  const experiment::HttpAnswer refused = twin.send("POST", kUrl, {}, R"({"redis": "pause"})", 1);
  EXPECT_EQ(refused.status, 409);
  const auto body = boost::json::parse(refused.body);
  EXPECT_NE(std::string(body.at("detail").as_string()).find("does not model dependency faults"),
            std::string::npos)
      << refused.body;
}

TEST(SimTarget, ABadDependencyOrderGetsTheServicesOwnError) {
  SimTarget twin(Scenario{}, 0);
  const experiment::HttpAnswer bad = twin.send("POST", kUrl, {}, R"({"redis": "restart"})", 1);
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

}  // namespace
}  // namespace srelab::sim
