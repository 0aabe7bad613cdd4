// The per-second book and what is made of it: points and totals, the folding of a sliver at the
// end, the status line, the summary table, --json (the documented fields) and --csv, and the
// `source` scan of an answer body.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "load/answer_reader.hpp"
#include "load/load_report.hpp"
#include "load/report_files.hpp"
#include "load/report_text.hpp"

namespace srelab::load {
namespace {

struct Feed {
  telemetry::Histogram latency{latency_layout()};
  // Records the answers first, then snapshots: the order book.add(.., second(), snapshot())
  // would leave unspecified.
  const SecondPoint* add(ReportBook& book, double elapsed, int answers, double each_s,
                         int status = 200, const char* source = "cache") {
    const Tally t = second(answers, each_s, status, source);
    return book.add(elapsed, t, latency.snapshot());
  }
  Tally second(int answers, double each_s, int status = 200, const char* source = "cache") {
    Tally t;
    t.sent = static_cast<std::uint64_t>(answers);
    for (int i = 0; i < answers; ++i) {
      t.add_answer(status, source);
      latency.observe(each_s);
    }
    return t;
  }
};

LoadPlan open_plan() {
  LoadPlan plan;
  plan.rate = 100;
  plan.duration = std::chrono::seconds(3);
  return plan;
}

TEST(LoadReport, PointsAndTotals) {
  ReportBook book(open_plan());
  Feed feed;
  const SecondPoint* first = feed.add(book, 1.0, 100, 0.001);
  ASSERT_NE(first, nullptr);
  EXPECT_DOUBLE_EQ(first->rate(), 100);
  EXPECT_NEAR(first->latency.p50, 0.001, 0.001 * 0.01);
  const SecondPoint* second = feed.add(book, 2.0, 50, 0.100, 503, "fallback_emergency");
  ASSERT_NE(second, nullptr);
  EXPECT_NEAR(second->latency.p50, 0.100, 0.100 * 0.01) << "this second only";
  EXPECT_NEAR(second->overall.p50, 0.001, 0.001 * 0.01) << "since the start";
  // A sliver after the last whole second joins it.
  EXPECT_EQ(feed.add(book, 2.05, 5, 0.100), nullptr);
  const LoadReport& report = book.report();
  ASSERT_EQ(report.seconds.size(), 2u);
  EXPECT_NEAR(report.seconds[1].span_s, 1.05, 1e-9);
  EXPECT_EQ(report.seconds[1].tally.answered, 55u);
  EXPECT_EQ(report.total.answered, 155u);
  EXPECT_EQ(report.total.statuses.at(503), 50u);
  EXPECT_EQ(report.total.sources.at("cache"), 105u);
  EXPECT_EQ(report.total.bad_statuses(), 50u);
  EXPECT_EQ(report.latency.count, 155u);
}

TEST(LoadReport, StatusLineAndSummary) {
  ReportBook book(open_plan());
  Feed feed;
  Tally t = feed.second(80, 0.002);
  t.merge(feed.second(20, 0.002, 200, "database"));
  t.connect_errors = 3;
  t.dropped = 2;
  const std::string line = status_line(*book.add(1.0, t, feed.latency.snapshot()), 3);
  EXPECT_NE(line.find("[#######             ] 1/3s"), std::string::npos) << line;
  EXPECT_NE(line.find("100.0/s"), std::string::npos) << line;
  EXPECT_NE(line.find("200:100"), std::string::npos) << line;
  EXPECT_NE(line.find("cache 80% database 20%"), std::string::npos) << line;
  EXPECT_NE(line.find("conn-err 3"), std::string::npos) << line;
  EXPECT_NE(line.find("dropped 2"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find("draining"), std::string::npos);
  EXPECT_NE(status_line(book.report().seconds.back(), 0.5).find("1/0.5s  100.0/s draining"),
            std::string::npos);
  const std::string table = summary_table(book.report());
  EXPECT_NE(table.find("open loop at 100/s"), std::string::npos) << table;
  EXPECT_NE(table.find("dropped by generator"), std::string::npos) << table;
  EXPECT_NE(table.find("latency p99.9"), std::string::npos) << table;
}

TEST(LoadReport, JsonHasTheDocumentedFields) {
  ReportBook book(open_plan());
  Feed feed;
  feed.add(book, 1.0, 10, 0.004);
  book.add(2.0, Tally{}, feed.latency.snapshot());  // a second with no answers
  const auto root = boost::json::parse(report_json(book.report())).as_object();
  const auto& plan = root.at("plan").as_object();
  EXPECT_EQ(plan.at("mode").as_string(), "open");
  EXPECT_EQ(plan.at("rate").as_double(), 100);
  const auto& seconds = root.at("seconds").as_array();
  ASSERT_EQ(seconds.size(), 2u);
  const auto& p = seconds[0].as_object();
  for (const char* key :
       {"t", "span_s", "rate", "scheduled", "sent", "answered", "statuses", "sources",
        "connect_errors", "timeouts", "io_errors", "dropped", "latency_ms", "overall_latency_ms"})
    EXPECT_TRUE(p.contains(key)) << key;
  EXPECT_EQ(p.at("statuses").at("200").to_number<std::uint64_t>(), 10u);
  EXPECT_NEAR(p.at("latency_ms").at("p99").as_double(), 4, 0.04);
  EXPECT_TRUE(seconds[1].at("latency_ms").at("p50").is_null());
  const auto& totals = root.at("totals").as_object();
  EXPECT_EQ(totals.at("answered").to_number<std::uint64_t>(), 10u);
  EXPECT_FALSE(totals.at("stopped_early").as_bool());
  EXPECT_TRUE(totals.contains("send_lag_ms")) << "open loop";
  for (const char* key : {"p50", "p95", "p99", "p999", "max", "mean", "count"})
    EXPECT_TRUE(totals.at("latency_ms").as_object().contains(key)) << key;
}

TEST(LoadReport, CsvHasARowPerSecond) {
  ReportBook book(open_plan());
  Feed feed;
  feed.add(book, 1.0, 10, 0.004, 200, "database");
  const std::string csv = report_csv(book.report());
  const auto header_end = csv.find('\n');
  EXPECT_EQ(csv.substr(0, 12), "t_s,answered");
  const std::string row = csv.substr(header_end + 1);
  EXPECT_EQ(row.substr(0, 14), "1.000,10,10.0,") << row;
  EXPECT_NE(row.find(",10,0,0,0,0,10,0,"), std::string::npos) << row;  // 2xx..5xx, cache, db
}

TEST(LoadReport, SourceOfAnAnswerBody) {
  EXPECT_EQ(find_source(R"({"id":1,"name":"x","source":"cache"})"), "cache");
  EXPECT_EQ(find_source(R"({"source" : "fallback_emergency","id":1})"), "fallback_emergency");
  EXPECT_EQ(find_source(R"({"status":"ok"})"), "");
  EXPECT_EQ(find_source(R"({"source":12})"), "");
  EXPECT_EQ(find_source(R"({"source":"unterminated)"), "");
}

}  // namespace
}  // namespace srelab::load
