// The admin answers that say what changed and what a reset restored (catalog/admin_answers.hpp):
// old → new per changed key only, every restored key listed, the configure answer without the
// breaker's history, and /lab/reset naming each part.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "catalog/admin_answers.hpp"

namespace srelab::catalog {
namespace {

boost::json::object object_of(std::string_view text) {
  return boost::json::parse(text).as_object();
}

TEST(AdminAnswersChanges, NamesOnlyTheKeysThatDifferWithOldAndNew) {
  const auto changed = changes(object_of(R"({"a": 1, "b": "x", "c": null})"),
                               object_of(R"({"a": 2, "b": "x", "c": 7, "d": true})"));
  EXPECT_EQ(changed, object_of(R"({"a": {"old": 1, "new": 2}, "c": {"old": null, "new": 7},
                                    "d": {"old": null, "new": true}})"))
      << boost::json::serialize(changed);
}

TEST(AdminAnswersChanges, NothingChangedIsAnEmptyObject) {
  const auto same = object_of(R"({"a": 1, "b": [1, 2]})");
  EXPECT_TRUE(changes(same, same).empty());
}

TEST(AdminAnswersWithReset, ListsEveryRestoredKeyAndKeepsTheDocument) {
  const auto answer = with_reset(object_of(R"({"settings": {}})"), object_of(R"({"a": 5, "b": 0})"),
                                 object_of(R"({"a": 0, "b": 0})"));
  EXPECT_TRUE(answer.contains("settings")) << "the document's own fields stay for its readers";
  EXPECT_EQ(answer.at("reset"), boost::json::parse(R"(["a", "b"])"));
  EXPECT_EQ(answer.at("changed"), boost::json::parse(R"({"a": {"old": 5, "new": 0}})"));
}

TEST(AdminAnswersResilienceFacts, HasTheSettingsKeysAndTheBreakersCounters) {
  resilience::BreakerSnapshot breaker{};
  breaker.state = resilience::BreakerState::open;
  breaker.window.resize(3);
  breaker.rejected_calls = 8;
  breaker.transitions.resize(2);
  resilience::ResilienceSettings settings;
  settings.breaker.window_size = 4;
  const auto facts = resilience_facts(breaker, settings);
  EXPECT_EQ(facts.at("window_size"), 4);
  EXPECT_EQ(facts.at("mode"), "normal");
  EXPECT_EQ(facts.at("circuit_breaker.state"), "OPEN");
  EXPECT_EQ(facts.at("circuit_breaker.calls_in_window"), 3);
  EXPECT_EQ(facts.at("circuit_breaker.rejected_calls"), 8);
  EXPECT_EQ(facts.at("circuit_breaker.transitions"), 2);
}

TEST(AdminAnswersResilienceConfigure, SaysWhatChangedAndPointsToTheRest) {
  resilience::ResilienceSettings before, after;
  after.mode = resilience::BreakerMode::forced_open;
  after.db_pool_timeout = std::chrono::milliseconds(0);
  const auto answer =
      resilience_configure_answer(before, after, resilience::BreakerState::forced_open);
  EXPECT_EQ(answer.at("changed"), boost::json::parse(R"({
      "mode": {"old": "normal", "new": "forced_open"},
      "db_pool_timeout_s": {"old": 1.0, "new": 0.0}})"))
      << boost::json::serialize(answer);
  EXPECT_EQ(answer.at("settings").at("mode"), "forced_open");
  EXPECT_EQ(answer.at("circuit_breaker"),
            boost::json::parse(R"({"state": "OPEN", "forced": true})"));
  EXPECT_EQ(answer.at("more"), "/resilience");
  EXPECT_LT(boost::json::serialize(answer).size(), 1024u) << "no window, no history";
}

TEST(AdminAnswersLabReset, NamesEachPartAndWhatItFound) {
  LabReset reset;
  reset.chaos_before = object_of(R"({"db_failure_rate": 1, "seed": 7})");
  reset.chaos_after = object_of(R"({"db_failure_rate": 0, "seed": null})");
  reset.resilience_before = object_of(R"({"window_size": 4, "circuit_breaker.state": "OPEN"})");
  reset.resilience_after = object_of(R"({"window_size": 10, "circuit_breaker.state": "CLOSED"})");
  reset.cache_keys_removed = 6;
  reset.stale_copies_removed_in_process = 3;
  reset.leak_freed_bytes = std::size_t{20} << 20;
  const auto answer = lab_reset_answer(reset);
  EXPECT_EQ(answer.at("reset"),
            boost::json::parse(R"(["chaos", "resilience", "cache", "stale_copies", "leak"])"));
  EXPECT_EQ(answer.at("chaos").at("reset"), boost::json::parse(R"(["db_failure_rate", "seed"])"));
  EXPECT_EQ(answer.at("chaos").at("changed").at("seed"),
            boost::json::parse(R"({"old": 7, "new": null})"));
  EXPECT_EQ(answer.at("resilience").at("changed").at("circuit_breaker.state"),
            boost::json::parse(R"({"old": "OPEN", "new": "CLOSED"})"));
  EXPECT_EQ(answer.at("cache"), boost::json::parse(R"({"removed": 6, "include_stale": true,
                                                       "stale_copies_removed_in_process": 3})"));
  EXPECT_EQ(answer.at("leak"), boost::json::parse(R"({"freed_mb": 20, "size_mb": 0})"));
}

}  // namespace
}  // namespace srelab::catalog
