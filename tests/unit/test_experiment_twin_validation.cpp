#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>

#include "experiment/twin_validation.hpp"

namespace srelab::experiment {
namespace {

// A journal of two phases (baseline 0-10 s, injection 10-20 s), one load point each, and the
// breaker series; `p95`, the injection's 503s and the breaker's path are the knobs.
JournalView journal(const char* verdict, double injection_p95, int injection_503,
                    const char* breaker_series) {
  const std::string text =
      std::string(R"({"extensions": [{"name": "sre-lab", "verdict": ")") + verdict + R"(",
    "phases": [{"name": "baseline", "start": 0, "end": 10,
                "latency_s": {"p50": 0.001, "p95": 0.004, "p99": 0.006}},
               {"name": "injection", "start": 10, "end": 20,
                "latency_s": {"p50": 0.002, "p95": )" +
      std::to_string(injection_p95) + R"(, "p99": 0.5}}],
    "load": [{"t": 5, "phase": "baseline", "sent": 100, "answered": 100, "failed": 0,
              "statuses": {"200": 100}, "sources": {"cache": 90, "database": 10}},
             {"t": 15, "phase": "injection", "sent": 100, "answered": 100, "failed": 0,
              "statuses": {"200": )" +
      std::to_string(100 - injection_503) + R"(, "503": )" + std::to_string(injection_503) + R"(},
              "sources": {"cache": 90}}],
    "timeline": {"time": [1, 5, 9, 11, 13, 15, 17, 19],
                 "values": {"breaker_state": )" +
      breaker_series + "}}}]}";
  return read_journal(boost::json::parse(text));
}

const FigureCheck& figure(const TwinValidation& validation, const std::string& phase,
                          const std::string& name) {
  for (const FigureCheck& check : validation.figures)
    if (check.phase == phase && check.figure == name) return check;
  throw std::runtime_error("no figure " + phase + " " + name);
}

TEST(TwinValidation, AgreesWithinTargets) {
  const auto real = journal("held", 0.100, 10, "[0, 0, 0, 0, 2, 2, 1, 0]");
  const auto twin = journal("held", 0.110, 11, "[0, 0, 0, 0, 2, 2, 1, 0]");
  const TwinValidation validation = validate_twin(real, twin);
  EXPECT_TRUE(validation.verdicts_agree());
  EXPECT_TRUE(validation.within());
  const FigureCheck& p95 = figure(validation, "injection", "p95");
  EXPECT_TRUE(p95.judged);
  EXPECT_NEAR(p95.relative_error, 0.10, 1e-9);
  const FigureCheck& unavailable = figure(validation, "injection", "status 503");
  EXPECT_TRUE(unavailable.share);
  EXPECT_NEAR(unavailable.real, 0.10, 1e-9);
  EXPECT_NEAR(unavailable.twin, 0.11, 1e-9);
  EXPECT_TRUE(unavailable.within);  // 1 pp, though 10 % relative
  EXPECT_FALSE(figure(validation, "baseline", "hit rate").judged);
  ASSERT_EQ(validation.breaker_paths.size(), 2u);
  EXPECT_EQ(validation.breaker_paths[1].real, "CLOSED → OPEN → HALF_OPEN → CLOSED");
  EXPECT_EQ(validation.breaker_paths[0].real, "CLOSED");
}

TEST(TwinValidation, ATailOrAShareOutsideTheTargetFails) {
  const auto real = journal("held", 0.100, 10, "[0, 0, 0, 0, 2, 2, 1, 0]");
  const TwinValidation slow = validate_twin(real, journal("held", 0.120, 10, "[0,0,0,0,2,2,1,0]"));
  EXPECT_FALSE(figure(slow, "injection", "p95").within);  // 20 % off
  EXPECT_FALSE(slow.within());
  const TwinValidation errors = validate_twin(real, journal("held", 0.1, 14, "[0,0,0,0,2,2,1,0]"));
  EXPECT_FALSE(figure(errors, "injection", "status 503").within);  // 4 pp and 40 % off
  EXPECT_FALSE(errors.within());
}

TEST(TwinValidation, VerdictsMustAgree) {
  const auto real = journal("held", 0.1, 10, "[0, 0, 0, 0, 0, 0, 0, 0]");
  const auto twin = journal("deviated", 0.1, 10, "[0, 0, 0, 0, 0, 0, 0, 0]");
  const TwinValidation validation = validate_twin(real, twin);
  EXPECT_FALSE(validation.verdicts_agree());
  EXPECT_FALSE(validation.within());
  const Table table = validation_table(validation);
  ASSERT_FALSE(table.rows.empty());
  EXPECT_EQ(table.rows[0][5].text, "✗ must agree");
}

// A method probe of each kind a bulk test and the leak judge: the share of 503s, a latency and
// a byte count, each beside the twin's, in the journal's unit.
JournalView probes_journal(double share, double seconds, double bytes) {
  const auto run = [](const char* name, const char* unit, double value) {
    return std::string(R"({"activity": {"type": "probe", "name": ")") + name +
           R"("}, "status": "succeeded", "sre-lab": {"phase": "injection", "unit": ")" + unit +
           R"(", "value": )" + std::to_string(value) + "}}";
  };
  const std::string text = R"({"extensions": [{"name": "sre-lab", "verdict": "held"}], "run": [)" +
                           run("503s", "ratio", share) + "," + run("p75", "s", seconds) + "," +
                           run("leak", "bytes", bytes) + "]}";
  return read_journal(boost::json::parse(text));
}

TEST(TwinValidation, JudgedProbesAreShownSideBySide) {
  const TwinValidation validation =
      validate_twin(probes_journal(0.5, 2.0, 1048576), probes_journal(0.45, 2.4, 1048576));
  const FigureCheck& share = figure(validation, "injection", "probe: 503s");
  EXPECT_TRUE(share.share);
  EXPECT_NEAR(share.twin, 0.45, 1e-9);
  const FigureCheck& latency = figure(validation, "injection", "probe: p75");
  EXPECT_NEAR(latency.relative_error, 0.2, 1e-9);
  EXPECT_FALSE(latency.judged);  // shown, not part of the target
  EXPECT_TRUE(validation.within());
  const Table table = validation_table(validation);
  const auto row = std::find_if(table.rows.begin(), table.rows.end(),
                                [](const auto& cells) { return cells[1].text == "probe: leak"; });
  ASSERT_NE(row, table.rows.end());
  EXPECT_EQ((*row)[2].text, "1.0 MiB");
  EXPECT_EQ((*row)[4].text, "0 %");
}

}  // namespace
}  // namespace srelab::experiment
