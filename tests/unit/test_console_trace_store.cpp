// TraceStore: the count and byte bounds under a flood, the error and slowest pools surviving a
// flood of fast OK traces, the slow window, summaries, filters, get, merging chunks of one trace,
// and concurrent writers with a reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "console/trace_store.hpp"

namespace srelab::console {
namespace {

using telemetry::SpanData;
using telemetry::TraceChunk;
using telemetry::TraceId;
using namespace std::chrono_literals;

constexpr std::int64_t kMs = 1'000'000;                     // ns
constexpr std::int64_t kEpoch = 1'767'225'600'000'000'000;  // 2026-01-01, ns

struct TraceSpec {
  std::uint64_t id = 1;
  std::int64_t start = kEpoch;  // ns
  std::int64_t duration = 5 * kMs;
  int status = 200;
  bool error = false;
  std::string resource = "GET /products/{id}";
  std::size_t padding = 0;  // bytes of an extra tag, to vary the size
};

SpanData make_span(TraceId trace, telemetry::SpanId id, telemetry::SpanId parent, std::string name,
                   std::string resource, std::int64_t start, std::int64_t duration) {
  SpanData span;
  span.service = "sre-lab";
  span.name = std::move(name);
  span.resource = std::move(resource);
  span.trace_id = trace;
  span.span_id = id;
  span.parent_id = parent;
  span.start = start;
  span.duration = duration;
  return span;
}

// A request's chunk as the tracer hands it over: the root first, then the cache child.
TraceChunk make_trace(const TraceSpec& spec) {
  const TraceId id{0x1234, spec.id};
  SpanData cache = make_span(id, spec.id * 10 + 1, spec.id * 10, "redis.command", "GET",
                             spec.start + kMs / 10, kMs / 2);
  SpanData root =
      make_span(id, spec.id * 10, 0, "http.request", spec.resource, spec.start, spec.duration);
  root.set_metric("http.status_code", spec.status);
  if (spec.error) root.set_error("db_error", "connection refused");
  if (spec.padding) root.set_tag("padding", std::string(spec.padding, 'x'));
  return {root, cache};
}

std::string hex_of(std::uint64_t id) {
  return telemetry::to_hex(TraceId{0x1234, id});
}

bool holds(const TraceStore& store, std::uint64_t id) {
  return store.get(hex_of(id)).has_value();
}

TraceStoreSettings small_settings() {
  TraceStoreSettings settings;
  settings.max_traces = 50;
  settings.max_bytes = 1u << 20;
  settings.error_traces = 5;
  settings.slow_traces = 5;
  return settings;
}

TEST(TraceStoreBounds, CountNeverExceededUnderAFlood) {
  TraceStore store(small_settings());
  for (std::uint64_t i = 1; i <= 2000; ++i) {
    store.add(make_trace({.id = i,
                          .start = kEpoch + static_cast<std::int64_t>(i) * kMs,
                          .error = i % 7 == 0,
                          .padding = i % 13}));
    const auto stats = store.stats();
    ASSERT_LE(stats.traces, 50u) << "after trace " << i;
  }
  const auto stats = store.stats();
  EXPECT_EQ(stats.traces, 50u);
  EXPECT_EQ(stats.added, 2000u);
  EXPECT_EQ(stats.evicted, 2000u - 50u);
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_EQ(store.list({.limit = 1000}).size(), 50u);
}

TEST(TraceStoreBounds, BytesNeverExceededAndMatchWhatIsHeld) {
  const std::size_t one = estimate_bytes(make_trace({.padding = 1000}));
  TraceStoreSettings settings = small_settings();
  settings.max_traces = 10'000;
  settings.max_bytes = one * 20;
  TraceStore store(settings);
  for (std::uint64_t i = 1; i <= 1000; ++i) {
    store.add(make_trace({.id = i,
                          .start = kEpoch + static_cast<std::int64_t>(i) * kMs,
                          .duration = static_cast<std::int64_t>(i % 50) * kMs,
                          .error = i % 11 == 0,
                          .padding = (i * 37) % 1500}));
    ASSERT_LE(store.stats().bytes, settings.max_bytes) << "after trace " << i;
  }
  // The accounting is exact: the bytes are those of the traces still held.
  std::size_t held = 0;
  const auto summaries = store.list({.limit = 100'000});
  for (const auto& summary : summaries) held += estimate_bytes(*store.get(summary.trace_id));
  const auto stats = store.stats();
  EXPECT_EQ(stats.bytes, held);
  EXPECT_EQ(stats.traces, summaries.size());
  EXPECT_GT(stats.traces, 10u);  // the budget is used, not left idle
  EXPECT_EQ(stats.evicted + stats.traces, stats.added);
}

TEST(TraceStoreBounds, RejectsEmptyChunksAndTracesAboveAQuarterOfTheBudget) {
  TraceStoreSettings settings = small_settings();
  settings.max_bytes = 40'000;
  TraceStore store(settings);
  store.add({});
  store.add(make_trace({.id = 1, .padding = 10'001}));  // > 10'000 = max_bytes / 4
  store.add(make_trace({.id = 2, .padding = 100}));
  const auto stats = store.stats();
  EXPECT_EQ(stats.rejected, 2u);
  EXPECT_EQ(stats.added, 1u);
  EXPECT_FALSE(holds(store, 1));
  EXPECT_TRUE(holds(store, 2));
}

TEST(TraceStoreBounds, RefusesSettingsThatLeaveNoRoomForRecentTraces) {
  EXPECT_THROW(TraceStore({.max_traces = 0}), std::invalid_argument);
  EXPECT_THROW(TraceStore({.max_traces = 10, .max_bytes = 0}), std::invalid_argument);
  EXPECT_THROW(
      TraceStore({.max_traces = 10, .max_bytes = 1000, .error_traces = 5, .slow_traces = 5}),
      std::invalid_argument);
  EXPECT_NO_THROW(
      TraceStore({.max_traces = 11, .max_bytes = 1000, .error_traces = 5, .slow_traces = 5}));
}

TEST(TraceStoreRetention, ErrorAndSlowTracesSurviveAFloodOfFastOkOnes) {
  TraceStore store(small_settings());
  std::int64_t clock = kEpoch;
  // The error trace is as fast as the flood: only the error pool can keep it.
  store.add(make_trace({.id = 1, .start = clock, .duration = kMs, .status = 503, .error = true}));
  store.add(make_trace({.id = 2, .start = clock, .duration = 2'500 * kMs}));
  for (std::uint64_t i = 100; i < 10'100; ++i) {
    clock += kMs;
    store.add(make_trace({.id = i, .start = clock, .duration = kMs}));
  }
  EXPECT_TRUE(holds(store, 1));
  EXPECT_TRUE(holds(store, 2));
  EXPECT_LE(store.stats().traces, 50u);

  const auto errors = store.list({.status = TraceStatus::error});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].trace_id, hex_of(1));
  const auto slow = store.list({.min_duration = 1s});
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_EQ(slow[0].trace_id, hex_of(2));
}

TEST(TraceStoreRetention, TheErrorPoolKeepsTheLatestErrors) {
  TraceStore store(small_settings());  // 5 error traces
  std::int64_t clock = kEpoch;
  for (std::uint64_t e = 1; e <= 8; ++e) {
    store.add(make_trace({.id = e, .start = clock, .duration = kMs, .status = 500, .error = true}));
    for (std::uint64_t i = 0; i < 200; ++i) {
      clock += kMs;
      store.add(make_trace({.id = 1000 * e + i, .start = clock, .duration = kMs}));
    }
  }
  // As fast as the rest: nothing but the error pool holds them.
  for (std::uint64_t e = 1; e <= 3; ++e) EXPECT_FALSE(holds(store, e)) << e;
  for (std::uint64_t e = 4; e <= 8; ++e) EXPECT_TRUE(holds(store, e)) << e;
  EXPECT_EQ(store.stats().errors, 5u);
}

TEST(TraceStoreRetention, TheSlowestPoolKeepsTheSlowestOfTheWindow) {
  TraceStore store(small_settings());  // 5 slow traces, a 15-minute window
  std::int64_t clock = kEpoch;
  // Durations 100..1000 ms in a shuffled order, each followed by a flood of fast traces.
  const std::vector<std::int64_t> durations = {300, 1000, 100, 700, 500, 900, 200, 800, 400, 600};
  for (std::size_t k = 0; k < durations.size(); ++k) {
    store.add(make_trace({.id = k + 1, .start = clock, .duration = durations[k] * kMs}));
    for (std::uint64_t i = 0; i < 100; ++i) {
      clock += kMs;
      store.add(make_trace({.id = 1000 * (k + 1) + i, .start = clock, .duration = kMs}));
    }
  }
  std::vector<std::int64_t> kept;
  for (const auto& summary : store.list({.min_duration = 50ms, .limit = 100}))
    kept.push_back(summary.duration / kMs);
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(kept, (std::vector<std::int64_t>{600, 700, 800, 900, 1000}));
}

TEST(TraceStoreRetention, ErrorsHoldAtMostAQuarterOfTheBytes) {
  const std::size_t big =
      estimate_bytes(make_trace({.status = 500, .error = true, .padding = 10'000}));
  TraceStoreSettings settings = small_settings();
  settings.max_bytes = big * 16;  // a quarter is 4 big traces
  TraceStore store(settings);
  std::int64_t clock = kEpoch;
  for (std::uint64_t id = 1; id <= 20; ++id)
    store.add(make_trace({.id = id,
                          .start = clock += kMs,
                          .duration = kMs,
                          .status = 500,
                          .error = true,
                          .padding = 10'000}));
  for (std::uint64_t id = 100; id < 1100; ++id)
    store.add(make_trace({.id = id, .start = clock += kMs, .duration = kMs}));
  const auto stats = store.stats();
  EXPECT_EQ(stats.errors, 4u);
  EXPECT_EQ(store.list({.status = TraceStatus::error}).size(), 4u);
  for (std::uint64_t id = 17; id <= 20; ++id) EXPECT_TRUE(holds(store, id)) << id;
  EXPECT_GT(stats.recent, 20u) << "the recent pool keeps the rest of the budget";
}

TEST(TraceStoreRetention, AmongEquallySlowTracesTheNewerStay) {
  TraceStore store(small_settings());  // 5 slow traces
  std::int64_t clock = kEpoch;
  for (std::uint64_t id = 1; id <= 6; ++id)
    store.add(make_trace({.id = id, .start = clock += kMs, .duration = 300 * kMs}));
  for (std::uint64_t i = 100; i < 200; ++i)
    store.add(make_trace({.id = i, .start = clock += kMs, .duration = kMs}));
  EXPECT_FALSE(holds(store, 1));
  for (std::uint64_t id = 2; id <= 6; ++id) EXPECT_TRUE(holds(store, id)) << id;
}

TEST(TraceStoreRetention, ASlowTraceOlderThanTheWindowGivesWay) {
  TraceStoreSettings settings = small_settings();
  settings.slow_window = 60s;
  TraceStore store(settings);
  store.add(make_trace({.id = 1, .start = kEpoch, .duration = 5'000 * kMs}));
  std::int64_t clock = kEpoch;
  for (std::uint64_t i = 100; i < 400; ++i) {  // 300 fast traces, 1 s apart: 5 minutes
    clock += 1'000 * kMs;
    store.add(make_trace({.id = i, .start = clock, .duration = kMs}));
    if (i == 150) {
      EXPECT_TRUE(holds(store, 1)) << "still within the window";
    }
  }
  EXPECT_FALSE(holds(store, 1));
}

TEST(TraceStoreSummaries, DescribeTheRootSpanAndTheKeyTags) {
  TraceStore store;
  const TraceId id{0xabc, 42};
  SpanData db = make_span(id, 3, 1, "postgres.query", "product.by_id", kEpoch + 2 * kMs, 30 * kMs);
  db.set_metric("db.pool.active", 3);
  SpanData fallback = make_span(id, 4, 1, "logic.fallback", "fallback", kEpoch + 40 * kMs, 1 * kMs);
  fallback.set_tag("app.fallback_used", "true");
  fallback.set_tag("resilience.circuit_breaker.state", "OPEN");
  SpanData root = make_span(id, 1, 0, "http.request", "GET /products/{id}", kEpoch, 45 * kMs);
  root.set_tag("http.status_code", "200");  // as meta this time
  store.add({root, db, fallback});

  const auto summaries = store.list({});
  ASSERT_EQ(summaries.size(), 1u);
  const TraceSummary& summary = summaries[0];
  EXPECT_EQ(summary.trace_id, "0000000000000abc000000000000002a");
  EXPECT_EQ(summary.service, "sre-lab");
  EXPECT_EQ(summary.name, "http.request");
  EXPECT_EQ(summary.resource, "GET /products/{id}");
  EXPECT_EQ(summary.start, kEpoch);
  EXPECT_EQ(summary.duration, 45 * kMs);
  EXPECT_FALSE(summary.error);
  EXPECT_EQ(summary.status_code, 200);
  EXPECT_EQ(summary.span_count, 3u);
  using Tags = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(summary.tags, (Tags{{"app.fallback_used", "true"},
                                {"resilience.circuit_breaker.state", "OPEN"},
                                {"db.pool.active", "3"}}));
}

TEST(TraceStoreSummaries, DurationSpansFromTheEarliestStartToTheLatestEnd) {
  TraceStore store;
  const TraceId id{0, 7};
  // A continued trace (the root's parent is in the gateway) whose child outlives the root.
  SpanData child = make_span(id, 2, 1, "redis.command", "SET", kEpoch + 10 * kMs, 50 * kMs);
  SpanData root = make_span(id, 1, 99, "http.request", "GET /products/{id}", kEpoch, 20 * kMs);
  root.set_metric("http.status_code", 503);
  store.add({root, child});
  const auto summary = store.list({}).at(0);
  EXPECT_EQ(summary.name, "http.request");  // the local root: the chunk's first span
  EXPECT_EQ(summary.duration, 60 * kMs);
  EXPECT_TRUE(summary.error) << "a 5xx answer is an error even without the span flag";
  EXPECT_EQ(summary.status_code, 503);
}

class TraceStoreFilters : public ::testing::Test {
 protected:
  void SetUp() override {
    add(1, 5, 200, false, "GET /products/{id}");
    add(2, 900, 200, false, "GET /products/bulk/test");
    add(3, 30, 503, true, "GET /products/{id}", "resilience.circuit_breaker.state", "OPEN");
    add(4, 12, 200, false, "GET /products/{id}", "app.fallback_used", "true");
    add(5, 250, 500, true, "POST /chaos/configure");
  }
  void add(std::uint64_t id, std::int64_t ms, int status, bool error, std::string resource,
           std::string tag_key = {}, std::string tag_value = {}) {
    TraceChunk chunk = make_trace({.id = id,
                                   .start = kEpoch + static_cast<std::int64_t>(id),
                                   .duration = ms * kMs,
                                   .status = status,
                                   .error = error,
                                   .resource = std::move(resource)});
    if (!tag_key.empty()) chunk.back().set_tag(tag_key, tag_value);  // on the child span
    store.add(std::move(chunk));
  }
  std::vector<std::uint64_t> ids(const TraceFilter& filter) const {
    std::vector<std::uint64_t> found;
    for (const auto& summary : store.list(filter))
      found.push_back(telemetry::parse_trace_id_hex(summary.trace_id)->low);
    return found;
  }
  using Ids = std::vector<std::uint64_t>;
  TraceStore store;
};

TEST_F(TraceStoreFilters, NoFilterListsEverythingNewestFirst) {
  EXPECT_EQ(ids({}), (Ids{5, 4, 3, 2, 1}));
}

TEST_F(TraceStoreFilters, ByStatus) {
  EXPECT_EQ(ids({.status = TraceStatus::error}), (Ids{5, 3}));
  EXPECT_EQ(ids({.status = TraceStatus::ok}), (Ids{4, 2, 1}));
}

TEST_F(TraceStoreFilters, ByMinimumDuration) {
  EXPECT_EQ(ids({.min_duration = 30ms}), (Ids{5, 3, 2}));
  EXPECT_EQ(ids({.min_duration = 901ms}), Ids{});
}

TEST_F(TraceStoreFilters, ByResourceSubstringIgnoringCase) {
  EXPECT_EQ(ids({.resource = "BULK"}), (Ids{2}));
  EXPECT_EQ(ids({.resource = "/products/"}), (Ids{4, 3, 2, 1}));
}

TEST_F(TraceStoreFilters, ByTagOnAnySpan) {
  EXPECT_EQ(ids({.tag = "resilience.circuit_breaker.state:OPEN"}), (Ids{3}));
  EXPECT_EQ(ids({.tag = "resilience.circuit_breaker.state:CLOSED"}), Ids{});
  EXPECT_EQ(ids({.tag = "app.fallback_used"}), (Ids{4}));
  EXPECT_EQ(ids({.tag = "http.status_code:503"}), (Ids{3})) << "a metric compares as its number";
  EXPECT_EQ(ids({.tag = "error.type:db_error"}), (Ids{5, 3}));
}

TEST_F(TraceStoreFilters, CombinedAndLimited) {
  EXPECT_EQ(ids({.status = TraceStatus::ok, .resource = "{id}", .limit = 1}), (Ids{4}));
  EXPECT_EQ(ids({.status = TraceStatus::error, .min_duration = 100ms}), (Ids{5}));
  EXPECT_EQ(ids({.limit = 0}), Ids{});
}

TEST(TraceStoreFilterParsing, StatusWords) {
  EXPECT_EQ(parse_trace_status(""), TraceStatus::any);
  EXPECT_EQ(parse_trace_status("any"), TraceStatus::any);
  EXPECT_EQ(parse_trace_status("ok"), TraceStatus::ok);
  EXPECT_EQ(parse_trace_status("error"), TraceStatus::error);
  EXPECT_EQ(parse_trace_status("ERROR"), std::nullopt);
  EXPECT_EQ(parse_trace_status("5xx"), std::nullopt);
}

TEST(TraceStoreGet, ReturnsTheWholeChunkOrNothing) {
  TraceStore store;
  const TraceChunk chunk = make_trace({.id = 9, .error = true});
  store.add(chunk);
  const auto found = store.get(hex_of(9));
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].name, "http.request");
  EXPECT_EQ((*found)[0].meta.at("error.message"), "connection refused");
  EXPECT_EQ((*found)[1].span_id, chunk[1].span_id);
  EXPECT_FALSE(store.get(hex_of(10)));
  EXPECT_FALSE(store.get("not-hex"));
  EXPECT_FALSE(store.get(hex_of(9).substr(16))) << "16 digits are not a whole trace id";
}

TEST(TraceStoreMerge, ChunksOfOneTraceBecomeOneEntry) {
  TraceStoreSettings settings = small_settings();
  TraceStore store(settings);
  TraceChunk first = make_trace({.id = 5, .duration = 10 * kMs});
  // A later chunk of the same trace (the service called again in the same trace), failed.
  SpanData again = make_span(first[0].trace_id, 77, 1, "http.request", "GET /products/{id}",
                             kEpoch + 100 * kMs, 2 * kMs);
  again.set_error("timeout", "upstream");
  store.add(first);
  store.add({again});
  const auto stats = store.stats();
  EXPECT_EQ(stats.traces, 1u);
  EXPECT_EQ(stats.added, 2u);
  EXPECT_EQ(stats.errors, 1u) << "the merged trace now has an error";
  EXPECT_EQ(stats.bytes, estimate_bytes(*store.get(hex_of(5))));
  const auto summary = store.list({}).at(0);
  EXPECT_EQ(summary.span_count, 3u);
  EXPECT_EQ(summary.duration, 102 * kMs);
  EXPECT_EQ(summary.name, "http.request");
  EXPECT_EQ(summary.status_code, 200) << "the summary still describes the first root";
  EXPECT_TRUE(summary.error);
}

TEST(TraceStoreConcurrency, WritersAndAReaderKeepTheBounds) {
  TraceStore store(small_settings());
  std::atomic<bool> done{false};
  std::atomic<std::size_t> worst{0};
  std::thread reader([&] {
    while (!done.load()) {
      const auto listed = store.list({.limit = 1000}).size();
      worst.store(std::max(worst.load(), listed));
      for (const auto& summary : store.list({.status = TraceStatus::error, .limit = 3}))
        (void)store.get(summary.trace_id);
    }
  });
  std::vector<std::thread> writers;
  for (std::uint64_t w = 0; w < 3; ++w) {
    writers.emplace_back([&store, w] {
      for (std::uint64_t i = 0; i < 3000; ++i) {
        const std::uint64_t id = w * 1'000'000 + i + 1;
        store.add(make_trace({.id = id,
                              .start = kEpoch + static_cast<std::int64_t>(i) * kMs,
                              .duration = static_cast<std::int64_t>(i % 97) * kMs,
                              .error = i % 50 == 0}));
      }
    });
  }
  for (auto& writer : writers) writer.join();
  done.store(true);
  reader.join();
  const auto stats = store.stats();
  EXPECT_EQ(stats.added, 9000u);
  EXPECT_EQ(stats.traces, 50u);
  EXPECT_EQ(stats.evicted, 9000u - 50u);
  EXPECT_LE(worst.load(), 50u);
}

}  // namespace
}  // namespace srelab::console
