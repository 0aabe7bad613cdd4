// Which traces the console records: slow traces always; faster errors and fallbacks up to
// flagged_per_second, fast successful ones up to ok_per_second, each in each second of their
// end time; its own requests never.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "console/trace_admission.hpp"

namespace srelab::console {
namespace {

using telemetry::SpanData;
using telemetry::TraceChunk;

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kBase = 1'767'225'600 * kSecond;  // a whole second

// A chunk as the tracer hands it over: the local root first, then a child span.
TraceChunk trace(std::string resource, std::int64_t start, std::int64_t duration,
                 std::int32_t child_error = 0) {
  SpanData child;
  child.name = "redis.command";
  child.start = start;
  child.duration = duration / 2;
  child.error = child_error;
  SpanData root;
  root.name = "http.request";
  root.resource = std::move(resource);
  root.start = start;
  root.duration = duration;
  return {root, child};
}

TraceChunk fast_ok(std::int64_t start) {
  return trace("GET /products/{id}", start, 300'000);
}

TEST(TraceAdmission, FastOkTracesAreSampledPerSecondOfTheirEnd) {
  TraceAdmission admission({.ok_per_second = 3});
  int admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += admission.admit(fast_ok(kBase + i * 1000));
  EXPECT_EQ(admitted, 3);
  // The next second has its own places.
  EXPECT_TRUE(admission.admit(fast_ok(kBase + kSecond)));
  EXPECT_EQ(admission.stats().admitted, 4u);
  EXPECT_EQ(admission.stats().sampled_out, 7u);
}

TEST(TraceAdmission, ALateTraceCountsInTheCurrentSecond) {
  TraceAdmission admission({.ok_per_second = 1});
  EXPECT_TRUE(admission.admit(fast_ok(kBase + kSecond)));
  // Ended a second earlier (another thread finished it later): no fresh window for it.
  EXPECT_FALSE(admission.admit(fast_ok(kBase)));
}

TEST(TraceAdmission, ErrorsSlowTracesAndFallbacksAreKeptWhenOkOnesAreNot) {
  TraceAdmission admission({.slow = std::chrono::milliseconds(100), .ok_per_second = 0});
  EXPECT_FALSE(admission.admit(fast_ok(kBase)));
  EXPECT_TRUE(admission.admit(trace("GET /products/{id}", kBase, 300'000, /*child_error=*/1)));
  EXPECT_TRUE(admission.admit(trace("GET /products/{id}", kBase, 100'000'000)));
  EXPECT_FALSE(admission.admit(trace("GET /products/{id}", kBase, 99'999'999)));
  TraceChunk fallback = fast_ok(kBase);
  fallback.front().set_metric("app.fallback_used", 1);  // a boolean, as tracers send it
  EXPECT_TRUE(admission.admit(fallback));
  TraceChunk failed_root = fast_ok(kBase);
  failed_root.front().set_error("HTTP 503", "pool exhausted");
  EXPECT_TRUE(admission.admit(failed_root));
}

// A flood of failures (every lookup failing) takes flagged_per_second places a second, its own:
// the fast successful traces' places stay theirs, and a slow trace is kept whatever the count.
TEST(TraceAdmission, AFloodOfFastErrorsIsCappedPerSecond) {
  TraceAdmission admission(
      {.slow = std::chrono::milliseconds(100), .ok_per_second = 2, .flagged_per_second = 3});
  const auto fast_error = [](std::int64_t start) {
    return trace("GET /products/{id}", start, 300'000, /*child_error=*/1);
  };
  int admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += admission.admit(fast_error(kBase + i * 1000));
  EXPECT_EQ(admitted, 3);
  TraceChunk fallback = fast_ok(kBase);
  fallback.front().set_metric("app.fallback_used", 1);
  EXPECT_FALSE(admission.admit(fallback));  // a fallback shares the errors' places
  EXPECT_TRUE(admission.admit(trace("GET /products/{id}", kBase, 100'000'000, 1)));  // slow
  EXPECT_TRUE(admission.admit(fast_ok(kBase)));
  EXPECT_TRUE(admission.admit(fast_ok(kBase)));
  EXPECT_FALSE(admission.admit(fast_ok(kBase)));
  EXPECT_TRUE(admission.admit(fast_error(kBase + kSecond)));  // the next second has its own
  const TraceAdmissionStats stats = admission.stats();
  EXPECT_EQ(stats.admitted, 7u);
  EXPECT_EQ(stats.flagged_sampled_out, 8u);
  EXPECT_EQ(stats.sampled_out, 1u);
}

TEST(TraceAdmission, TheConsolesOwnRequestsAreNeverKept) {
  TraceAdmission admission({.ok_per_second = 100});
  for (const char* resource : {"GET /console/api/traces", "GET /console", "GET /docs",
                               "GET /openapi.json", "GET /assets/{group}/{file}"}) {
    EXPECT_FALSE(admission.admit(trace(resource, kBase, 300'000))) << resource;
    EXPECT_FALSE(admission.admit(trace(resource, kBase, 300'000, 1))) << resource << " failing";
  }
  EXPECT_TRUE(admission.admit(trace("GET /chaos", kBase, 300'000)));
  EXPECT_FALSE(admission.admit(TraceChunk{}));
  EXPECT_EQ(admission.stats().ignored, 11u);
}

// Many threads at once: exactly ok_per_second places are handed out in a second.
TEST(TraceAdmission, PlacesAreExactUnderContention) {
  TraceAdmission admission({.ok_per_second = 1000});
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        if (admission.admit(fast_ok(kBase + i))) ++admitted;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 1000);
  EXPECT_EQ(admission.stats().sampled_out, 7000u);
}

}  // namespace
}  // namespace srelab::console
