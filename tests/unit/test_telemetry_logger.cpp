#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "telemetry/logging/logger.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::telemetry {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

struct Captured {
  LogRecord record;
  std::string line;
};

// A sink like stdout by default; with keeps_traced_problems, like the console's store.
class CapturingSink final : public LogSink {
 public:
  explicit CapturingSink(bool keeps_traced_problems = false)
      : keeps_traced_problems_(keeps_traced_problems) {}
  void write(const LogRecord& record, std::string_view json_line) override {
    const std::lock_guard lock(mutex_);
    lines_.push_back({record, std::string(json_line)});
  }
  bool keeps_traced_problems() const override { return keeps_traced_problems_; }
  void count_suppressed() override {
    const std::lock_guard lock(mutex_);
    ++suppressed_;
  }
  std::vector<Captured> lines() const {
    const std::lock_guard lock(mutex_);
    return lines_;
  }
  std::uint64_t suppressed() const {
    const std::lock_guard lock(mutex_);
    return suppressed_;
  }

 private:
  const bool keeps_traced_problems_;
  mutable std::mutex mutex_;
  std::vector<Captured> lines_;
  std::uint64_t suppressed_ = 0;
};

std::vector<std::string> keys_of(const json::object& object) {
  std::vector<std::string> keys;
  for (const auto& entry : object) keys.emplace_back(entry.key());
  return keys;
}

json::object parse_line(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line: " << line;
  return json::parse(line).as_object();
}

class LoggerTest : public ::testing::Test {
 protected:
  LoggerSettings settings(bool injection = true) {
    LoggerSettings s;
    s.service = "sre-lab";
    s.env = "lab";
    s.version = "1.2.3";
    s.injection = injection;
    return s;
  }
  // A logger writing to sink_, with `s` as its settings.
  std::unique_ptr<Logger> make(LoggerSettings s) {
    auto logger = std::make_unique<Logger>(std::move(s), clock_);
    logger->add_sink(sink_);
    return logger;
  }

  ManualClock clock_;  // wall time 2026-01-01T00:00:00Z
  std::shared_ptr<CapturingSink> sink_ = std::make_shared<CapturingSink>();
  Random random_{11};
  Tracer tracer_{TracerSettings{"sre-lab", "lab", "1.2.3", {}}, random_, clock_};
};

TEST(LogLevel, Names) {
  EXPECT_EQ(to_string(LogLevel::debug), "debug");
  EXPECT_EQ(to_string(LogLevel::info), "info");
  EXPECT_EQ(to_string(LogLevel::warning), "warning");
  EXPECT_EQ(to_string(LogLevel::error), "error");
}

TEST(LogTime, Rfc3339UtcWithMillisecondsTruncated) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  const Clock::wall_time epoch{};
  EXPECT_EQ(format_log_time(epoch), "1970-01-01T00:00:00.000Z");
  // 2000-02-29 (a leap day) 23:59:59.999999 — microseconds are cut, not rounded up to March.
  EXPECT_EQ(format_log_time(epoch + seconds(951868799) + std::chrono::microseconds(999999)),
            "2000-02-29T23:59:59.999Z");
  // 2026-11-27T08:22:37.123Z
  EXPECT_EQ(format_log_time(epoch + seconds(1795767757) + milliseconds(123)),
            "2026-11-27T08:22:37.123Z");
  ManualClock clock;
  clock.advance(milliseconds(61'007));
  EXPECT_EQ(format_log_time(clock.wall()), "2026-01-01T00:01:01.007Z");
}

TEST_F(LoggerTest, LineHasTheFieldsInOrderWithTheSpanIds) {
  auto logger = make(settings());
  clock_.advance(1234ms);
  Span span = tracer_.start_root([](TraceChunk&&) {}, "http.request");
  logger->warning("catalog.product_service", "cache unavailable", &span,
                  {string_field("product_id", "42"), integer_field("attempt", 2)});

  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 1u);
  // A fresh id has a random high half, so by default the line carries all 128 bits.
  ASSERT_NE(span.trace_id().high, 0u);
  const std::string trace_id = to_hex(span.trace_id());
  const std::string span_id = std::to_string(span.span_id());
  ASSERT_NE(span.span_id(), 0u);
  EXPECT_EQ(lines[0].line,
            "{\"time\":\"2026-01-01T00:00:01.234Z\",\"level\":\"warning\",\"status\":\"warning\","
            "\"message\":\"cache unavailable\",\"logger\":\"catalog.product_service\","
            "\"logger.name\":\"catalog.product_service\",\"dd.trace_id\":\"" +
                trace_id + "\",\"dd.span_id\":\"" + span_id +
                "\",\"dd.service\":\"sre-lab\",\"dd.env\":\"lab\",\"dd.version\":\"1.2.3\","
                "\"product_id\":\"42\",\"attempt\":2}\n");

  const json::object object = parse_line(lines[0].line);
  EXPECT_EQ(keys_of(object),
            (std::vector<std::string>{"time", "level", "status", "message", "logger", "logger.name",
                                      "dd.trace_id", "dd.span_id", "dd.service", "dd.env",
                                      "dd.version", "product_id", "attempt"}));

  // The record the sinks get carries the same values.
  const LogRecord& record = lines[0].record;
  EXPECT_EQ(record.level, LogLevel::warning);
  EXPECT_EQ(record.logger, "catalog.product_service");
  EXPECT_EQ(record.message, "cache unavailable");
  EXPECT_EQ(record.trace_id, span.trace_id());
  EXPECT_EQ(record.span_id, span.span_id());
  EXPECT_EQ(record.time, clock_.wall());
  ASSERT_EQ(record.fields.size(), 2u);
  EXPECT_EQ(record.fields[1], (std::pair<std::string, std::string>{"attempt", "2"}));
}

TEST(LogTraceId, HexOfAllBitsOnlyWhenOnAndTheHighHalfIsSet) {
  struct Case {
    TraceId id;
    bool trace_id_128;
    const char* logged;
  };
  const Case cases[] = {
      {{0xaa, 1}, true, "00000000000000aa0000000000000001"},  // zero-padded, lowercase
      {{0x0123456789abcdefULL, 0xfedcba9876543210ULL}, true, "0123456789abcdeffedcba9876543210"},
      {{~0ULL, ~0ULL}, true, "ffffffffffffffffffffffffffffffff"},
      {{0, 42}, true, "42"},  // a 64-bit id (e.g. from x-datadog-trace-id) stays decimal
      {{0, ~0ULL}, true, "18446744073709551615"},
      {{0, 0}, true, "0"},
      {{0xaa, ~0ULL}, false, "18446744073709551615"},  // off: the low half only
      {{0, 7}, false, "7"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(log_trace_id(c.id, c.trace_id_128), c.logged)
        << std::hex << c.id.high << " " << c.id.low << " " << c.trace_id_128;
}

TEST_F(LoggerTest, With128BitLoggingOnAChildSpanLogsTheWholeTraceIdInHex) {
  auto logger = make(settings());
  TraceContext parent;
  parent.trace_id = {0x6a6e3e5b00000000ULL, 0x262b2cdb87d1a46ULL};
  parent.parent_id = 5;
  Span root = tracer_.start_root([](TraceChunk&&) {}, "http.request", {}, parent);
  Span child = root.child("redis.command");
  logger->info("redis", "GET", &child);

  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 1u);
  const json::object object = parse_line(lines[0].line);
  EXPECT_EQ(object.at("dd.trace_id"), "6a6e3e5b000000000262b2cdb87d1a46");
  EXPECT_EQ(object.at("dd.trace_id").as_string(), to_hex(child.trace_id()));
  EXPECT_EQ(object.at("dd.span_id").as_string(), std::to_string(child.span_id()));
}

TEST_F(LoggerTest, With128BitLoggingOffTheLow64BitsOfTheTraceIdAsUnsignedDecimal) {
  LoggerSettings s = settings();
  s.trace_id_128 = false;
  auto logger = make(s);
  TraceContext parent;
  parent.trace_id = {0xaaULL, ~0ULL};  // the high half is not part of dd.trace_id
  parent.parent_id = 5;
  Span root = tracer_.start_root([](TraceChunk&&) {}, "http.request", {}, parent);
  Span child = root.child("redis.command");
  logger->info("redis", "GET", &child);

  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 1u);
  const json::object object = parse_line(lines[0].line);
  EXPECT_EQ(object.at("dd.trace_id"), "18446744073709551615");
  EXPECT_EQ(object.at("dd.span_id").as_string(), std::to_string(child.span_id()));
  EXPECT_NE(child.span_id(), root.span_id());
}

TEST_F(LoggerTest, WithoutASpanTheIdsAreZero) {
  auto logger = make(settings());
  logger->info("app", "listening");
  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 1u);
  const json::object object = parse_line(lines[0].line);
  EXPECT_EQ(object.at("dd.trace_id"), "0");
  EXPECT_EQ(object.at("dd.span_id"), "0");
  EXPECT_EQ(object.at("dd.service"), "sre-lab");
  EXPECT_EQ(lines[0].record.span_id, 0u);
  EXPECT_TRUE(lines[0].record.trace_id.is_zero());
}

TEST_F(LoggerTest, InjectionOffLeavesOutEveryDdAttribute) {
  auto logger = make(settings(/*injection=*/false));
  Span span = tracer_.start_root([](TraceChunk&&) {}, "op");
  logger->error("app", "boom", &span, {{"code", "7"}});
  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].line,
            "{\"time\":\"2026-01-01T00:00:00.000Z\",\"level\":\"error\",\"status\":\"error\","
            "\"message\":\"boom\",\"logger\":\"app\",\"logger.name\":\"app\",\"code\":7}\n");
  // The record still has the ids: the console correlates whatever the JSON line says.
  EXPECT_EQ(lines[0].record.span_id, span.span_id());
}

TEST_F(LoggerTest, ConstantFieldsFollowTheDdAttributesOnEveryLine) {
  LoggerSettings s = settings();
  s.fields = {{"replica", "2"}};
  auto logger = make(std::move(s));
  logger->info("app", "one");
  logger->warning("app", "two", nullptr, {{"code", "7"}});
  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) EXPECT_EQ(parse_line(line.line).at("replica"), 2) << line.line;
  const std::vector<std::string> keys = keys_of(parse_line(lines[1].line));
  ASSERT_GE(keys.size(), 2u);
  EXPECT_EQ(keys[keys.size() - 2], "replica") << "after dd.*, before the caller's fields";
  EXPECT_EQ(keys.back(), "code");
  EXPECT_EQ(keys[keys.size() - 3], "dd.version");
}

TEST_F(LoggerTest, EmptyServiceEnvAndVersionAreStillWritten) {
  auto logger = make(LoggerSettings{});
  logger->info("app", "x");
  const json::object object = parse_line(sink_->lines().at(0).line);
  EXPECT_EQ(object.at("dd.service"), "");
  EXPECT_EQ(object.at("dd.env"), "");
  EXPECT_EQ(object.at("dd.version"), "");
}

TEST_F(LoggerTest, EscapesQuotesControlCharactersAndKeepsUtf8) {
  auto logger = make(settings());
  const std::string message = "say \"hi\"\\ \n\t\x01 caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xff end";
  logger->info("we\"ird", message, nullptr,
               {string_field("pa\"th", "/products/\"1\"\n"), number_field("ratio", 0.25),
                number_field("nan", std::nan("")),
                number_field("inf", std::numeric_limits<double>::infinity())});

  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 1u);
  const std::string& line = lines[0].line;
  EXPECT_NE(line.find(R"("message":"say \"hi\"\\ \n\t\u0001 café 日本 \ufffd end")"),
            std::string::npos)
      << line;
  const json::object object = parse_line(line);
  EXPECT_EQ(object.at("message"), "say \"hi\"\\ \n\t\x01 café 日本 \xef\xbf\xbd end");
  EXPECT_EQ(object.at("logger"), "we\"ird");
  EXPECT_EQ(object.at("logger.name"), "we\"ird");
  EXPECT_EQ(object.at("pa\"th"), "/products/\"1\"\n");
  EXPECT_EQ(object.at("ratio"), 0.25);
  EXPECT_TRUE(object.at("nan").is_null());
  EXPECT_TRUE(object.at("inf").is_null());
}

TEST_F(LoggerTest, MinLevelFiltersBeforeAnything) {
  LoggerSettings s = settings();
  s.min_level = LogLevel::warning;
  s.repeats_per_window = 1;
  auto logger = make(s);
  EXPECT_FALSE(logger->enabled(LogLevel::debug));
  EXPECT_FALSE(logger->enabled(LogLevel::info));
  EXPECT_TRUE(logger->enabled(LogLevel::warning));
  EXPECT_TRUE(logger->enabled(LogLevel::error));

  logger->debug("app", "same");
  logger->info("app", "same");
  logger->warning("app", "same");  // filtered lines did not use up the one repeat allowed
  logger->error("app", "other");
  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].record.level, LogLevel::warning);
  EXPECT_EQ(lines[1].record.level, LogLevel::error);
  EXPECT_EQ(logger->suppressed_total(), 0u);

  auto verbose = std::make_unique<Logger>(
      LoggerSettings{.service = "s", .env = "", .version = "", .min_level = LogLevel::debug},
      clock_);
  EXPECT_TRUE(verbose->enabled(LogLevel::debug));
}

TEST_F(LoggerTest, RepeatsBeyondTheLimitAreCountedAndReportedOnTheNextWrittenLine) {
  auto logger = make(settings());  // 5 per 10 s
  for (int i = 0; i < 9; ++i) {
    logger->warning("redis", "connection refused", nullptr, {integer_field("i", i)});
    clock_.advance(100ms);
  }
  logger->warning("redis", "other message");  // its own key: not limited by the first
  auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 6u);
  for (int i = 0; i < 5; ++i) {
    const json::object object = parse_line(lines[i].line);
    EXPECT_EQ(object.at("i"), i);
    EXPECT_FALSE(object.contains("suppressed"));
  }
  EXPECT_EQ(parse_line(lines[5].line).at("message"), "other message");
  EXPECT_EQ(logger->suppressed_total(), 4u);

  // Still inside the window that started at the first line (0.9 s + 9.099 s < 10 s).
  clock_.advance(9099ms);
  logger->warning("redis", "connection refused");
  EXPECT_EQ(sink_->lines().size(), 6u);
  EXPECT_EQ(logger->suppressed_total(), 5u);

  clock_.advance(1ms);  // exactly 10 s after the window opened: a new one
  logger->warning("redis", "connection refused", nullptr, {integer_field("i", 100)});
  logger->warning("redis", "connection refused", nullptr, {integer_field("i", 101)});
  lines = sink_->lines();
  ASSERT_EQ(lines.size(), 8u);
  const json::object reported = parse_line(lines[6].line);
  EXPECT_EQ(reported.at("i"), 100);
  EXPECT_EQ(reported.at("suppressed"), 5);
  EXPECT_EQ(keys_of(reported).back(), "suppressed");  // after the caller's fields
  EXPECT_EQ(lines[6].record.fields.back(),
            (std::pair<std::string, std::string>{"suppressed", "5"}));
  EXPECT_FALSE(parse_line(lines[7].line).contains("suppressed"));  // reported once
}

TEST_F(LoggerTest, TracedProblemsPastTheLimitStillReachTheSinksThatKeepThem) {
  auto logger = make(settings());  // sink_ is limited: 5 per 10 s
  auto store = std::make_shared<CapturingSink>(/*keeps_traced_problems=*/true);
  logger->add_sink(store);
  // A burst of failed requests, each its own trace, all logging the same message.
  std::vector<Span> spans;
  for (int i = 0; i < 50; ++i) {
    spans.push_back(tracer_.start_root([](TraceChunk&&) {}, "http.request"));
    logger->error("catalog.product_service", "database query failed", &spans.back(),
                  {integer_field("i", i)});
  }
  const auto kept = store->lines();
  ASSERT_EQ(kept.size(), 50u) << "every failed trace keeps its line in the store";
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(kept[i].record.trace_id, spans[i].trace_id());
    EXPECT_EQ(parse_line(kept[i].line).at("i"), i);
  }
  ASSERT_EQ(sink_->lines().size(), 5u) << "stdout and the file stay limited";
  EXPECT_EQ(logger->suppressed_total(), 45u);
  EXPECT_EQ(sink_->suppressed(), 45u);
  EXPECT_EQ(store->suppressed(), 45u) << "the store counts what stdout did not get";

  clock_.advance(10s);  // the next window: stdout's next line says how many it missed
  logger->error("catalog.product_service", "database query failed", &spans.front());
  ASSERT_EQ(sink_->lines().size(), 6u);
  EXPECT_EQ(parse_line(sink_->lines().back().line).at("suppressed"), 45);
  EXPECT_EQ(store->lines().size(), 51u);
}

TEST_F(LoggerTest, OnlyTracedWarningsAndErrorsGoPastTheLimit) {
  LoggerSettings s = settings();
  s.repeats_per_window = 1;
  auto logger = make(s);
  auto store = std::make_shared<CapturingSink>(/*keeps_traced_problems=*/true);
  logger->add_sink(store);
  Span span = tracer_.start_root([](TraceChunk&&) {}, "http.request");
  for (int i = 0; i < 3; ++i) {
    logger->info("catalog", "traced info", &span);  // not a problem
    logger->error("catalog", "untraced error");     // no trace to keep it beside
    logger->warning("catalog", "traced warning", &span);
  }
  std::vector<std::string> kept;
  for (const auto& captured : store->lines()) kept.push_back(captured.record.message);
  EXPECT_EQ(kept, (std::vector<std::string>{"traced info", "untraced error", "traced warning",
                                            "traced warning", "traced warning"}));
  EXPECT_EQ(sink_->lines().size(), 3u);
  EXPECT_EQ(store->suppressed(), 6u);

  EXPECT_FALSE(is_traced_problem(LogLevel::warning, TraceId{}));
  EXPECT_TRUE(is_traced_problem(LogLevel::warning, span.trace_id()));
  EXPECT_TRUE(is_traced_problem(LogLevel::error, span.trace_id()));
  EXPECT_FALSE(is_traced_problem(LogLevel::info, span.trace_id()));
}

TEST_F(LoggerTest, SuppressedCountRestartsAfterEachReport) {
  LoggerSettings s = settings();
  s.repeats_per_window = 2;
  s.repeat_window = 1s;
  auto logger = make(s);
  auto burst = [&](int n) {
    for (int i = 0; i < n; ++i) logger->info("db", "slow query");
    clock_.advance(1s);
  };
  burst(5);  // 2 written, 3 dropped
  burst(4);  // 2 written (the first reports 3), 2 dropped
  burst(1);  // reports 2
  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 5u);
  std::vector<std::int64_t> suppressed;
  for (const auto& captured : lines) {
    const json::object object = parse_line(captured.line);
    suppressed.push_back(object.contains("suppressed") ? object.at("suppressed").as_int64() : 0);
  }
  EXPECT_EQ(suppressed, (std::vector<std::int64_t>{0, 0, 3, 0, 2}));
  EXPECT_EQ(logger->suppressed_total(), 5u);
}

TEST_F(LoggerTest, ExplicitRepeatKeyGroupsDifferentMessages) {
  LoggerSettings s = settings();
  s.repeats_per_window = 2;
  auto logger = make(s);
  logger->error("catalog", "product 1 failed", nullptr, {}, "catalog.fetch_failed");
  logger->error("catalog", "product 2 failed", nullptr, {}, "catalog.fetch_failed");
  logger->error("catalog", "product 3 failed", nullptr, {}, "catalog.fetch_failed");
  logger->error("catalog", "product 4 failed");  // default key: its own
  EXPECT_EQ(sink_->lines().size(), 3u);
  EXPECT_EQ(logger->suppressed_total(), 1u);
}

TEST_F(LoggerTest, DefaultKeySeparatesLoggerFromMessage) {
  LoggerSettings s = settings();
  s.repeats_per_window = 1;
  auto logger = make(s);
  logger->info("a b", "c");
  logger->info("a", "b c");
  EXPECT_EQ(sink_->lines().size(), 2u);
}

TEST_F(LoggerTest, RemembersAtMostMaxRepeatKeysForgettingTheOldestWindow) {
  LoggerSettings s = settings();
  s.repeats_per_window = 1;
  auto logger = make(s);
  auto flood_other_keys = [&](std::size_t n, const std::string& prefix) {
    for (std::size_t i = 0; i < n; ++i) logger->info("app", prefix + std::to_string(i));
  };

  // With kMaxRepeatKeys - 1 other keys, "first" is still remembered: its repeat is dropped.
  logger->info("app", "first");
  flood_other_keys(kMaxRepeatKeys - 1, "a");
  logger->info("app", "first");
  EXPECT_EQ(logger->suppressed_total(), 1u);
  EXPECT_EQ(sink_->lines().size(), kMaxRepeatKeys);

  // One more key evicts the oldest window ("first"), so it is a new key again.
  logger->info("app", "extra");
  logger->info("app", "first");
  EXPECT_EQ(logger->suppressed_total(), 1u);
  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), kMaxRepeatKeys + 2);
  EXPECT_EQ(lines.back().record.message, "first");
  EXPECT_TRUE(lines.back().record.fields.empty());  // its dropped count went with its entry

  // Re-adding "first" pushed out the next oldest window, "a0"; "a5" is still remembered.
  logger->info("app", "a5");
  EXPECT_EQ(logger->suppressed_total(), 2u);
  logger->info("app", "a0");
  EXPECT_EQ(logger->suppressed_total(), 2u);
  EXPECT_EQ(sink_->lines().size(), kMaxRepeatKeys + 3);
  EXPECT_EQ(sink_->lines().back().record.message, "a0");
}

TEST_F(LoggerTest, ZeroRepeatsPerWindowTurnsLimitingOff) {
  LoggerSettings s = settings();
  s.repeats_per_window = 0;
  auto logger = make(s);
  for (int i = 0; i < 50; ++i) logger->info("app", "again");
  EXPECT_EQ(sink_->lines().size(), 50u);
  EXPECT_EQ(logger->suppressed_total(), 0u);
}

TEST_F(LoggerTest, EverySinkGetsTheSameLine) {
  auto logger = make(settings());
  auto second = std::make_shared<CapturingSink>();
  logger->add_sink(second);
  logger->info("app", "hello");
  ASSERT_EQ(second->lines().size(), 1u);
  EXPECT_EQ(second->lines()[0].line, sink_->lines().at(0).line);
}

TEST_F(LoggerTest, ConcurrentLoggingNeverInterleavesLines) {
  std::FILE* stream = std::tmpfile();
  ASSERT_NE(stream, nullptr);
  LoggerSettings s = settings();
  s.repeats_per_window = 100;
  auto logger = make(s);
  logger->add_sink(std::make_shared<StreamLogSink>(stream));

  constexpr int kThreads = 4;
  constexpr int kPerThread = 400;
  const std::string padding(300, 'x');  // long lines make torn writes likelier to show
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          // Half the lines share one key, so the limiter is exercised under contention too.
          const bool shared = i % 2 == 0;
          logger->info("worker",
                       shared ? "shared" : "t" + std::to_string(t) + "-" + std::to_string(i),
                       nullptr,
                       {integer_field("thread", t), integer_field("i", i),
                        string_field("padding", padding)});
        }
      });
    }
  }
  constexpr int kShared = kThreads * kPerThread / 2;
  const std::uint64_t written_expected = kThreads * kPerThread - (kShared - 100);
  EXPECT_EQ(logger->suppressed_total(), static_cast<std::uint64_t>(kShared - 100));

  std::rewind(stream);
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  std::string line;
  std::uint64_t count = 0;
  for (int c; (c = std::fgetc(stream)) != EOF;) {
    line += static_cast<char>(c);
    if (c != '\n') continue;
    ++count;
    boost::system::error_code ec;
    const json::value value = json::parse(line, ec);
    ASSERT_FALSE(ec) << "line " << count << " is not JSON: " << line;
    const json::object& object = value.as_object();
    EXPECT_EQ(object.at("padding").as_string(), padding);
    seen.emplace(object.at("thread").as_int64(), object.at("i").as_int64());
    line.clear();
  }
  std::fclose(stream);
  EXPECT_TRUE(line.empty()) << "unterminated tail: " << line;
  EXPECT_EQ(count, written_expected);
  EXPECT_EQ(seen.size(), written_expected);  // no line lost or duplicated
  EXPECT_EQ(sink_->lines().size(), written_expected);
}

class FileLogSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("srelab-logger-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::vector<std::string> read_lines(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::filesystem::path dir_;
  ManualClock clock_;
};

TEST_F(FileLogSinkTest, AppendsLinesAndKeepsWhatWasThere) {
  const auto path = dir_ / "sre-lab.log";
  { std::ofstream(path) << "{\"earlier\":true}\n"; }
  {
    auto sink = FileLogSink::open(path.string());
    ASSERT_TRUE(sink) << sink.error().message();
    Logger logger(LoggerSettings{.service = "sre-lab", .env = "lab", .version = "1"}, clock_);
    logger.add_sink(*sink);
    logger.info("app", "one");
    // Flushed per line: visible to a reader while the sink is still open.
    EXPECT_EQ(read_lines(path).size(), 2u);
    logger.error("app", "two");
  }
  const auto lines = read_lines(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "{\"earlier\":true}");
  EXPECT_EQ(json::parse(lines[1]).at("message"), "one");
  EXPECT_EQ(json::parse(lines[2]).at("level"), "error");
  EXPECT_EQ(json::parse(lines[2]).at("dd.service"), "sre-lab");
}

TEST_F(FileLogSinkTest, UnopenablePathIsAnErrorNamingTheCause) {
  const auto missing = FileLogSink::open((dir_ / "no-such-dir" / "x.log").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), boost::system::errc::no_such_file_or_directory);
  EXPECT_FALSE(missing.error().message().empty());

  const auto directory = FileLogSink::open(dir_.string());
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error(), boost::system::errc::is_a_directory);
}

}  // namespace
}  // namespace srelab::telemetry
