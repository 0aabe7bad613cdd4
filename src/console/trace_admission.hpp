// Which finished traces the console records: the check the trace pipeline runs on the request
// thread before it copies a chunk for the console (TracePipeline's Wants), so that a flood of
// cache hits costs a few comparisons per request, not a copy and a store insert each.
//   always kept: a trace at least `slow` long — what a learner comes looking for, and rare;
//   flagged:     a faster trace with an error span or one that used a fallback (a span tagged
//                app.fallback_used), at most `flagged_per_second` in each second of their end
//                time: the store keeps only the last 100 errors, so under a flood of failures
//                (every lookup failing at thousands a second) more would only be copied,
//                inserted and evicted again: the cap saves ~17 % of the service's CPU a lookup
//                on forced misses (README, the cache-miss path);
//   sampled:     other traces, at most `ok_per_second` in each second of their end time;
//   never:       the console's own requests (a root resource starting with one of
//                `ignored_resources`), so the page polling the API does not fill the store.
// Lock-free and thread-safe. It has no clock: the second is the one the trace ended in (its root
// span's start + duration), so a test drives it with hand-made spans.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "telemetry/tracing/span.hpp"

namespace srelab::console {

struct TraceAdmissionSettings {
  std::chrono::nanoseconds slow = std::chrono::milliseconds(100);
  std::uint32_t ok_per_second = 50;        // 0: only the traces always kept and flagged
  std::uint32_t flagged_per_second = 200;  // twice the store's errors pool; 0: none
  std::vector<std::string> ignored_resources = {"GET /console", "GET /assets/", "GET /docs",
                                                "GET /openapi.json"};
};

struct TraceAdmissionStats {
  std::uint64_t admitted = 0;
  std::uint64_t sampled_out = 0;          // fast OK traces over ok_per_second
  std::uint64_t flagged_sampled_out = 0;  // fast errors and fallbacks over flagged_per_second
  std::uint64_t ignored = 0;              // the console's own requests, and empty chunks
};

class TraceAdmission {
 public:
  explicit TraceAdmission(TraceAdmissionSettings settings = {});
  TraceAdmission(const TraceAdmission&) = delete;
  TraceAdmission& operator=(const TraceAdmission&) = delete;

  // Whether the console takes `chunk` (its local root first, as the tracer hands it over). A
  // sampled trace takes one of its second's places, so call it once per chunk.
  bool admit(const telemetry::TraceChunk& chunk);

  TraceAdmissionStats stats() const;
  const TraceAdmissionSettings& settings() const { return settings_; }

 private:
  bool ignored(const telemetry::SpanData& root) const;
  // A place in `window`'s second for a trace that ended at end_ns, if fewer than `limit` are taken.
  static bool take_place(std::atomic<std::uint64_t>& window, std::uint32_t limit,
                         std::int64_t end_ns);

  // The counts, sharded by thread: a counter that every request thread increments would bounce
  // its cache line between the cores on every request. A thread keeps to one shard.
  struct alignas(64) Shard {
    std::atomic<std::uint64_t> admitted{0};
    std::atomic<std::uint64_t> sampled_out{0};
    std::atomic<std::uint64_t> flagged_sampled_out{0};
    std::atomic<std::uint64_t> ignored{0};
  };
  static constexpr std::size_t kShards = 8;
  Shard& shard();

  const TraceAdmissionSettings settings_;
  // Each: the second being counted (high bits) and the places taken in it (low kCountBits); on a
  // line of its own, written at most its limit times a second and otherwise only read.
  alignas(64) std::atomic<std::uint64_t> ok_window_{0};
  alignas(64) std::atomic<std::uint64_t> flagged_window_{0};
  std::array<Shard, kShards> shards_;
};

}  // namespace srelab::console
