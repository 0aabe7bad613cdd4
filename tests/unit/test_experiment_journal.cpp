// The journal's pieces: CTK's timestamps (UTC, microseconds, no zone suffix), one activity's run
// record with CTK's fields and sre-lab's judgement beside them, a load run's summary, the
// background load's seconds and the console's timeline cut to the run with NaN as null; and a
// bulk test's answer read as probe samples (a real-shaped body, and bodies that are not one).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "experiment/bulk_samples.hpp"
#include "experiment/journal.hpp"
#include "load/load_report.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::experiment {
namespace {

namespace json = boost::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// 2026-12-02T04:10:00Z in Unix epoch milliseconds.
constexpr double kDecember2 = 1796184600000.0;

std::set<std::string> keys(const json::object& object) {
  std::set<std::string> names;
  for (const auto& member : object) names.emplace(member.key());
  return names;
}

// ---------------------------------------------------------------------------------------------
// iso_time

TEST(IsoTime, UtcWithMicrosecondsAndNoZone) {
  const struct {
    double wall_ms;
    const char* text;
  } cases[] = {
      {0, "1970-01-01T00:00:00.000000"},
      {kDecember2, "2026-12-02T04:10:00.000000"},
      {kDecember2 + 123.456, "2026-12-02T04:10:00.123456"},
      {kDecember2 + 59'999.001, "2026-12-02T04:10:59.999001"},
      {kDecember2 + 86'400'000, "2026-12-03T04:10:00.000000"},
      {951782400000.0, "2000-02-29T00:00:00.000000"},  // a leap day
      // Less than half a microsecond before a whole second rounds up to it: the second and the
      // microseconds must carry together.
      {1999.9996, "1970-01-01T00:00:02.000000"},
      {kDecember2 - 0.0002, "2026-12-02T04:10:00.000000"},
      {kDecember2 + 0.0002, "2026-12-02T04:10:00.000000"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(iso_time(c.wall_ms), c.text);
  }
}

TEST(IsoTime, IgnoresTheLocalTimeZone) {
  const char* saved = std::getenv("TZ");
  const std::string before = saved ? saved : "";
  setenv("TZ", "IST-5:30", 1);  // POSIX form: UTC+05:30, no zone database needed
  tzset();
  const std::string text = iso_time(kDecember2);
  if (saved) {
    setenv("TZ", before.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
  EXPECT_EQ(text, "2026-12-02T04:10:00.000000");
}

// ---------------------------------------------------------------------------------------------
// run_record

Activity probe_activity() {
  Activity activity;
  activity.type = Activity::Type::probe;
  activity.name = "p95 below 50 ms";
  activity.provider = LatencyProbe{};
  activity.written = {{"type", "probe"},
                      {"name", "p95 below 50 ms"},
                      {"provider", {{"type", "sre-lab"}, {"func", "latency"}}},
                      {"tolerance", {{"type", "at-most"}, {"value", 0.05}}}};
  return activity;
}

TEST(RunRecord, SucceededActionHasCtkFieldsOnly) {
  Activity action;
  action.name = "inject";
  action.written = {{"type", "action"}, {"name", "inject"}};
  ActivityRun run;
  run.activity = &action;
  run.output = {{"status", 200}, {"body", {{"ok", true}}}};
  run.start_ms = kDecember2 + 1000;
  run.end_ms = kDecember2 + 1250.5;
  run.phase = "injection";
  const json::object record = run_record(run);
  EXPECT_EQ(keys(record),
            (std::set<std::string>{"activity", "status", "output", "start", "end", "duration"}));
  EXPECT_EQ(record.at("activity"), action.written);
  EXPECT_EQ(record.at("status"), "succeeded");
  EXPECT_EQ(record.at("output"), run.output);
  EXPECT_EQ(record.at("start"), "2026-12-02T04:10:01.000000");
  EXPECT_EQ(record.at("end"), "2026-12-02T04:10:01.250500");
  EXPECT_DOUBLE_EQ(record.at("duration").as_double(), 0.2505);
}

TEST(RunRecord, FailedActionCarriesItsException) {
  Activity action;
  action.written = {{"name", "inject"}};
  ActivityRun run;
  run.activity = &action;
  run.succeeded = false;
  run.exception = "POST http://127.0.0.1:8000/chaos/configure answered 422, expected 200";
  run.start_ms = run.end_ms = kDecember2;
  const json::object record = run_record(run);
  EXPECT_EQ(record.at("status"), "failed");
  ASSERT_TRUE(record.contains("exception"));
  EXPECT_EQ(record.at("exception"), (json::array{json::string(run.exception)}));
  EXPECT_FALSE(record.contains("tolerance_met"));
  EXPECT_FALSE(record.contains("sre-lab"));
  EXPECT_DOUBLE_EQ(record.at("duration").as_double(), 0);
}

TEST(RunRecord, JudgedProbeAddsToleranceMetAndTheSreLabBlock) {
  const Activity probe = probe_activity();
  ActivityRun run;
  run.activity = &probe;
  run.phase = "baseline";
  run.start_ms = kDecember2;
  run.end_ms = kDecember2 + 2;
  Judged judged;
  judged.judgement = Judgement::met;
  judged.statement = "p95 latency at most 50.0 ms";
  judged.value = 0.0049;
  judged.unit = "s";
  judged.interval = Interval{0.0048, 0.0051};
  judged.samples = 480;
  judged.evidence = "p95 4.9 ms (95 % interval 4.8 ms – 5.1 ms) over 480 answers";
  run.judged = judged;
  run.output = {{"value", 0.0049}, {"evidence", judged.evidence}};

  const json::object record = run_record(run);
  EXPECT_EQ(record.at("status"), "succeeded");
  EXPECT_FALSE(record.contains("exception"));
  EXPECT_EQ(record.at("tolerance_met"), true);
  ASSERT_TRUE(record.contains("sre-lab"));
  const json::object& ours = record.at("sre-lab").as_object();
  EXPECT_EQ(keys(ours), (std::set<std::string>{"phase", "judgement", "statement", "value", "unit",
                                               "interval", "level", "samples", "evidence"}));
  EXPECT_EQ(ours.at("phase"), "baseline");
  EXPECT_EQ(ours.at("judgement"), "met");
  EXPECT_EQ(ours.at("statement"), json::value(judged.statement));
  EXPECT_DOUBLE_EQ(ours.at("value").as_double(), 0.0049);
  EXPECT_EQ(ours.at("unit"), "s");
  EXPECT_EQ(ours.at("interval"), (json::array{0.0048, 0.0051}));
  EXPECT_DOUBLE_EQ(ours.at("level").as_double(), 0.95);
  EXPECT_EQ(ours.at("samples"), 480u);
  EXPECT_EQ(ours.at("evidence"), json::value(judged.evidence));
}

TEST(RunRecord, NotMetAndInconclusiveAreNotToleranceMetAndNaNIsNull) {
  const Activity probe = probe_activity();
  for (const Judgement judgement : {Judgement::not_met, Judgement::inconclusive}) {
    ActivityRun run;
    run.activity = &probe;
    run.start_ms = run.end_ms = kDecember2;
    Judged judged;
    judged.judgement = judgement;
    judged.value = kNaN;
    judged.interval = Interval{kNaN, 0.2};
    run.judged = judged;
    const json::object record = run_record(run);
    EXPECT_EQ(record.at("tolerance_met"), false);
    const json::object& ours = record.at("sre-lab").as_object();
    EXPECT_EQ(ours.at("judgement"), json::value(to_string(judgement)));
    EXPECT_TRUE(ours.at("value").is_null());
    EXPECT_EQ(ours.at("interval"), (json::array{nullptr, 0.2}));
  }
  // No interval at all (a value probe), and a value that is not a number.
  ActivityRun run;
  run.activity = &probe;
  run.start_ms = run.end_ms = kDecember2;
  Judged judged;
  judged.value = "OPEN";
  run.judged = judged;
  const json::object ours = run_record(run).at("sre-lab").as_object();
  EXPECT_TRUE(ours.at("interval").is_null());
  EXPECT_EQ(ours.at("value"), "OPEN");
}

// ---------------------------------------------------------------------------------------------
// load_summary

TEST(LoadSummary, CountsEveryOutcomeAndTheLatencyQuantiles) {
  load::LoadReport report;
  telemetry::Histogram latency(load::latency_layout());
  for (int i = 0; i < 90; ++i) {
    report.total.add_answer(200, "database");
    latency.observe(0.005);
  }
  for (int i = 0; i < 10; ++i) {
    report.total.add_answer(503, "");
    latency.observe(0.250);
  }
  report.total.timeouts = 3;
  report.total.connect_errors = 2;
  report.total.io_errors = 1;
  report.total.dropped = 4;
  report.latency = latency.snapshot();
  report.elapsed_s = 10;
  const json::object summary = load_summary(report);
  EXPECT_EQ(summary.at("requests"), 110u);
  EXPECT_EQ(summary.at("answered"), 100u);
  EXPECT_EQ(summary.at("timeouts"), 3u);
  EXPECT_EQ(summary.at("connect_errors"), 2u);
  EXPECT_EQ(summary.at("io_errors"), 1u);
  EXPECT_EQ(summary.at("dropped"), 4u);
  EXPECT_EQ(summary.at("statuses"), (json::object{{"200", 90u}, {"503", 10u}}));
  EXPECT_EQ(summary.at("sources"), (json::object{{"database", 90u}}));
  const json::object& quantiles = summary.at("latency_s").as_object();
  EXPECT_NEAR(quantiles.at("p50").as_double(), 0.005, 0.005 * 0.01);
  EXPECT_NEAR(quantiles.at("p99").as_double(), 0.250, 0.250 * 0.01);
  EXPECT_DOUBLE_EQ(quantiles.at("max").as_double(), 0.250);
  EXPECT_FALSE(summary.contains("error"));

  load::LoadReport failed;
  failed.error = "resolve: Host not found";
  const json::object nothing = load_summary(failed);
  EXPECT_EQ(nothing.at("error"), json::value(failed.error));
  EXPECT_TRUE(nothing.at("latency_s").at("p95").is_null());
  EXPECT_EQ(nothing.at("requests"), 0u);
}

// ---------------------------------------------------------------------------------------------
// load_seconds

load::SecondPoint second(double elapsed_s, std::uint64_t answered, double p95) {
  load::SecondPoint point;
  point.elapsed_s = elapsed_s;
  point.tally.sent = answered + 2;
  for (std::uint64_t i = 0; i < answered; ++i) point.tally.add_answer(200, "cache");
  point.tally.timeouts = 1;
  point.tally.dropped = 1;
  point.latency = load::LatencySummary{answered, p95 / 2, p95, p95 * 1.5, p95 * 2, p95 * 3, p95};
  return point;
}

TEST(LoadSeconds, TimesFromTheRunStartPhasesAndNullWithoutAnswers) {
  const std::vector<SecondRecord> seconds{
      {"baseline", second(1.0, 50, 0.005)},
      {"injection", second(2.0004, 40, 0.200)},
      {"injection", second(3.0, 0, kNaN)},
  };
  const json::array out = load_seconds(seconds, 0.25);
  ASSERT_EQ(out.size(), 3u);
  const json::object& first = out[0].as_object();
  EXPECT_DOUBLE_EQ(first.at("t").as_double(), 1.25);
  EXPECT_EQ(first.at("phase"), "baseline");
  EXPECT_EQ(first.at("sent"), 52u);
  EXPECT_EQ(first.at("answered"), 50u);
  EXPECT_EQ(first.at("failed"), 2u);  // a timeout and a dropped request
  EXPECT_EQ(first.at("statuses"), (json::object{{"200", 50u}}));
  EXPECT_EQ(first.at("sources"), (json::object{{"cache", 50u}}));
  EXPECT_DOUBLE_EQ(first.at("p50").as_double(), 0.0025);
  EXPECT_DOUBLE_EQ(first.at("p95").as_double(), 0.005);
  EXPECT_DOUBLE_EQ(first.at("p99").as_double(), 0.0075);
  EXPECT_DOUBLE_EQ(first.at("max").as_double(), 0.015);
  EXPECT_DOUBLE_EQ(out[1].at("t").as_double(), 2.25);  // to the millisecond
  EXPECT_EQ(out[1].at("phase"), "injection");
  const json::object& empty = out[2].as_object();
  EXPECT_DOUBLE_EQ(empty.at("t").as_double(), 3.25);
  EXPECT_EQ(empty.at("answered"), 0u);
  for (const char* key : {"p50", "p95", "p99", "max"}) {
    SCOPED_TRACE(key);
    EXPECT_TRUE(empty.at(key).is_null());
  }
  EXPECT_TRUE(load_seconds({}, 0).empty());
}

// ---------------------------------------------------------------------------------------------
// timeline_json

TEST(TimelineJson, CutsToTheRunAndWritesGapsAsNull) {
  Timeline timeline;
  timeline.time_ms = {kDecember2 - 1000, kDecember2, kDecember2 + 1000, kDecember2 + 2500,
                      kDecember2 + 4000};
  timeline.values["pool_active"] = {9, 1, kNaN, 3, 9};
  timeline.values["gateway_rate"] = {5, kNaN, kNaN, kNaN, 5};  // fed only outside the cut
  timeline.values["short"] = {1, 2, 3};                        // ends inside the cut
  timeline.values["never"] = {kNaN, kNaN, kNaN, kNaN, kNaN};

  const json::object out = timeline_json(timeline, kDecember2, kDecember2 + 2500);
  const json::array& time = out.at("time").as_array();
  ASSERT_EQ(time.size(), 3u);  // both ends of the cut are inside it
  EXPECT_DOUBLE_EQ(time[0].as_double(), 0);
  EXPECT_DOUBLE_EQ(time[1].as_double(), 1);
  EXPECT_DOUBLE_EQ(time[2].as_double(), 2.5);
  const json::object& values = out.at("values").as_object();
  EXPECT_EQ(keys(values), (std::set<std::string>{"pool_active", "short"}));
  EXPECT_EQ(values.at("pool_active"), (json::array{1.0, nullptr, 3.0}));
  EXPECT_EQ(values.at("short"), (json::array{2.0, 3.0, nullptr}));
}

TEST(TimelineJson, NothingInTheCutGivesEmptyArrays) {
  Timeline timeline;
  timeline.time_ms = {kDecember2 + 10'000};
  timeline.values["pool_active"] = {4};
  const json::object out = timeline_json(timeline, kDecember2, kDecember2 + 5000);
  EXPECT_TRUE(out.at("time").as_array().empty());
  EXPECT_TRUE(out.at("values").as_object().empty());
  const json::object none = timeline_json(Timeline{}, kDecember2, kDecember2 + 5000);
  EXPECT_TRUE(none.at("time").as_array().empty());
  EXPECT_TRUE(none.at("values").as_object().empty());
}

// ---------------------------------------------------------------------------------------------
// samples_from_bulk

// The shape GET /products/bulk/test answers (catalog/bulk_test.cpp), trimmed to six rows.
constexpr std::string_view kBulkAnswer = R"({
  "summary": {"requests": 6, "concurrency": 2, "seed": 42,
              "by_status": {"200": 5, "503": 1},
              "by_source": {"database": 3, "cache": 2},
              "latency_ms": {"p50": 39.82, "p95": 512.0, "p99": 512.0, "max": 512.0},
              "pool_high_water": 2},
  "results": [
    {"index": 0, "id": 7333, "status": 200, "source": "database", "latency_ms": 39.82, "error": null},
    {"index": 1, "id": 12, "status": 200, "source": "cache", "latency_ms": 0.41, "error": null},
    {"index": 2, "id": 981, "status": 200, "source": "database", "latency_ms": 41.5, "error": null},
    {"index": 3, "id": 7333, "status": 200, "source": "cache", "latency_ms": 0.38, "error": null},
    {"index": 4, "id": 5120, "status": 503, "source": null, "latency_ms": 512, "error": "Pool Exhausted"},
    {"index": 5, "id": 44, "status": 200, "source": "database", "latency_ms": 38.9, "error": null}
  ]
})";

TEST(BulkSamples, ReadsEveryRowAsAnAnswer) {
  const auto samples = samples_from_bulk(json::parse(kBulkAnswer));
  ASSERT_TRUE(samples);
  const load::Tally& tally = samples->tally;
  EXPECT_EQ(tally.answered, 6u);
  EXPECT_EQ(tally.sent, 6u);
  EXPECT_EQ(tally.errors() + tally.dropped, 0u);
  EXPECT_EQ(samples->requests(), 6u);
  EXPECT_EQ(tally.statuses, (std::map<int, std::uint64_t>{{200, 5}, {503, 1}}));
  EXPECT_EQ(tally.sources.size(), 2u);
  EXPECT_EQ(tally.sources.at("database"), 3u);
  EXPECT_EQ(tally.sources.at("cache"), 2u);
  EXPECT_EQ(samples->latency.count, 6u);
  EXPECT_DOUBLE_EQ(samples->latency.min, 0.00038);
  EXPECT_DOUBLE_EQ(samples->latency.max, 0.512);
  EXPECT_NEAR(samples->latency.sum, (39.82 + 0.41 + 41.5 + 0.38 + 512 + 38.9) / 1000, 1e-12);
  // The median (3rd of 6) is the fastest database lookup, 38.9 ms, within the histogram's error.
  EXPECT_NEAR(samples->latency.quantile(0.5), 0.0389, 0.0389 * 0.01);
}

TEST(BulkSamples, MergeWithAnotherRunOfTheSameName) {
  auto first = samples_from_bulk(json::parse(kBulkAnswer));
  const auto second = samples_from_bulk(json::parse(kBulkAnswer));
  ASSERT_TRUE(first && second);
  first->merge(*second);
  EXPECT_EQ(first->requests(), 12u);
  EXPECT_EQ(first->latency.count, 12u);
  EXPECT_EQ(first->tally.statuses.at(503), 2u);
}

TEST(BulkSamples, AnEmptyResultListIsNoAnswers) {
  const auto samples = samples_from_bulk(json::parse(R"({"summary": {}, "results": []})"));
  ASSERT_TRUE(samples);
  EXPECT_EQ(samples->requests(), 0u);
  EXPECT_EQ(samples->latency.count, 0u);
}

TEST(BulkSamples, OtherBodiesAreNotBulkAnswers) {
  const char* bodies[] = {
      "null",
      R"("Pool Exhausted")",
      "[]",
      R"([{"status": 200, "latency_ms": 1}])",
      R"({"status": "ok"})",
      R"({"results": {"status": 200}})",
      R"({"results": null})",
      R"({"results": [1, 2]})",
      R"({"results": [{"status": 200}]})",
      R"({"results": [{"latency_ms": 3.5}]})",
      R"({"results": [{"status": "200", "latency_ms": 3.5}]})",
      R"({"results": [{"status": 200, "latency_ms": "3.5"}]})",
      R"({"results": [{"status": 200, "latency_ms": 1}, {"status": 200}]})",
  };
  for (const char* body : bodies) {
    SCOPED_TRACE(body);
    EXPECT_FALSE(samples_from_bulk(json::parse(body)));
  }
  EXPECT_FALSE(samples_from_bulk(json::value("{\"results\": []}")));  // a string, unparsed
}

}  // namespace
}  // namespace srelab::experiment
