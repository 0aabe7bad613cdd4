#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "telemetry/export/trace_exporter.hpp"

namespace srelab::telemetry {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Answers from a script (then 200), records what it was asked.
class FakeTransport final : public ExportTransport {
 public:
  result<ExportResponse> send(const ExportRequest& request, milliseconds timeout) override {
    if (request.body == "throw") throw std::runtime_error("transport blew up");
    std::function<void()> hook;
    result<ExportResponse> answer = ExportResponse{200, "{}", std::nullopt};
    {
      std::lock_guard lock(mutex);
      requests.push_back(request);
      timeouts.push_back(timeout);
      if (!script.empty()) {
        answer = script.front();
        script.pop_front();
      }
      hook = on_send;
    }
    sent.notify_all();
    if (hook) hook();
    return answer;
  }

  void answer(int status, std::optional<std::chrono::seconds> retry_after = std::nullopt) {
    std::lock_guard lock(mutex);
    script.push_back(ExportResponse{status, "body " + std::to_string(status), retry_after});
  }
  void fail(errc code) {
    std::lock_guard lock(mutex);
    script.push_back(make_error_code(code));
  }
  // For a test with the exporter's thread running: true once `count` requests were sent.
  bool wait_for_requests(std::size_t count, milliseconds timeout) {
    std::unique_lock lock(mutex);
    return sent.wait_for(lock, timeout, [&] { return requests.size() >= count; });
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& r : requests) out.push_back(r.body);
    return out;
  }

  std::mutex mutex;
  std::vector<ExportRequest> requests;
  std::vector<milliseconds> timeouts;
  std::deque<result<ExportResponse>> script;
  std::function<void()> on_send;
  std::condition_variable sent;
};

// Encodes a trace as its root's resource, and a batch as those joined by ',', so tests read what
// went in a request.
class FakeDestination final : public TraceDestination {
 public:
  std::string_view name() const override { return "fake"; }
  std::string encode_trace(const TraceChunk& trace) const override {
    if (trace.front().resource == "unencodable") throw std::runtime_error("cannot encode");
    return trace.front().resource;
  }
  ExportRequest request_for(const std::vector<std::string_view>& traces) const override {
    ExportRequest request;
    request.url = "http://agent/traces";
    for (const auto& trace : traces) {
      if (!request.body.empty()) request.body += ",";
      request.body += trace;
    }
    ++requests_made;
    return request;
  }
  void on_response(const ExportResponse& response) override { statuses.push_back(response.status); }

  mutable int requests_made = 0;
  std::vector<int> statuses;
};

TraceChunk chunk(const std::string& resource, std::size_t spans = 1) {
  TraceChunk c(spans);
  for (auto& span : c) {
    span.name = "op";
    span.resource = resource;
    span.trace_id = {0, 1};
    span.span_id = 2;
  }
  return c;
}

struct ExporterTest : ::testing::Test {
  TraceExporterSettings settings() {
    TraceExporterSettings s;
    s.max_queued_spans = 100;
    return s;
  }
  ManualClock clock;
  FakeTransport transport;
  FakeDestination destination;
};

TEST_F(ExporterTest, DefaultsAreTheDocumentedOnes) {
  const TraceExporterSettings s;
  EXPECT_EQ(s.flush_interval, 1000ms);
  EXPECT_EQ(s.request_timeout, 2000ms);
  EXPECT_EQ(s.max_queued_spans, 100'000u);
  EXPECT_EQ(s.initial_backoff, 1s);
  EXPECT_EQ(s.max_backoff, 30s);
}

TEST_F(ExporterTest, NothingQueuedSendsNothing) {
  TraceExporter exporter(settings(), destination, transport, clock);
  EXPECT_EQ(exporter.flush_once(), FlushResult::idle);
  EXPECT_TRUE(transport.requests.empty());
  exporter.submit(TraceChunk{});  // an empty chunk is not a trace
  EXPECT_EQ(exporter.flush_once(), FlushResult::idle);
  EXPECT_EQ(exporter.stats().dropped_traces, 0u);
}

TEST_F(ExporterTest, OneFlushSendsEverythingQueuedInOneRequest) {
  TraceExporter exporter(settings(), destination, transport, clock);
  exporter.submit(chunk("a", 2));
  exporter.submit(chunk("b", 3));
  exporter.submit(chunk("c"));
  EXPECT_EQ(exporter.stats().queued_spans, 6u);
  EXPECT_TRUE(transport.requests.empty());  // submit never sends

  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  EXPECT_EQ(transport.bodies(), std::vector<std::string>{"a,b,c"});
  EXPECT_EQ(transport.timeouts, std::vector<milliseconds>{2000ms});
  const auto stats = exporter.stats();
  EXPECT_EQ(stats.queued_spans, 0u);
  EXPECT_EQ(stats.sent_traces, 3u);
  EXPECT_EQ(stats.sent_requests, 1u);
  EXPECT_EQ(stats.failed_requests, 0u);
  EXPECT_EQ(stats.last_error, "");
  EXPECT_EQ(destination.statuses, std::vector<int>{200});

  EXPECT_EQ(exporter.flush_once(), FlushResult::idle);  // sent once only
  EXPECT_EQ(transport.requests.size(), 1u);
}

// The app logs these: one line when the destination goes away, one when it is back, never one
// per retry.
TEST_F(ExporterTest, ReachabilityIsReportedOnChangeNotOnEveryRetry) {
  TraceExporter exporter(settings(), destination, transport, clock);
  std::vector<std::string> heard;
  exporter.set_reachability_observer([&heard](bool reachable, const std::string& error) {
    heard.push_back(reachable ? "back" : "away: " + error);
  });
  exporter.submit(chunk("a"));
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  EXPECT_TRUE(heard.empty()) << "reachable from the start: nothing to say";

  for (int i = 0; i < 4; ++i) transport.fail(errc::timeout);
  transport.answer(503);
  exporter.submit(chunk("b"));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(exporter.flush_once(), FlushResult::failed) << i;
    clock.advance(60s);  // past any backoff
  }
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_TRUE(heard[0].starts_with("away: fake: ")) << heard[0];

  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  EXPECT_EQ(exporter.flush_once(), FlushResult::idle);
  EXPECT_EQ(heard, (std::vector<std::string>{heard[0], "back"}));

  transport.answer(400);  // an answer, even a refusal, means it is there
  exporter.submit(chunk("c"));
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  EXPECT_EQ(heard.size(), 2u);
}

TEST_F(ExporterTest, TheBoundDropsTheNewestChunkAndCountsIt) {
  auto s = settings();
  s.max_queued_spans = 5;
  TraceExporter exporter(s, destination, transport, clock);
  exporter.submit(chunk("a", 3));
  exporter.submit(chunk("b", 2));  // exactly at the bound
  exporter.submit(chunk("c", 1));  // over it
  exporter.submit(chunk("d", 6));  // larger than the bound by itself
  auto stats = exporter.stats();
  EXPECT_EQ(stats.queued_spans, 5u);
  EXPECT_EQ(stats.dropped_traces, 2u);
  EXPECT_EQ(stats.dropped_spans, 7u);

  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  EXPECT_EQ(transport.bodies(), std::vector<std::string>{"a,b"});
  exporter.submit(chunk("e", 5));  // room again once sent
  EXPECT_EQ(exporter.stats().queued_spans, 5u);
  EXPECT_EQ(exporter.stats().dropped_traces, 2u);
}

TEST_F(ExporterTest, ATransportErrorKeepsTheBatchForTheRetry) {
  TraceExporter exporter(settings(), destination, transport, clock);
  exporter.submit(chunk("a", 2));
  transport.fail(errc::timeout);
  EXPECT_EQ(exporter.flush_once(), FlushResult::failed);
  auto stats = exporter.stats();
  EXPECT_EQ(stats.queued_spans, 2u);  // still held, within the bound
  EXPECT_EQ(stats.failed_requests, 1u);
  EXPECT_EQ(stats.consecutive_failures, 1u);
  EXPECT_EQ(stats.sent_traces, 0u);
  EXPECT_NE(stats.last_error.find("fake"), std::string::npos) << stats.last_error;
  EXPECT_NE(stats.last_error.find("timed out"), std::string::npos) << stats.last_error;
  EXPECT_TRUE(destination.statuses.empty());  // no answer to learn from

  clock.advance(1s);
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  EXPECT_EQ(transport.bodies(), (std::vector<std::string>{"a", "a"}));
  EXPECT_EQ(destination.requests_made, 1);  // the kept request is resent as it was
  stats = exporter.stats();
  EXPECT_EQ(stats.queued_spans, 0u);
  EXPECT_EQ(stats.sent_traces, 1u);
  EXPECT_EQ(stats.consecutive_failures, 0u);
}

TEST_F(ExporterTest, RetryableStatusesKeepTheBatch) {
  for (int status : {500, 503, 408, 429, 101}) {
    FakeTransport t;
    FakeDestination d;
    ManualClock c;
    TraceExporter exporter(settings(), d, t, c);
    exporter.submit(chunk("a"));
    t.answer(status);
    EXPECT_EQ(exporter.flush_once(), FlushResult::failed) << status;
    EXPECT_EQ(exporter.stats().queued_spans, 1u) << status;
    EXPECT_EQ(exporter.stats().failed_requests, 1u) << status;
    EXPECT_EQ(exporter.stats().rejected_traces, 0u) << status;
    EXPECT_EQ(exporter.stats().last_error,
              "fake: HTTP " + std::to_string(status) + ": body " + std::to_string(status));
    EXPECT_EQ(d.statuses, std::vector<int>{status});  // the destination sees every answer
    c.advance(1s);
    EXPECT_EQ(exporter.flush_once(), FlushResult::sent) << status;
    EXPECT_EQ(t.bodies(), (std::vector<std::string>{"a", "a"})) << status;
  }
}

TEST_F(ExporterTest, ClientErrorsDiscardTheBatchWithoutRetry) {
  for (int status : {400, 404, 413, 415, 302}) {
    FakeTransport t;
    FakeDestination d;
    ManualClock c;
    TraceExporter exporter(settings(), d, t, c);
    exporter.submit(chunk("a", 2));
    exporter.submit(chunk("b"));
    t.answer(status);
    EXPECT_EQ(exporter.flush_once(), FlushResult::sent) << status;
    const auto stats = exporter.stats();
    EXPECT_EQ(stats.rejected_traces, 2u) << status;
    EXPECT_EQ(stats.queued_spans, 0u) << status;
    EXPECT_EQ(stats.sent_traces, 0u) << status;
    EXPECT_EQ(stats.failed_requests, 0u) << status;
    EXPECT_EQ(stats.consecutive_failures, 0u) << status;
    EXPECT_NE(stats.last_error.find("HTTP " + std::to_string(status)), std::string::npos);
    EXPECT_EQ(exporter.flush_once(), FlushResult::idle) << status;  // not retried, no backoff
    EXPECT_EQ(t.requests.size(), 1u) << status;
  }
}

TEST_F(ExporterTest, BackoffDoublesFromOneSecondUpToThirty) {
  TraceExporter exporter(settings(), destination, transport, clock);
  exporter.submit(chunk("a"));
  const std::vector<std::chrono::seconds> expected{1s, 2s, 4s, 8s, 16s, 30s, 30s};
  for (std::size_t i = 0; i < expected.size() + 1; ++i) transport.fail(errc::timeout);

  ASSERT_EQ(exporter.flush_once(), FlushResult::failed);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    clock.advance(expected[i] - 1ms);
    EXPECT_EQ(exporter.flush_once(), FlushResult::backing_off) << i;
    EXPECT_EQ(transport.requests.size(), i + 1) << i;
    clock.advance(1ms);
    EXPECT_EQ(exporter.flush_once(), FlushResult::failed) << i;
    EXPECT_EQ(transport.requests.size(), i + 2) << i;
    EXPECT_EQ(exporter.stats().consecutive_failures, i + 2);
  }
  // A success resets the backoff: the next failure waits 1 s again.
  clock.advance(30s);
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  exporter.submit(chunk("b"));
  transport.fail(errc::timeout);
  EXPECT_EQ(exporter.flush_once(), FlushResult::failed);
  clock.advance(1s);
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
}

TEST_F(ExporterTest, RetryAfterIsHonoured) {
  TraceExporter exporter(settings(), destination, transport, clock);
  exporter.submit(chunk("a"));
  transport.answer(429, 7s);
  transport.answer(503, 0s);
  ASSERT_EQ(exporter.flush_once(), FlushResult::failed);
  clock.advance(6999ms);  // longer than the 1 s backoff, shorter than Retry-After
  EXPECT_EQ(exporter.flush_once(), FlushResult::backing_off);
  clock.advance(1ms);
  EXPECT_EQ(exporter.flush_once(), FlushResult::failed);  // 503, Retry-After: 0
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);    // at once
  EXPECT_EQ(transport.requests.size(), 3u);
}

TEST_F(ExporterTest, AHugeRetryAfterIsCapped) {
  TraceExporter exporter(settings(), destination, transport, clock);
  exporter.submit(chunk("a"));
  transport.answer(503, std::chrono::hours(24));
  ASSERT_EQ(exporter.flush_once(), FlushResult::failed);
  clock.advance(299s);
  EXPECT_EQ(exporter.flush_once(), FlushResult::backing_off);
  clock.advance(1s);
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
}

TEST_F(ExporterTest, NewChunksQueueBehindTheKeptBatchWithinTheSameBound) {
  auto s = settings();
  s.max_queued_spans = 10;
  TraceExporter exporter(s, destination, transport, clock);
  exporter.submit(chunk("a", 6));
  transport.fail(errc::timeout);
  ASSERT_EQ(exporter.flush_once(), FlushResult::failed);
  exporter.submit(chunk("b", 3));
  exporter.submit(chunk("c", 1));
  exporter.submit(chunk("d", 1));  // 6 kept + 4 queued = the bound
  EXPECT_EQ(exporter.stats().queued_spans, 10u);
  EXPECT_EQ(exporter.stats().dropped_traces, 1u);

  clock.advance(1s);
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  // The kept batch first, as it was; the newer chunks in the next request of the same flush.
  EXPECT_EQ(transport.bodies(), (std::vector<std::string>{"a", "a", "b,c"}));
  EXPECT_EQ(exporter.stats().sent_traces, 3u);
  EXPECT_EQ(exporter.stats().queued_spans, 0u);
}

TEST_F(ExporterTest, LargeBatchesAreSplitByTraceCount) {
  auto s = settings();
  s.max_traces_per_request = 2;
  TraceExporter exporter(s, destination, transport, clock);
  for (const char* r : {"a", "b", "c", "d", "e"}) exporter.submit(chunk(r));
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  EXPECT_EQ(transport.bodies(), (std::vector<std::string>{"a,b", "c,d", "e"}));
  EXPECT_EQ(exporter.stats().sent_requests, 3u);
  EXPECT_EQ(exporter.stats().sent_traces, 5u);
}

TEST_F(ExporterTest, LargeBatchesAreSplitByEncodedSize) {
  auto s = settings();
  s.max_request_bytes = 5;  // "aa" and "bb" fit together, not a third
  TraceExporter exporter(s, destination, transport, clock);
  for (const char* r : {"aa", "bb", "cc", "dd"}) exporter.submit(chunk(r, 4));
  exporter.submit(chunk("bigbigbig", 4));  // over the limit alone: sent alone
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  EXPECT_EQ(transport.bodies(), (std::vector<std::string>{"aa,bb", "cc,dd", "bigbigbig"}));
}

TEST_F(ExporterTest, AFailureMidFlushKeepsThatBatchAndWhatIsBehindIt) {
  auto s = settings();
  s.max_traces_per_request = 2;
  TraceExporter exporter(s, destination, transport, clock);
  for (const char* r : {"a", "b", "c", "d", "e"}) exporter.submit(chunk(r));
  transport.answer(200);
  transport.answer(500);
  EXPECT_EQ(exporter.flush_once(), FlushResult::failed);
  EXPECT_EQ(transport.bodies(), (std::vector<std::string>{"a,b", "c,d"}));
  EXPECT_EQ(exporter.stats().sent_traces, 2u);
  EXPECT_EQ(exporter.stats().queued_spans, 3u);
  exporter.submit(chunk("f"));
  clock.advance(1s);
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  // "e" was taken from the queue before "f" was submitted: a batch does not reach across.
  EXPECT_EQ(transport.bodies(), (std::vector<std::string>{"a,b", "c,d", "c,d", "e", "f"}));
  EXPECT_EQ(exporter.stats().sent_traces, 6u);
}

TEST_F(ExporterTest, AnEncodingExceptionLosesOnlyThatTrace) {
  TraceExporter exporter(settings(), destination, transport, clock);
  exporter.submit(chunk("a"));
  exporter.submit(chunk("unencodable", 4));
  exporter.submit(chunk("c"));
  EXPECT_EQ(exporter.stats().rejected_traces, 1u);  // at once, on the submitting thread
  EXPECT_EQ(exporter.flush_once(), FlushResult::sent);
  EXPECT_EQ(transport.bodies(), (std::vector<std::string>{"a,c"}));
  const auto stats = exporter.stats();
  EXPECT_EQ(stats.rejected_traces, 1u);
  EXPECT_EQ(stats.sent_traces, 2u);
  EXPECT_EQ(stats.queued_spans, 0u);  // the bound is not eaten by the lost trace
  EXPECT_EQ(stats.last_error, "fake: encoding failed: cannot encode");
}

TEST_F(ExporterTest, ATransportExceptionIsAFailedRequest) {
  TraceExporter exporter(settings(), destination, transport, clock);
  exporter.submit(chunk("throw"));
  EXPECT_EQ(exporter.flush_once(), FlushResult::failed);
  EXPECT_EQ(exporter.stats().failed_requests, 1u);
  EXPECT_EQ(exporter.stats().queued_spans, 1u);
  EXPECT_EQ(exporter.stats().last_error, "fake: transport blew up");
}

TEST_F(ExporterTest, StopFlushesWhatIsQueued) {
  auto s = settings();
  s.flush_interval = std::chrono::hours(1);  // only stop() flushes
  TraceExporter exporter(s, destination, transport, clock);
  exporter.start();
  exporter.submit(chunk("a"));
  exporter.submit(chunk("b"));
  exporter.stop(1s);
  EXPECT_EQ(transport.bodies(), std::vector<std::string>{"a,b"});
  EXPECT_EQ(transport.timeouts, std::vector<milliseconds>{1s});  // within the stop deadline
  EXPECT_EQ(exporter.stats().sent_traces, 2u);

  exporter.submit(chunk("late"));  // after stop: dropped, counted, never sent
  EXPECT_EQ(exporter.stats().dropped_traces, 1u);
  exporter.stop(1s);  // idempotent
  exporter.start();   // no restart
  EXPECT_EQ(transport.requests.size(), 1u);
}

TEST_F(ExporterTest, StopIgnoresTheBackoffButNotItsDeadline) {
  auto s = settings();
  s.flush_interval = std::chrono::hours(1);
  s.max_traces_per_request = 1;
  TraceExporter exporter(s, destination, transport, clock);
  exporter.submit(chunk("a"));
  transport.fail(errc::timeout);
  ASSERT_EQ(exporter.flush_once(), FlushResult::failed);  // backing off for 1 s from here
  for (const char* r : {"b", "c", "d"}) exporter.submit(chunk(r));
  transport.on_send = [this] { clock.advance(600ms); };  // each request takes 600 ms

  exporter.start();
  exporter.stop(1s);
  // Sent at 0 (1000 ms left) and 600 ms (400 ms left); at 1200 ms the deadline has passed.
  EXPECT_EQ(transport.bodies(), (std::vector<std::string>{"a", "a", "b"}));
  EXPECT_EQ(transport.timeouts, (std::vector<milliseconds>{2000ms, 1000ms, 400ms}));
  EXPECT_EQ(exporter.stats().sent_traces, 2u);
  EXPECT_EQ(exporter.stats().queued_spans, 2u);  // what could not go stays counted
}

TEST_F(ExporterTest, StopWithoutStartSendsNothing) {
  {
    TraceExporter exporter(settings(), destination, transport, clock);
    exporter.submit(chunk("a"));
  }  // the destructor stops
  EXPECT_TRUE(transport.requests.empty());
}

TEST_F(ExporterTest, TheThreadFlushesEarlyWhenHalfTheBoundIsQueued) {
  auto s = settings();
  s.flush_interval = std::chrono::hours(1);
  s.max_queued_spans = 10;
  TraceExporter exporter(s, destination, transport, clock);
  exporter.start();
  exporter.submit(chunk("a", 4));
  exporter.submit(chunk("b", 1));  // reaches 5 of 10: wakes the thread long before the hour
  ASSERT_TRUE(transport.wait_for_requests(1, 30s));
  exporter.stop(1s);
  EXPECT_EQ(transport.bodies(), std::vector<std::string>{"a,b"});
  EXPECT_EQ(exporter.stats().sent_traces, 2u);
}

// Four threads submit 2,000 two-span traces each while this thread flushes 200 times, then
// what is left is flushed. Every trace must be sent or dropped, and the bound held throughout.
void submit_from_four_threads_and_check(TraceExporter& exporter, FakeTransport& transport) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) exporter.submit(chunk("x", 2));
    });
  }
  std::uint64_t max_seen = 0;
  for (int i = 0; i < 200; ++i) {
    max_seen = std::max(max_seen, exporter.stats().queued_spans);
    exporter.flush_once();
  }
  for (auto& t : threads) t.join();
  exporter.flush_once();
  const auto stats = exporter.stats();
  EXPECT_LE(max_seen, exporter.settings().max_queued_spans);
  EXPECT_EQ(stats.queued_spans, 0u);
  EXPECT_EQ(stats.sent_traces + stats.dropped_traces,
            static_cast<std::uint64_t>(kThreads * kPerThread));
  std::size_t in_bodies = 0;
  for (const auto& body : transport.bodies()) {
    in_bodies += static_cast<std::size_t>(std::count(body.begin(), body.end(), 'x'));
  }
  EXPECT_EQ(in_bodies, stats.sent_traces);
}

TEST_F(ExporterTest, ConcurrentSubmitsAreAllAccountedFor) {
  auto s = settings();
  s.max_queued_spans = 500;
  TraceExporter exporter(s, destination, transport, clock);
  submit_from_four_threads_and_check(exporter, transport);
}

// Traces submitted while stop() runs are sent by its last flush or dropped, never left behind.
TEST_F(ExporterTest, StopLeavesNoTraceBehind) {
  auto s = settings();
  s.max_queued_spans = 100'000;
  s.max_traces_per_request = 2;
  TraceExporter exporter(s, destination, transport, clock);
  exporter.start();
  std::atomic<bool> go{true};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (go.load()) exporter.submit(chunk("x"));
    });
  }
  std::this_thread::sleep_for(20ms);
  exporter.stop(5s);
  exporter.submit(chunk("late"));  // dropped, as are the threads' submits after stop()
  go.store(false);
  for (auto& t : threads) t.join();
  const auto stats = exporter.stats();
  EXPECT_GT(stats.sent_traces, 0u);
  EXPECT_GE(stats.dropped_traces, 1u);
  EXPECT_EQ(stats.queued_spans, 0u);
}

}  // namespace
}  // namespace srelab::telemetry
