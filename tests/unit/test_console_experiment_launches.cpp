// Starting experiments from the console without a process: the shipped list and its titles, the
// request's checks naming their field, the child's arguments, and one run at a time through a
// fake spawner.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "console/experiment_launches.hpp"

namespace srelab::console {
namespace {

const std::vector<ShippedExperiment> kShipped{{"part4-memory-leak", "Part 4.3"},
                                              {"part1-db-latency", "Part 1"}};

TEST(ShippedExperiments, AreTheEmbeddedFilesWithTheirTitles) {
  const auto shipped = shipped_experiments();
  ASSERT_FALSE(shipped.empty());
  EXPECT_TRUE(std::is_sorted(shipped.begin(), shipped.end(),
                             [](const auto& a, const auto& b) { return a.name < b.name; }));
  const auto leak = std::find_if(shipped.begin(), shipped.end(),
                                 [](const auto& item) { return item.name == "part4-memory-leak"; });
  ASSERT_NE(leak, shipped.end());
  EXPECT_EQ(leak->title,
            "Part 4.3: a memory leak — catalog.app.memory_leak_size and RSS climb together");
  for (const auto& item : shipped) EXPECT_FALSE(item.title.empty()) << item.name;
}

TEST(ShippedExperiments, TitleIsTheTopLevelLineUnquoted) {
  EXPECT_EQ(yaml_title("version: 1\ntitle: plain words # a comment\n"), "plain words");
  EXPECT_EQ(yaml_title("title: \"a \\\"quoted\\\" one\" \n"), "a \"quoted\" one");
  EXPECT_EQ(yaml_title("title: 'it''s single'\r\n"), "it's single");
  EXPECT_EQ(yaml_title("steady-state-hypothesis:\n  title: nested\n"), "");
  EXPECT_EQ(yaml_title(""), "");
}

struct BadLaunch {
  const char* body;
  FieldError::Kind kind;
  const char* key;
  const char* detail_part;
};

TEST(LaunchRequest, RefusalsNameTheField) {
  const BadLaunch cases[] = {
      {"[]", FieldError::Kind::body, "", "JSON object"},
      {"{}", FieldError::Kind::field, "name", "got nothing"},
      {R"({"name": "nope"})", FieldError::Kind::field, "name",
       "part4-memory-leak, part1-db-latency"},
      {R"({"name": 3})", FieldError::Kind::field, "name", "shipped experiment"},
      {R"({"name": "part4-memory-leak", "extra": 1})", FieldError::Kind::field, "extra",
       "unknown key"},
      {R"({"name": "part4-memory-leak", "vars": [1]})", FieldError::Kind::field, "vars",
       "must be an object"},
      {R"({"name": "part4-memory-leak", "vars": {"a b": "1"}})", FieldError::Kind::field,
       "vars.a b", "letters, digits"},
      {R"({"name": "part4-memory-leak", "vars": {"k=v": "1"}})", FieldError::Kind::field,
       "vars.k=v", "letters, digits"},
      {R"({"name": "part4-memory-leak", "vars": {"mb": "1\n--allow-remote"}})",
       FieldError::Kind::field, "vars.mb", "one line"},
      {R"({"name": "part4-memory-leak", "vars": {"mb": {"x": 1}}})", FieldError::Kind::field,
       "vars.mb", "a string, a number or a boolean"},
      {R"({"name": "part4-memory-leak", "vars": {"service_url": "http://elsewhere:1"}})",
       FieldError::Kind::field, "vars.service_url", "the console's to set"},
      {R"({"name": "part4-memory-leak", "vars": {"load_url": "http://elsewhere:1"}})",
       FieldError::Kind::field, "vars.load_url", "the console's to set"},
  };
  for (const BadLaunch& c : cases) {
    SCOPED_TRACE(c.body);
    FieldError error;
    EXPECT_FALSE(parse_launch_request(c.body, kShipped, error));
    EXPECT_EQ(error.kind, c.kind);
    EXPECT_EQ(error.key, c.key);
    EXPECT_NE(error.detail.find(c.detail_part), std::string::npos) << error.detail;
  }
}

TEST(LaunchRequest, VarsBecomeTextAndArguments) {
  FieldError error;
  const auto request = parse_launch_request(
      R"({"name": "part4-memory-leak",
          "vars": {"injection_s": "4", "baseline_s": 2, "mb": 0.5, "flag": true}})",
      kShipped, error);
  ASSERT_TRUE(request) << error.detail;
  EXPECT_EQ(request->vars.at("baseline_s"), "2");
  EXPECT_EQ(request->vars.at("mb"), "0.5");
  EXPECT_EQ(request->vars.at("flag"), "true");
  const auto args = launch_arguments(*request, {"http://127.0.0.1:9000", "http://127.0.0.1:9080"});
  const std::vector<std::string> expected{"experiment",
                                          "run",
                                          "part4-memory-leak",
                                          "--var",
                                          "baseline_s=2",
                                          "--var",
                                          "flag=true",
                                          "--var",
                                          "injection_s=4",
                                          "--var",
                                          "mb=0.5",
                                          "--var",
                                          "service_url=http://127.0.0.1:9000",
                                          "--var",
                                          "load_url=http://127.0.0.1:9080",
                                          "--quiet"};
  EXPECT_EQ(args, expected);
  EXPECT_TRUE(
      parse_launch_request(R"({"name": "part1-db-latency", "vars": null})", kShipped, error));
}

// A child that runs until told it exited.
struct FakeChild {
  int starts = 0;
  bool running = false;
  std::string refuse;  // non-empty: start fails with it
  std::vector<std::string> last_args;

  ExperimentSpawner spawner() {
    return {[this](const std::vector<std::string>& args, std::string& error) -> std::optional<int> {
              if (!refuse.empty()) {
                error = refuse;
                return std::nullopt;
              }
              last_args = args;
              running = true;
              return 1000 + ++starts;
            },
            [this] {
              return running ? ChildStatus{true, std::nullopt, {}}
                             : ChildStatus{false, 0, "verdict: held\n"};
            }};
  }
};

TEST(ExperimentLaunches, OneAtATime) {
  ExperimentLaunches launches;
  const LaunchRequest leak{"part4-memory-leak", {{"injection_s", "4"}}};
  EXPECT_FALSE(launches.available());
  EXPECT_EQ(launches.launch(leak, 1000).outcome, ExperimentLaunches::Outcome::unavailable);
  EXPECT_FALSE(launches.last());

  FakeChild child;
  launches.enable(child.spawner(), {"http://127.0.0.1:9000", "http://127.0.0.1:9000"});
  EXPECT_TRUE(launches.available());
  const auto first = launches.launch(leak, 1000);
  EXPECT_EQ(first.outcome, ExperimentLaunches::Outcome::started);
  EXPECT_EQ(first.pid, 1001);
  EXPECT_EQ(child.last_args.at(2), "part4-memory-leak");
  ASSERT_TRUE(launches.last());
  EXPECT_TRUE(launches.last()->status.running);
  EXPECT_EQ(launches.last()->vars.at("injection_s"), "4");
  EXPECT_DOUBLE_EQ(launches.last()->started_ms, 1000);

  const auto busy = launches.launch({"part1-db-latency", {}}, 2000);
  EXPECT_EQ(busy.outcome, ExperimentLaunches::Outcome::busy);
  EXPECT_NE(busy.detail.find("part4-memory-leak"), std::string::npos) << busy.detail;
  EXPECT_EQ(child.starts, 1);

  child.running = false;
  launches.poll();
  EXPECT_FALSE(launches.last()->status.running);
  EXPECT_EQ(launches.last()->status.exit_status, 0);
  EXPECT_EQ(launches.last()->status.output, "verdict: held\n");
  const auto second = launches.launch({"part1-db-latency", {}}, 3000);
  EXPECT_EQ(second.outcome, ExperimentLaunches::Outcome::started);
  EXPECT_EQ(launches.last()->name, "part1-db-latency");

  child.running = false;
  child.refuse = "fork: out of memory";
  const auto failed = launches.launch(leak, 4000);
  EXPECT_EQ(failed.outcome, ExperimentLaunches::Outcome::failed);
  EXPECT_NE(failed.detail.find("fork: out of memory"), std::string::npos);
  EXPECT_EQ(launches.last()->name, "part1-db-latency") << "the last launch that started";
}

}  // namespace
}  // namespace srelab::console
