// POST/GET /chaos/dependency without sockets: the body's validation (422 naming the key), the
// standalone service's answers (409 for POST, {"supervised": false} for GET), and a controller's
// answers and refusals passed through as HTTP.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include "catalog/dependency_faults.hpp"

namespace srelab::catalog {
namespace {

http::Response run(boost::asio::awaitable<http::Response> handler) {
  boost::asio::io_context io;
  http::Response response;
  boost::asio::co_spawn(io, std::move(handler), [&](std::exception_ptr error, http::Response r) {
    if (error) std::rethrow_exception(error);
    response = std::move(r);
  });
  io.run();
  return response;
}

boost::json::object body_of(const http::Response& response) {
  return boost::json::parse(response.body()).as_object();
}

// Answers what it was given, and remembers the last order.
class FakeController final : public DependencyController {
 public:
  boost::asio::awaitable<DependencyAnswer> act(const DependencyOrder& order) override {
    last = order;
    co_return answer;
  }
  boost::asio::awaitable<DependencyAnswer> status() override { co_return answer; }

  DependencyAnswer answer;
  std::optional<DependencyOrder> last;
};

TEST(DependencyBody, ReadsEachDependencyAndTheGuardrail) {
  FieldError error;
  const auto order =
      parse_dependency_body(R"({"postgres":"stop","redis":"kill","duration_s":5})", error);
  ASSERT_TRUE(order) << error.detail;
  ASSERT_EQ(order->actions.size(), 2u);
  EXPECT_EQ(order->actions[0], std::make_pair(std::string("redis"), std::string("kill")));
  EXPECT_EQ(order->actions[1], std::make_pair(std::string("postgres"), std::string("stop")));
  EXPECT_EQ(order->duration_s, 5.0);
}

struct BadBody {
  const char* body;
  const char* key;
};

class DependencyBadBodies : public ::testing::TestWithParam<BadBody> {};

TEST_P(DependencyBadBodies, Answer422NamingTheKey) {
  FakeController controller;
  const auto response = run(act_on_dependency(&controller, GetParam().body));
  EXPECT_EQ(response.result(), http::Status::unprocessable_entity) << response.body();
  EXPECT_NE(std::string(body_of(response).at("detail").as_string()).find(GetParam().key),
            std::string::npos)
      << response.body();
  EXPECT_FALSE(controller.last);  // nothing was asked
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, DependencyBadBodies,
    ::testing::Values(BadBody{R"({"redis":"explode"})", "redis"},
                      BadBody{R"({"mysql":"kill"})", "mysql"}, BadBody{R"({})", "redis"},
                      BadBody{R"({"duration_s":5})", "redis"},
                      BadBody{R"({"postgres":1})", "postgres"},
                      BadBody{R"({"redis":"pause","duration_s":0})", "duration_s"},
                      BadBody{R"({"redis":"pause","duration_s":86401})", "duration_s"}));

TEST(DependencyFaults, AStandaloneServiceAnswers409SayingItNeedsUp) {
  const auto response = run(act_on_dependency(nullptr, R"({"redis":"kill"})"));
  EXPECT_EQ(response.result(), http::Status::conflict);
  EXPECT_NE(response.body().find("sre-lab up"), std::string::npos) << response.body();
  const auto status = run(dependency_status(nullptr));
  EXPECT_EQ(status.result(), http::Status::ok);
  EXPECT_EQ(body_of(status).at("supervised"), false);
}

TEST(DependencyFaults, TheControllersAnswersBecomeTheResponse) {
  FakeController controller;
  controller.answer.body = {{"dependencies", {{"redis", {{"state", "paused"}}}}}};
  auto response = run(act_on_dependency(&controller, R"({"redis":"pause","duration_s":2})"));
  EXPECT_EQ(response.result(), http::Status::ok);
  EXPECT_EQ(body_of(response).at("dependencies").at("redis").at("state"), "paused");
  ASSERT_TRUE(controller.last);
  EXPECT_EQ(controller.last->duration_s, 2.0);

  controller.answer = {http::Status::conflict, {}, "redis is stopped: nothing to pause"};
  response = run(act_on_dependency(&controller, R"({"redis":"pause"})"));
  EXPECT_EQ(response.result(), http::Status::conflict);
  EXPECT_EQ(body_of(response).at("detail"), "redis is stopped: nothing to pause");

  controller.answer = {http::Status::service_unavailable, {}, "up does not answer"};
  response = run(dependency_status(&controller));
  EXPECT_EQ(response.result(), http::Status::service_unavailable);
  EXPECT_EQ(body_of(response).at("error"), "Supervisor Unavailable");
}

}  // namespace
}  // namespace srelab::catalog
