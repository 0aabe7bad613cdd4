// LogStore: sequence numbers and polling with after_sequence, the count and byte bounds under a
// flood, the filters (level, text ignoring case, trace id in both spellings, limit), and
// concurrent writers.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "console/log_store.hpp"

namespace srelab::console {
namespace {

using telemetry::LogLevel;
using telemetry::LogRecord;
using telemetry::TraceId;

LogRecord make_record(std::string message, LogLevel level = LogLevel::info, TraceId trace = {},
                      std::string logger = "catalog.product_service") {
  LogRecord record;
  record.time = Clock::wall_time{} + std::chrono::seconds(1'767'225'600);
  record.level = level;
  record.logger = std::move(logger);
  record.message = std::move(message);
  record.trace_id = trace;
  record.span_id = trace.is_zero() ? 0 : 7;
  return record;
}

std::vector<std::uint64_t> sequences(const LogPage& page) {
  std::vector<std::uint64_t> found;
  for (const auto& log : page.records) found.push_back(log.sequence);
  return found;
}

using Seqs = std::vector<std::uint64_t>;

TEST(LogStoreSequence, NumbersRecordsFromOneAndListsNewestFirst) {
  LogStore store;
  EXPECT_EQ(store.list({}).last_sequence, 0u);
  EXPECT_EQ(store.add(make_record("a")), 1u);
  EXPECT_EQ(store.add(make_record("b")), 2u);
  EXPECT_EQ(store.add(make_record("c")), 3u);
  const LogPage page = store.list({});
  EXPECT_EQ(sequences(page), (Seqs{3, 2, 1}));
  EXPECT_EQ(page.records[0].record.message, "c");
  EXPECT_EQ(page.last_sequence, 3u);
}

TEST(LogStoreSequence, PollingWithAfterSequenceGivesOnlyNewLines) {
  LogStore store;
  for (int i = 0; i < 5; ++i) store.add(make_record("line " + std::to_string(i)));
  LogPage first = store.list({});
  EXPECT_EQ(first.records.size(), 5u);

  LogPage nothing_new = store.list({.after_sequence = first.last_sequence});
  EXPECT_TRUE(nothing_new.records.empty());
  EXPECT_EQ(nothing_new.last_sequence, 5u);

  store.add(make_record("line 5"));
  store.add(make_record("line 6"));
  LogPage next = store.list({.after_sequence = nothing_new.last_sequence});
  EXPECT_EQ(sequences(next), (Seqs{7, 6}));
  EXPECT_EQ(next.last_sequence, 7u);
}

TEST(LogStoreSequence, APollerThatFellBehindGetsTheNewestLimit) {
  LogStore store;
  for (int i = 0; i < 10; ++i) store.add(make_record("x"));
  EXPECT_EQ(sequences(store.list({.limit = 3, .after_sequence = 2})), (Seqs{10, 9, 8}));
}

TEST(LogStoreSequence, NumbersKeepGrowingPastEvictions) {
  LogStore store({.max_records = 3});
  for (int i = 0; i < 10; ++i) store.add(make_record("x"));
  EXPECT_EQ(sequences(store.list({})), (Seqs{10, 9, 8}));
  // A poller whose last line was evicted still gets what came after it.
  EXPECT_EQ(sequences(store.list({.after_sequence = 1})), (Seqs{10, 9, 8}));
}

TEST(LogStoreBounds, CountAndBytesNeverExceededUnderAFlood) {
  const std::size_t typical = estimate_bytes(make_record(std::string(100, 'm')));
  const LogStoreSettings settings{.max_records = 500, .max_bytes = typical * 100};
  LogStore store(settings);
  for (int i = 0; i < 5000; ++i) {
    LogRecord record = make_record(std::string(static_cast<std::size_t>(i % 250), 'm'));
    if (i % 3 == 0) record.fields.emplace_back("product_id", std::to_string(i));
    store.add(std::move(record));
    const auto stats = store.stats();
    ASSERT_LE(stats.records, settings.max_records);
    ASSERT_LE(stats.bytes, settings.max_bytes);
  }
  const auto stats = store.stats();
  std::size_t held = 0;
  const LogPage page = store.list({.limit = 100'000});
  for (const auto& log : page.records) held += estimate_bytes(log.record);
  EXPECT_EQ(stats.bytes, held);
  EXPECT_EQ(stats.records, page.records.size());
  EXPECT_EQ(stats.evicted + stats.records, 5000u);
  EXPECT_EQ(stats.last_sequence, 5000u);
  EXPECT_EQ(page.records.front().sequence, 5000u) << "the newest stay";
}

TEST(LogStoreBounds, CountBoundAloneKeepsTheNewest) {
  LogStore store({.max_records = 100});
  for (int i = 0; i < 1000; ++i) store.add(make_record("x"));
  const auto stats = store.stats();
  EXPECT_EQ(stats.records, 100u);
  EXPECT_EQ(stats.evicted, 900u);
  EXPECT_EQ(store.list({.limit = 1000}).records.back().sequence, 901u);
}

TEST(LogStoreBounds, ARecordLargerThanTheBudgetIsRejected) {
  LogStore store({.max_records = 10, .max_bytes = 1000});
  EXPECT_EQ(store.add(make_record(std::string(2000, 'x'))), 0u);
  EXPECT_EQ(store.add(make_record("fits")), 1u);
  const auto stats = store.stats();
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_EQ(stats.records, 1u);
}

TEST(LogStoreBounds, RefusesZeroBounds) {
  EXPECT_THROW(LogStore({.max_records = 0}), std::invalid_argument);
  EXPECT_THROW(LogStore({.max_records = 1, .max_bytes = 0}), std::invalid_argument);
}

class LogStoreFilters : public ::testing::Test {
 protected:
  void SetUp() override {
    store.add(make_record("cache miss for product 42", LogLevel::debug, kTraceA));      // 1
    store.add(make_record("Database query failed", LogLevel::error, kTraceA));          // 2
    store.add(make_record("served from fallback", LogLevel::warning, kTraceB));         // 3
    store.add(make_record("listening on 127.0.0.1:8080", LogLevel::info, {}, "http"));  // 4
    LogRecord with_field = make_record("breaker opened", LogLevel::warning);            // 5
    with_field.fields.emplace_back("reason", "\"failure rate 60% >= 50%\"");
    store.add(std::move(with_field));
  }
  static constexpr TraceId kTraceA{0x1111, 0xaaaa};
  static constexpr TraceId kTraceB{0x2222, 0xbbbb};
  LogStore store;
};

TEST_F(LogStoreFilters, ByMinimumLevel) {
  EXPECT_EQ(sequences(store.list({.min_level = LogLevel::debug})), (Seqs{5, 4, 3, 2, 1}));
  EXPECT_EQ(sequences(store.list({.min_level = LogLevel::info})), (Seqs{5, 4, 3, 2}));
  EXPECT_EQ(sequences(store.list({.min_level = LogLevel::warning})), (Seqs{5, 3, 2}));
  EXPECT_EQ(sequences(store.list({.min_level = LogLevel::error})), (Seqs{2}));
}

TEST_F(LogStoreFilters, ByTextIgnoringCaseInMessageLoggerAndFields) {
  EXPECT_EQ(sequences(store.list({.text = "DATABASE"})), (Seqs{2}));
  EXPECT_EQ(sequences(store.list({.text = "PRODUCT"})), (Seqs{5, 3, 2, 1}))
      << "the logger's name too";
  EXPECT_EQ(sequences(store.list({.text = "Failure Rate"})), (Seqs{5})) << "a field's value";
  EXPECT_EQ(sequences(store.list({.text = "no such text"})), Seqs{});
}

TEST_F(LogStoreFilters, ByTraceIdInEitherSpelling) {
  EXPECT_EQ(sequences(store.list({.trace_id = telemetry::to_hex(kTraceA)})), (Seqs{2, 1}));
  EXPECT_EQ(sequences(store.list({.trace_id = telemetry::to_hex16(kTraceB.low)})), (Seqs{3}));
  EXPECT_EQ(sequences(store.list({.trace_id = telemetry::to_hex(TraceId{1, 0xaaaa})})), Seqs{});
  EXPECT_EQ(sequences(store.list({.trace_id = "zz"})), Seqs{}) << "a bad id matches nothing";
  EXPECT_EQ(sequences(store.list({.trace_id = std::string(32, '0')})), Seqs{})
      << "lines without a trace are not the zero trace's";
}

TEST_F(LogStoreFilters, CombinedWithLimitAndAfterSequence) {
  EXPECT_EQ(sequences(store.list({.min_level = LogLevel::warning, .limit = 2})), (Seqs{5, 3}));
  EXPECT_EQ(sequences(store.list({.min_level = LogLevel::warning, .after_sequence = 3})),
            (Seqs{5}));
  EXPECT_EQ(sequences(store.list({.trace_id = telemetry::to_hex(kTraceA), .after_sequence = 1})),
            (Seqs{2}));
  EXPECT_EQ(store.list({.limit = 0}).records.size(), 0u);
}

TEST(LogStoreRecords, KeepEveryField) {
  LogStore store;
  LogRecord record = make_record("hello", LogLevel::warning, TraceId{3, 4}, "lab");
  record.fields.emplace_back("n", "5");
  store.add(record);
  const StoredLog stored = store.list({}).records.at(0);
  EXPECT_EQ(stored.record.time, record.time);
  EXPECT_EQ(stored.record.level, LogLevel::warning);
  EXPECT_EQ(stored.record.logger, "lab");
  EXPECT_EQ(stored.record.message, "hello");
  EXPECT_EQ(stored.record.trace_id, (TraceId{3, 4}));
  EXPECT_EQ(stored.record.span_id, 7u);
  EXPECT_EQ(stored.record.fields, record.fields);
}

TEST(LogStoreConcurrency, WritersGetDistinctIncreasingSequences) {
  LogStore store({.max_records = 100'000});
  std::vector<std::vector<std::uint64_t>> given(4);
  std::vector<std::thread> writers;
  for (std::size_t w = 0; w < given.size(); ++w) {
    writers.emplace_back([&store, &given, w] {
      for (int i = 0; i < 2000; ++i) given[w].push_back(store.add(make_record("x")));
    });
  }
  std::atomic<bool> done{false};
  std::thread poller([&] {
    std::uint64_t after = 0;
    while (!done.load()) {
      const LogPage page = store.list({.limit = 100'000, .after_sequence = after});
      for (std::size_t i = 1; i < page.records.size(); ++i)
        ASSERT_GT(page.records[i - 1].sequence, page.records[i].sequence);
      after = page.last_sequence;
    }
  });
  for (auto& writer : writers) writer.join();
  done.store(true);
  poller.join();
  std::vector<std::uint64_t> all;
  for (const auto& list : given) {
    for (std::size_t i = 1; i < list.size(); ++i) EXPECT_LT(list[i - 1], list[i]);
    all.insert(all.end(), list.begin(), list.end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), 8000u);
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], i + 1);
}

}  // namespace
}  // namespace srelab::console
