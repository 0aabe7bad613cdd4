// The control channel's lines: requests parsed (and refused with a reason), a request written by
// the service's side read back by up's, and the answers and events as JSON.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "lab/control_protocol.hpp"

namespace srelab::lab {
namespace {

boost::json::object json_of(const std::string& line) {
  EXPECT_TRUE(line.ends_with('\n'));
  return boost::json::parse(line).as_object();
}

TEST(ControlProtocol, ReadsAnActWithBothDependenciesAndAGuardrail) {
  std::string error;
  const auto request = parse_control_request(
      R"({"op":"act","postgres":"stop","redis":"pause","duration_s":2.5})", error);
  ASSERT_TRUE(request) << error;
  EXPECT_EQ(request->op, ControlRequest::Op::act);
  ASSERT_EQ(request->orders.size(), 2u);
  EXPECT_EQ(request->orders[0].dependency, "redis");
  EXPECT_EQ(request->orders[0].action, DependencyAction::pause);
  EXPECT_EQ(request->orders[1].dependency, "postgres");
  EXPECT_EQ(request->orders[1].action, DependencyAction::stop);
  EXPECT_EQ(request->duration_s, 2.5);
}

TEST(ControlProtocol, AWrittenRequestReadsBackTheSame) {
  const ControlRequest sent{ControlRequest::Op::act, {{"redis", DependencyAction::kill}}, 3.0};
  std::string error;
  const auto read = parse_control_request(request_line(sent), error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->orders.size(), 1u);
  EXPECT_EQ(read->orders[0].action, DependencyAction::kill);
  EXPECT_EQ(read->duration_s, 3.0);
  EXPECT_EQ(parse_control_request(request_line({ControlRequest::Op::watch, {}, {}}), error)->op,
            ControlRequest::Op::watch);
}

struct BadLine {
  const char* line;
  const char* error_contains;
};

class ControlProtocolBadLines : public ::testing::TestWithParam<BadLine> {};

TEST_P(ControlProtocolBadLines, AreRefusedWithAReason) {
  std::string error;
  EXPECT_FALSE(parse_control_request(GetParam().line, error));
  EXPECT_NE(error.find(GetParam().error_contains), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, ControlProtocolBadLines,
    ::testing::Values(BadLine{"not json", "JSON object"}, BadLine{R"({"redis":"kill"})", "op"},
                      BadLine{R"({"op":"reboot"})", "op"},
                      BadLine{R"({"op":"act"})", "redis or postgres"},
                      BadLine{R"({"op":"act","redis":"explode"})", "redis"},
                      BadLine{R"({"op":"act","mysql":"kill"})", "mysql"},
                      BadLine{R"({"op":"act","redis":"pause","duration_s":0})", "duration_s"},
                      BadLine{R"({"op":"act","redis":"pause","duration_s":86401})", "duration_s"}));

TEST(ControlProtocol, AnActAnswerNamesEachDependencyWithItsActionAndState) {
  ActResult result;
  ChildView redis;
  redis.name = "redis";
  redis.state = ChildState::paused;
  redis.pid = 41;
  redis.reverts_in_s = 2;
  result.dependencies.push_back(redis);
  result.actions.push_back(DependencyAction::pause);
  const auto answer = json_of(act_answer_line(result));
  EXPECT_EQ(answer.at("ok"), true);
  const auto& one = answer.at("dependencies").at("redis").as_object();
  EXPECT_EQ(one.at("action"), "pause");
  EXPECT_EQ(one.at("state"), "paused");
  EXPECT_EQ(one.at("pid"), 41);
  EXPECT_EQ(one.at("reverts_in_s").to_number<double>(), 2.0);
  EXPECT_TRUE(one.at("last_exit").is_null());
}

TEST(ControlProtocol, ARefusalCarriesItsStatusAndDetail) {
  ActResult result;
  result.status = 409;
  result.detail = "redis is stopped: nothing to pause";
  const auto answer = json_of(act_answer_line(result));
  EXPECT_EQ(answer.at("ok"), false);
  EXPECT_EQ(answer.at("status"), 409);
  EXPECT_EQ(answer.at("detail"), "redis is stopped: nothing to pause");
}

TEST(ControlProtocol, TheStatusSeparatesDependenciesFromTheLabsOtherProcesses) {
  ChildView redis;
  redis.name = "redis";
  redis.dependency = true;
  redis.state = ChildState::restarting;
  redis.restarts = 2;
  redis.last_exit = "killed by SIGKILL";
  redis.restart_in_s = 1.5;
  ChildView gateway;
  gateway.name = "gateway";
  gateway.pid = 7;
  const auto answer = json_of(status_answer_line({redis, gateway}));
  EXPECT_EQ(answer.at("supervised"), true);
  const auto& r = answer.at("dependencies").at("redis").as_object();
  EXPECT_EQ(r.at("state"), "restarting");
  EXPECT_EQ(r.at("restarts"), 2);
  EXPECT_EQ(r.at("last_exit"), "killed by SIGKILL");
  EXPECT_EQ(r.at("restart_in_s").to_number<double>(), 1.5);
  EXPECT_TRUE(r.at("pid").is_null());
  EXPECT_EQ(answer.at("processes").at("gateway").at("pid"), 7);
}

TEST(ControlProtocol, AnEventLineNamesTheChildAndWhatHappened) {
  const auto event = json_of(event_line({"redis", "exited", "Redis (pid 4) killed by SIGKILL"}));
  EXPECT_EQ(event.at("event"), "exited");
  EXPECT_EQ(event.at("child"), "redis");
  EXPECT_EQ(event.at("message"), "Redis (pid 4) killed by SIGKILL");
}

}  // namespace
}  // namespace srelab::lab
