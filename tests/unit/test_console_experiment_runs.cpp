// ExperimentRuns: the summary read from a journal (title, verdict, phases as wall times, the
// judged probes in the journal's order), the refusals naming their field (or the size limit), the
// bounds (the newest runs, the reports' bytes) and ids that are never reused.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>
#include <string>
#include <variant>

#include "console/experiment_runs.hpp"

namespace srelab::console {
namespace {

// A judged probe record as the runner writes it (CTK's record with the "sre-lab" judgement).
boost::json::object probe(const char* phase, const char* statement, const char* judgement) {
  return {{"activity", {{"type", "probe"}, {"name", statement}}},
          {"status", "succeeded"},
          {"sre-lab",
           {{"phase", phase},
            {"judgement", judgement},
            {"statement", statement},
            {"evidence", std::string("evidence of ") + statement}}}};
}

// A journal trimmed to what the store reads, shaped as `sre-lab experiment run` writes it.
boost::json::object journal(const char* verdict = "held") {
  return {
      {"experiment", {{"title", "Part 4.3: a memory leak"}, {"tags", {"part4", "memory-leak"}}}},
      {"start", "2026-01-01T00:00:00.250000"},
      {"end", "2026-01-01T00:00:21.250000"},
      {"duration", 21.0},
      {"status", "completed"},
      {"steady_states",
       {{"before", {{"probes", {probe("baseline", "the leak is empty", "met")}}}},
        {"after", {{"probes", {probe("recovery", "the leak is empty again", "met")}}}},
        {"during", boost::json::array{}}}},
      {"run",
       {{{"activity", {{"type", "action"}, {"name", "leak a block"}}}, {"status", "succeeded"}},
        probe("injection", "memory climbs", "met")}},
      {"extensions",
       {{{"name", "other"}},
        {{"name", "sre-lab"},
         {"verdict", verdict},
         {"reason", "every expectation held"},
         {"phases",
          {{{"name", "baseline"}, {"start", 0}, {"end", 6}},
           {{"name", "injection"}, {"start", 6}, {"end", 16.5}},
           {{"name", "recovery"}, {"start", 16.5}, {"end", 21}}}}}}}};
}

std::string body(const boost::json::object& journal_object, std::string report = "<html>r</html>",
                 const char* name = "part4-memory-leak") {
  boost::json::object out{{"journal", journal_object}, {"report_html", std::move(report)}};
  if (name != nullptr) out["name"] = name;
  return boost::json::serialize(out);
}

RunRefused refused(const std::variant<std::uint64_t, RunRefused>& added) {
  EXPECT_TRUE(std::holds_alternative<RunRefused>(added)) << "accepted";
  const auto* refusal = std::get_if<RunRefused>(&added);
  return refusal != nullptr ? *refusal : RunRefused{};
}

std::uint64_t id_of(const std::variant<std::uint64_t, RunRefused>& added) {
  const auto* refusal = std::get_if<RunRefused>(&added);
  EXPECT_EQ(refusal, nullptr) << (refusal ? refusal->error.key + ": " + refusal->error.detail : "");
  return refusal == nullptr ? std::get<std::uint64_t>(added) : 0;
}

constexpr double kStartMs = 1767225600250.0;  // 2026-01-01T00:00:00.250Z

TEST(ExperimentRunsSummary, ReadsTheJournalOnce) {
  ExperimentRuns runs;
  const auto id = id_of(runs.add(body(journal(), "<html>report</html>")));
  ASSERT_EQ(id, 1u);
  const auto list = runs.list();
  ASSERT_EQ(list.size(), 1u);
  const RunSummary& run = list[0];
  EXPECT_EQ(run.id, 1u);
  EXPECT_EQ(run.title, "Part 4.3: a memory leak");
  EXPECT_EQ(run.experiment, "part4-memory-leak");
  EXPECT_EQ(run.variant, "");
  EXPECT_EQ(run.tags, (std::vector<std::string>{"part4", "memory-leak"}));
  EXPECT_EQ(run.verdict, "held");
  EXPECT_EQ(run.reason, "every expectation held");
  EXPECT_EQ(run.status, "completed");
  EXPECT_EQ(run.start, "2026-01-01T00:00:00.250Z");
  EXPECT_DOUBLE_EQ(run.start_ms, kStartMs);
  EXPECT_DOUBLE_EQ(run.duration_s, 21.0);
  EXPECT_EQ(run.report_bytes, 19u);

  // Phases: seconds from the run's start become wall times.
  ASSERT_EQ(run.phases.size(), 3u);
  EXPECT_EQ(run.phases[1].name, "injection");
  EXPECT_DOUBLE_EQ(run.phases[1].start_ms, kStartMs + 6000);
  EXPECT_DOUBLE_EQ(run.phases[1].end_ms, kStartMs + 16500);
  EXPECT_DOUBLE_EQ(run.phases[2].end_ms, kStartMs + 21000);

  // The judged probes: before, the method's (not its actions), after.
  ASSERT_EQ(run.probes.size(), 3u);
  EXPECT_EQ(run.probes[0].statement, "the leak is empty");
  EXPECT_EQ(run.probes[0].phase, "baseline");
  EXPECT_EQ(run.probes[1].statement, "memory climbs");
  EXPECT_EQ(run.probes[1].judgement, "met");
  EXPECT_EQ(run.probes[1].evidence, "evidence of memory climbs");
  EXPECT_EQ(run.probes[2].phase, "recovery");

  const auto report = runs.report(1);
  ASSERT_TRUE(report);
  EXPECT_EQ(*report, "<html>report</html>");
  EXPECT_FALSE(runs.report(2));
}

TEST(ExperimentRunsSummary, ForgivesWhatItCanDoWithout) {
  boost::json::object bare = journal("interrupted");
  bare.erase("experiment");
  bare.erase("steady_states");
  bare.erase("run");
  bare.erase("duration");
  bare["start"] = "2026-01-01T01:00:00+01:00";  // an offset, and no fraction
  auto& ours = bare["extensions"].as_array()[1].as_object();
  ours["phases"] = boost::json::array{{{"name", "baseline"}, {"start", "soon"}}, 7};
  ExperimentRuns runs;
  ASSERT_EQ(id_of(runs.add(body(bare, "<p>x</p>", nullptr))), 1u);
  const RunSummary run = runs.list().at(0);
  EXPECT_EQ(run.title, "(untitled experiment)");
  EXPECT_EQ(run.verdict, "interrupted");
  EXPECT_EQ(run.experiment, "");
  EXPECT_TRUE(run.tags.empty());
  EXPECT_TRUE(run.phases.empty());
  EXPECT_TRUE(run.probes.empty());
  EXPECT_DOUBLE_EQ(run.duration_s, 0);
  EXPECT_EQ(run.start, "2026-01-01T00:00:00.000Z");
}

TEST(ExperimentRunsSummary, KeepsTheVariantAndCutsLongNames) {
  boost::json::object sent{{"journal", journal()},
                           {"report_html", "<p>x</p>"},
                           {"name", std::string(500, 'n')},
                           {"variant", "with protection"},
                           {"future_field", 1}};  // ignored: a newer sender may say more
  ExperimentRuns runs;
  ASSERT_EQ(id_of(runs.add(boost::json::serialize(sent))), 1u);
  const RunSummary run = runs.list().at(0);
  EXPECT_EQ(run.variant, "with protection");
  EXPECT_EQ(run.experiment.size(), 200u);
}

struct RefusalCase {
  const char* name;
  std::string body;
  FieldError::Kind kind;
  const char* key;
  const char* detail_part;
};

std::vector<RefusalCase> refusal_cases() {
  auto without = [](const char* key) {
    boost::json::object j = journal();
    j.erase(key);
    return j;
  };
  boost::json::object no_ours = journal();
  no_ours["extensions"] = boost::json::array{{{"name", "other"}}};
  boost::json::object bad_verdict = journal("great");
  boost::json::object bad_start = journal();
  bad_start["start"] = "yesterday";
  return {
      {"not JSON", "{", FieldError::Kind::body, "", "not valid JSON"},
      {"an array", "[1]", FieldError::Kind::body, "", "got an array"},
      {"empty", "", FieldError::Kind::field, "journal", "journal must be"},
      {"journal missing", R"({"report_html": "<p>"})", FieldError::Kind::field, "journal",
       "journal must be"},
      {"journal a string", R"({"journal": "{}", "report_html": "<p>"})", FieldError::Kind::field,
       "journal", "a JSON object"},
      {"no extensions", body(without("extensions")), FieldError::Kind::field, "journal.extensions",
       "\"sre-lab\" extension"},
      {"not ours", body(no_ours), FieldError::Kind::field, "journal.extensions",
       "\"sre-lab\" extension"},
      {"bad verdict", body(bad_verdict), FieldError::Kind::field, "journal.extensions[1].verdict",
       "one of held"},
      {"bad start", body(bad_start), FieldError::Kind::field, "journal.start", "yesterday"},
      {"no start", body(without("start")), FieldError::Kind::field, "journal.start", "ISO 8601"},
      {"no report", boost::json::serialize(boost::json::object{{"journal", journal()}}),
       FieldError::Kind::field, "report_html", "report_html must be"},
      {"empty report", body(journal(), ""), FieldError::Kind::field, "report_html", "non-empty"},
      {"name a number",
       boost::json::serialize(
           boost::json::object{{"journal", journal()}, {"report_html", "<p>"}, {"name", 3}}),
       FieldError::Kind::field, "name", "must be a string"},
  };
}

TEST(ExperimentRunsRefusals, NameTheFieldAndKeepNothing) {
  ExperimentRuns runs;
  for (const RefusalCase& c : refusal_cases()) {
    SCOPED_TRACE(c.name);
    const RunRefused refusal = refused(runs.add(c.body));
    EXPECT_FALSE(refusal.too_large);
    EXPECT_EQ(refusal.error.kind, c.kind);
    EXPECT_EQ(refusal.error.key, c.key);
    EXPECT_NE(refusal.error.detail.find(c.detail_part), std::string::npos) << refusal.error.detail;
  }
  EXPECT_TRUE(runs.list().empty());
}

TEST(ExperimentRunsRefusals, ABodyOverTheLimitIsTooLargeAndNamesTheLimit) {
  ExperimentRunsSettings settings;
  settings.max_body_bytes = 3000;  // a journal as small as these is about 1200 bytes
  ExperimentRuns runs(settings);
  const RunRefused refusal = refused(runs.add(body(journal(), std::string(3000, 'x'))));
  EXPECT_TRUE(refusal.too_large);
  EXPECT_NE(refusal.error.detail.find("up to 3000 bytes"), std::string::npos)
      << refusal.error.detail;
  EXPECT_TRUE(runs.list().empty());
  EXPECT_EQ(id_of(runs.add(body(journal(), "<p>small</p>"))), 1u);
}

TEST(ExperimentRunsBounds, KeepsTheNewestRunsAndNeverReusesAnId) {
  ExperimentRunsSettings settings;
  settings.max_runs = 3;
  ExperimentRuns runs(settings);
  for (int i = 1; i <= 5; ++i)
    EXPECT_EQ(id_of(runs.add(body(journal(), "<p>" + std::to_string(i) + "</p>"))),
              static_cast<std::uint64_t>(i));
  const auto list = runs.list();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].id, 5u);  // newest first
  EXPECT_EQ(list[2].id, 3u);
  EXPECT_FALSE(runs.report(2)) << "evicted";
  EXPECT_EQ(*runs.report(3), "<p>3</p>");
  runs.add("not json");  // a refusal takes no id
  EXPECT_EQ(id_of(runs.add(body(journal()))), 6u);
}

TEST(ExperimentRunsBounds, TheReportsTogetherStayUnderTheirBound) {
  ExperimentRunsSettings settings;
  settings.max_report_bytes = 250;
  ExperimentRuns runs(settings);
  for (int i = 0; i < 4; ++i) id_of(runs.add(body(journal(), std::string(100, 'a' + i))));
  auto list = runs.list();
  ASSERT_EQ(list.size(), 2u) << "two reports of 100 bytes fit in 250, three do not";
  EXPECT_EQ(list[0].id, 4u);
  EXPECT_EQ(list[1].id, 3u);
  // One report larger than the bound still gets in, alone.
  EXPECT_EQ(id_of(runs.add(body(journal(), std::string(400, 'z')))), 5u);
  list = runs.list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].report_bytes, 400u);
}

TEST(ExperimentRunsBounds, RefusesZeroBounds) {
  for (int which = 0; which < 3; ++which) {
    ExperimentRunsSettings settings;
    (which == 0   ? settings.max_runs
     : which == 1 ? settings.max_body_bytes
                  : settings.max_report_bytes) = 0;
    EXPECT_THROW(ExperimentRuns{settings}, std::invalid_argument) << which;
  }
}

}  // namespace
}  // namespace srelab::console
