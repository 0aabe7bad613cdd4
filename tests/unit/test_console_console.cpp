// The Console's recording, without I/O: the bounds a user chooses, the chaos bands drawn from the
// chaos settings, the log sink and the trace intake (pre-check, then store).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "console/console.hpp"
#include "core/random.hpp"
#include "telemetry/logging/logger.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::console {
namespace {

using namespace std::chrono_literals;

TEST(BoundedConsoleSettings, ThePoolsFollowTheBounds) {
  const ConsoleSettings defaults = bounded_console_settings(1000, 32u << 20, 5000);
  EXPECT_EQ(defaults.traces.max_traces, 1000u);
  EXPECT_EQ(defaults.traces.max_bytes, 32u << 20);
  EXPECT_EQ(defaults.traces.error_traces, 100u);
  EXPECT_EQ(defaults.traces.slow_traces, 20u);
  EXPECT_EQ(defaults.logs.max_records, 5000u);
  EXPECT_EQ(defaults.logs.max_bytes, 5000u * 1024);

  const ConsoleSettings small = bounded_console_settings(10, 1u << 20, 10);
  EXPECT_EQ(small.traces.error_traces, 1u);
  EXPECT_EQ(small.traces.slow_traces, 0u);
  EXPECT_NO_THROW(TraceStore{small.traces}) << "the store accepts what the bounds give";

  EXPECT_THROW(bounded_console_settings(9, 1u << 20, 10), std::invalid_argument);
  EXPECT_THROW(bounded_console_settings(10, 0, 10), std::invalid_argument);
  EXPECT_THROW(bounded_console_settings(10, 1u << 20, 0), std::invalid_argument);
}

TEST(DescribeChaos, NamesTheFaultsInForce) {
  EXPECT_EQ(describe_chaos({}), "");
  chaos::ChaosSettings settings;
  settings.db_failure_rate = 1;
  settings.db_latency_s = 0.2;
  EXPECT_EQ(describe_chaos(settings), "db_failure_rate=1, db_latency=0.2s");
  settings.duration_s = 60;
  EXPECT_EQ(describe_chaos(settings), "db_failure_rate=1, db_latency=0.2s, for 60s");

  chaos::ChaosSettings cache;
  cache.cache_failure_rate = 0.5;
  cache.cache_latency_s = 0.05;
  cache.saturation_ms_per_query = 0;
  EXPECT_EQ(describe_chaos(cache),
            "cache_failure_rate=0.5, cache_latency=0.05s, saturation_ms_per_query=0");

  chaos::ChaosSettings seeded;
  seeded.seed = 7;
  seeded.duration_s = 30;
  EXPECT_EQ(describe_chaos(seeded), "") << "a seed or a duration alone is no fault";
}

class ConsoleTest : public ::testing::Test {
 protected:
  ManualClock clock_;
  Console console_{bounded_console_settings(10, 1u << 20, 3), clock_};
};

TEST_F(ConsoleTest, ChaosChangesOpenAndCloseBands) {
  chaos::ChaosSettings failing;
  failing.db_failure_rate = 1;
  const auto t0 = clock_.wall();
  console_.observe_chaos(failing, t0);
  console_.observe_chaos(failing, t0 + 1s);  // the sampler seeing the same: nothing new
  chaos::ChaosSettings slower = failing;
  slower.db_latency_s = 1;
  console_.observe_chaos(slower, t0 + 2s);  // replaced: one band ends, the next starts
  console_.observe_chaos({}, t0 + 5s);      // reset
  console_.observe_chaos({}, t0 + 6s);      // still none: nothing

  const TimelineView view = console_.timeline().points(Clock::wall_time{});
  ASSERT_EQ(view.chaos.size(), 2u);
  EXPECT_EQ(view.chaos[0].start, t0);
  EXPECT_EQ(view.chaos[0].end, t0 + 2s);
  EXPECT_EQ(view.chaos[0].description, "db_failure_rate=1");
  EXPECT_EQ(view.chaos[1].start, t0 + 2s);
  EXPECT_EQ(view.chaos[1].end, t0 + 5s);
  EXPECT_EQ(view.chaos[1].description, "db_failure_rate=1, db_latency=1s");
}

TEST_F(ConsoleTest, TheLogSinkFillsTheBoundedStore) {
  auto sink = console_.log_sink();
  for (int i = 0; i < 5; ++i) {
    telemetry::LogRecord record;
    record.message = "line " + std::to_string(i);
    sink->write(record, "{}\n");
  }
  const LogPage page = console_.logs().list({});
  ASSERT_EQ(page.records.size(), 3u) << "max_records is 3";
  EXPECT_EQ(page.records.front().record.message, "line 4");
  EXPECT_EQ(page.last_sequence, 5u);
}

TEST_F(ConsoleTest, TheLogSinkKeepsEveryTracedFailureAndCountsWhatStdoutMissed) {
  Console console{bounded_console_settings(10, 1u << 20, 100), clock_};
  telemetry::Logger logger({.service = "sre-lab", .env = "lab", .version = "1"}, clock_);
  logger.add_sink(console.log_sink());  // the default limit: 5 a message per 10 s
  Random random{3};
  telemetry::Tracer tracer{telemetry::TracerSettings{"sre-lab", "lab", "1", {}}, random, clock_};
  for (int i = 0; i < 50; ++i) {
    telemetry::Span span = tracer.start_root([](telemetry::TraceChunk&&) {}, "http.request");
    logger.error("catalog.product_service", "database query failed", &span);
    const LogPage beside = console.logs().list({.trace_id = telemetry::to_hex(span.trace_id())});
    EXPECT_EQ(beside.records.size(), 1u) << "the failed trace " << i << " has its log line";
  }
  for (int i = 0; i < 7; ++i) logger.info("app", "untraced repeat");
  const LogPage page = console.logs().list({});
  EXPECT_EQ(page.records.size(), 55u) << "50 traced errors, 5 of the untraced repeats";
  EXPECT_EQ(page.suppressed, 47u) << "45 errors and 2 repeats kept from stdout";
  EXPECT_EQ(console.logs().stats().suppressed, 47u);
  EXPECT_EQ(logger.suppressed_total(), 47u);
}

TEST_F(ConsoleTest, AnAdmittedTraceIsListed) {
  telemetry::SpanData root;
  root.name = "http.request";
  root.resource = "GET /products/{id}";
  root.trace_id = {0, 42};
  root.span_id = 7;
  root.start = 1'767'225'600'000'000'000;
  root.duration = 1'000'000;
  root.set_error("HTTP 503", "pool exhausted");
  telemetry::TraceChunk chunk{root};
  ASSERT_TRUE(console_.wants_trace(chunk));
  console_.add_trace(std::move(chunk));

  telemetry::TraceChunk own{root};
  own.back().resource = "GET /console/api/traces";
  EXPECT_FALSE(console_.wants_trace(own));

  const auto listed = console_.traces().list({});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].trace_id, "0000000000000000000000000000002a");
  EXPECT_TRUE(listed[0].error);
}

}  // namespace
}  // namespace srelab::console
