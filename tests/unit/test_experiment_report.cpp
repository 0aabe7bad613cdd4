// The report writers on a db-latency run's journal (unit/data/db_latency_journal.hpp): what the
// Markdown and the HTML say, that the HTML is self-contained and escaped, that a journal cut
// short or without the sre-lab extension still renders and says what is missing, and the side by
// side comparison. Also the number formats and the chart helper's gaps.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "experiment/phase_summary.hpp"
#include "experiment/report_html.hpp"
#include "experiment/report_markdown.hpp"
#include "experiment/report_text.hpp"
#include "experiment/svg_chart.hpp"
#include "unit/data/db_latency_journal.hpp"

namespace srelab::experiment {
namespace {

namespace json = boost::json;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

json::object& lab_extension(json::value& journal) {
  return journal.at("extensions").as_array()[0].as_object();
}

TEST(ExperimentReport, NumbersPrintWithUnits) {
  EXPECT_EQ(format_seconds(0.0012), "1.2 ms");
  EXPECT_EQ(format_seconds(0.25), "250 ms");
  EXPECT_EQ(format_seconds(1.03), "1.03 s");
  EXPECT_EQ(format_seconds(62.3), "62.3 s");
  EXPECT_EQ(format_seconds(NAN), "–");
  EXPECT_EQ(format_percent(0.125), "12.5 %");
  EXPECT_EQ(format_percent(0.0042), "0.42 %");
  EXPECT_EQ(format_percent(0), "0 %");
  EXPECT_EQ(format_count(1480), "1,480");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_bytes(50331648), "48.0 MiB");
  EXPECT_EQ(format_timestamp("2026-12-02T04:10:00.123456"), "2026-12-02 04:10:00 UTC");
  EXPECT_EQ(sparkline(std::vector<double>{0, NAN, 1}), "▁ █");
}

TEST(ExperimentReport, MarkdownNamesVerdictProbesAndPhases) {
  const std::string md = render_markdown(fixture::db_latency_journal());
  EXPECT_NE(md.find("# Database latency: does the breaker keep answers fast?"), std::string::npos);
  EXPECT_NE(md.find("Verdict: HELD"), std::string::npos);
  EXPECT_NE(md.find("the breaker opened during the injection"), std::string::npos);
  for (const char* text :
       {"p95 of the answers at most 50 ms",
        "p95 2.1 ms (95 % interval 2.0–2.2 ms) over 1,500 answers",
        "share of 5xx answers at most 1 %", "the breaker is OPEN within 5 s",
        "GET /resilience said OPEN after 2.4 s", "| 2.0 ms – 2.2 ms (95 %) |", "✓ met"})
    EXPECT_NE(md.find(text), std::string::npos) << text;
  // Baseline: 10 identical seconds of 150 answers; injection: 12 of 150 are 503s; 125 from cache.
  EXPECT_NE(md.find("| baseline | 10.0 s | 1,500 | 150/s | 1.2 ms | 2.1 ms | 4.0 ms | 0 % | 90.0 % "
                    "| 10.0 % |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| injection | 20.0 s | 3,000 | 150/s |"), std::string::npos);
  EXPECT_NE(md.find("| 8.0 % | 83.3 % |"), std::string::npos);
  // Actions, rollbacks and the failed one's exception; the trace link.
  EXPECT_NE(md.find("inject 1 s of database latency"), std::string::npos);
  EXPECT_NE(md.find("exception: HTTPError: 500 Internal Server Error"), std::string::npos);
  EXPECT_NE(md.find("[4bf92f3577b34da6a3ce929d0e0e4736](http://127.0.0.1:8000/console#trace="
                    "4bf92f3577b34da6a3ce929d0e0e4736)"),
            std::string::npos);
  EXPECT_NE(md.find("Memory chart left out: memory did not change."), std::string::npos);
  EXPECT_NE(md.find("Circuit breaker state, breaker: `"), std::string::npos);
  EXPECT_NE(md.find("(rank test p < 0.001)"), std::string::npos) << "not a tag: left as written";
}

TEST(ExperimentReport, HtmlIsSelfContainedWithOneChartPerSeriesKind) {
  const std::string html = render_html(fixture::db_latency_journal());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  EXPECT_EQ(count(html, "<table"), count(html, "</table>"));
  for (const char* id :
       {"latency_client", "latency_service", "errors", "cache_hit_rate", "breaker", "pool"})
    EXPECT_EQ(count(html, std::string("id=\"chart-") + id + "\""), 1u) << id;
  EXPECT_EQ(count(html, "<svg"), 6u) << "memory did not change: left out";
  EXPECT_EQ(count(html, "class=\"band band-injection\""), 6u);
  EXPECT_EQ(count(html, "class=\"band band-recovery\""), 6u);
  EXPECT_NE(html.find("Latency seen by the service and the gateway"), std::string::npos);
  EXPECT_NE(html.find(">gateway p95<"), std::string::npos);
  EXPECT_NE(html.find(">HALF_OPEN<"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"http://127.0.0.1:8000/console#trace="
                      "4bf92f3577b34da6a3ce929d0e0e4736\">"),
            std::string::npos);
  EXPECT_NE(html.find("class=\"verdict verdict-held\">HELD<"), std::string::npos);
  EXPECT_NE(html.find("p95 2.1 ms (95 % interval 2.0–2.2 ms) over 1,500 answers"),
            std::string::npos);
}

TEST(ExperimentReport, TextFromTheJournalIsEscaped) {
  json::value journal = fixture::db_latency_journal();
  journal.at("experiment").as_object()["title"] = "<b>&\"";
  journal.at("experiment").as_object()["description"] = "a | b <img src=x onerror=alert(1)>";
  lab_extension(journal)["slowest_traces"] =
      json::array{{{"trace_id", "x"}, {"url", "javascript:alert(1)"}}};
  const std::string html = render_html(journal);
  EXPECT_NE(html.find("<h1>&lt;b&gt;&amp;&quot;</h1>"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << "not a link";
  const std::string md = render_markdown(journal);
  EXPECT_NE(md.find("# &lt;b>&\""), std::string::npos);
  EXPECT_EQ(md.find("<img"), std::string::npos);
  EXPECT_EQ(md.find("](javascript:"), std::string::npos);
}

TEST(ExperimentReport, EmptyLoadAndTimelineSayWhatIsMissing) {
  json::value journal = fixture::db_latency_journal();
  lab_extension(journal)["load"] = json::array{};
  lab_extension(journal)["timeline"] = json::object{};
  const std::string html = render_html(journal);
  EXPECT_EQ(count(html, "<svg"), 0u);
  EXPECT_NE(html.find("The background load recorded no points."), std::string::npos);
  EXPECT_NE(html.find("No client latency chart"), std::string::npos);
  EXPECT_NE(html.find("No breaker chart"), std::string::npos);
  const std::string md = render_markdown(journal);
  EXPECT_NE(md.find("The service's timeline has no points."), std::string::npos);
  EXPECT_NE(md.find("| baseline | 10.0 s | 0 | 0/s | – | – | – | – | – | – |"), std::string::npos)
      << md;
}

TEST(ExperimentReport, JournalWithoutExtensionOrWithNullsRenders) {
  json::value journal = fixture::db_latency_journal();
  journal.as_object().erase("extensions");
  const std::string md = render_markdown(journal);
  EXPECT_NE(md.find("no sre-lab extension"), std::string::npos);
  EXPECT_NE(md.find("Verdict: HELD"), std::string::npos) << "from status and deviated";
  EXPECT_NE(render_html(journal).find("no sre-lab extension"), std::string::npos);

  const json::value odd[] = {
      nullptr, json::array{}, json::object{},
      json::parse(R"({"experiment": null, "status": null, "duration": "x", "run": null,
                      "steady_states": {"before": null, "after": 3},
                      "extensions": [{"name": "sre-lab", "load": 5, "timeline": {"time": [1, 2],
                        "values": {"latency_p95": [null], "breaker_state": "x"}},
                        "phases": [{"name": "injection"}], "slowest_traces": [null, 1]}]})"),
      json::parse(R"({"run": [{"activity": null, "status": 7, "sre-lab": {"interval": [1],
                      "value": true, "samples": "many"}}, null, 4]})")};
  for (const json::value& j : odd) {
    EXPECT_NO_THROW(render_markdown(j)) << j;
    EXPECT_NO_THROW(render_html(j)) << j;
  }
  EXPECT_NE(render_markdown(nullptr).find("The journal is not a JSON object."), std::string::npos);
  EXPECT_NO_THROW(render_side_by_side_html({{"a", nullptr}, {"", json::object{}}}));
  EXPECT_NO_THROW(render_side_by_side_markdown({}));
}

TEST(ExperimentReport, SideBySideHasBothLabelsAndBothRunsNumbers) {
  const std::vector<std::pair<std::string, json::value>> runs = {
      {"with breaker", fixture::db_latency_journal({.breaker = true})},
      {"without breaker", fixture::db_latency_journal({.breaker = false})}};
  const std::string md = render_side_by_side_markdown(runs);
  EXPECT_NE(md.find("|  | with breaker | without breaker |"), std::string::npos) << md;
  EXPECT_NE(md.find("| verdict | HELD | DEVIATED |"), std::string::npos);
  // Injection errors: 12 of 150 with the breaker; (30 503s + 10 without answer) of 150 without.
  EXPECT_NE(md.find("| injection errors | 8.0 % | 26.7 % |"), std::string::npos);
  EXPECT_NE(md.find("| injection DB load | 3.3 % of answers | 7.1 % of answers |"),
            std::string::npos);
  EXPECT_NE(md.find("| baseline p95 | 2.1 ms | 2.1 ms |"), std::string::npos);
  EXPECT_NE(md.find("| recovery: p95 of the answers at most 50 ms | ✓ 2.3 ms | ✗ 350 ms |"),
            std::string::npos);
  EXPECT_NE(md.find("| injection: the breaker is OPEN within 5 s | ✓ OPEN | not judged |"),
            std::string::npos);

  const std::string html = render_side_by_side_html(runs);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(count(html, "<figcaption>with breaker</figcaption>"), 6u);
  EXPECT_EQ(count(html, "<figcaption>without breaker</figcaption>"), 6u);
  EXPECT_EQ(count(html, "<svg"), 11u) << "the unprotected run has no breaker chart";
  EXPECT_NE(html.find("No data for this chart in this run."), std::string::npos);
  // One scale per row: alone, the protected run's client latency would top out at 1.5 s; beside
  // the unprotected one (p99 up to 2.54 s) both go to 3 s.
  const std::size_t row = html.find("<h3>Latency seen by the load (client)</h3>");
  ASSERT_NE(row, std::string::npos);
  const std::size_t second = html.find("<svg", html.find("</svg>", row));
  const std::string tick = "text-anchor=\"end\">3</text>";
  EXPECT_NE(html.substr(row, second - row).find(tick), std::string::npos);
  EXPECT_NE(html.substr(second, html.find("</svg>", second) - second).find(tick),
            std::string::npos);
  EXPECT_NE(html.find(">26.7 %<"), std::string::npos);
  EXPECT_NE(html.find(">8.0 %<"), std::string::npos);
}

TEST(ExperimentReport, PhaseQuantilesOfIdenticalSecondsAreTheirs) {
  const JournalView view = read_journal(fixture::db_latency_journal());
  const auto phases = summarize_phases(view);
  ASSERT_EQ(phases.size(), 3u);
  EXPECT_NEAR(phases[0].p95, 0.0021, 1e-9);
  EXPECT_NEAR(phases[0].p99, 0.004, 1e-9);
  // Injection p95 wobbles 0.60..0.64 s by second: the mixture lands inside.
  EXPECT_GT(phases[1].p95, 0.6);
  EXPECT_LT(phases[1].p95, 0.64);
}

TEST(ExperimentReport, ChartLinesBreakAtGaps) {
  ChartSpec chart{"x", "t", ChartUnit::seconds, {}, {{"injection", 1, 2}}, {}, {}};
  chart.series.push_back({"p95", {1, 2, 3, 4, 5}, {0.1, 0.2, NAN, 0.3, 0.4}, false, false});
  chart.series.push_back({"lone", {1, 2, 3}, {NAN, 0.5, NAN}, false, false});
  const std::string svg = render_svg_chart(chart);
  EXPECT_EQ(count(svg, "<path d=\"M"), 1u);
  EXPECT_EQ(count(svg, "M"), 2u) << "two stretches in one path";
  EXPECT_EQ(count(svg, "<circle"), 1u) << "a lone point stays visible";
  EXPECT_NE(svg.find(">ms<"), std::string::npos);
}

}  // namespace
}  // namespace srelab::experiment
