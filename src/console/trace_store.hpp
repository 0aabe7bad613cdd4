// The console's recent traces: every complete trace the service produces (a TraceChunk from the
// tracer's sink) is offered to add(); the console API lists summaries and fetches whole traces.
// Memory is bounded by a trace count and an estimated byte budget, and retention favours what a
// learner comes looking for: three pools share the store —
//   recent:  every trace, in arrival order; the first to give way when a bound is hit;
//   errors:  the last `error_traces` traces with an error (at most a quarter of the bytes);
//   slowest: the `slow_traces` slowest traces that ended within `slow_window` of the newest one
//            (a min-heap; at most a quarter of the bytes),
// so a flood of fast 200s recycles only the recent pool and leaves the one failed or slow trace
// in place. A trace is kept while any pool holds it and counted once.
//
// Thread-safe: add() is called on request threads and does its measuring before taking the lock,
// which it holds only to link the trace into the pools; readers copy shared pointers under the
// lock and filter and format outside it. The store has no clock: "the last window" is measured
// back from the latest trace end it has seen.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "telemetry/tracing/span.hpp"

namespace srelab::console {

struct TraceStoreSettings {
  std::size_t max_traces = 1000;      // distinct traces, all pools together
  std::size_t max_bytes = 32u << 20;  // estimated bytes (estimate_bytes), all pools together;
                                      // a trace above a quarter of it is not kept
  std::size_t error_traces = 100;     // the errors pool; error + slow < max_traces
  std::size_t slow_traces = 20;       // the slowest pool
  std::chrono::nanoseconds slow_window = std::chrono::minutes(15);
};

enum class TraceStatus { any, ok, error };

// "" or "any", "ok", "error" (the console API's status parameter); anything else is nullopt.
std::optional<TraceStatus> parse_trace_status(std::string_view text);

// Every member has an initializer, so a caller's designated initializer may leave any out
// (GCC's -Wmissing-field-initializers asks for it).
struct TraceFilter {
  TraceStatus status = TraceStatus::any;
  std::chrono::nanoseconds min_duration{0};
  std::string resource{};  // case-insensitive substring of the root span's resource; "" = any
  std::string tag{};       // "key:value" (split at the first ':'): some span has meta key = value,
                           // or a metric whose number text (format_number) is value; "key" alone:
                           // some span has the key. "" = any
  std::size_t limit = 50;
};

// The tags a summary lifts out of a trace (from whichever span carries them first, the root
// span looked at first): what tells a learner at a glance what happened to the request.
inline constexpr std::array<std::string_view, 4> kSummaryTags = {
    "app.fallback_used", "resilience.circuit_breaker.state", "db.pool.active", "error.type"};

struct TraceSummary {
  std::string trace_id;  // 32 lowercase hex digits
  std::string service;   // of the root span
  std::string name;
  std::string resource;
  std::int64_t start = 0;     // ns since the Unix epoch: the earliest span's start
  std::int64_t duration = 0;  // ns: from the earliest start to the latest end
  // A span has error = 1, or the root's status code is 5xx.
  bool error = false;
  int status_code = 0;  // the root's http.status_code (metric, else meta); 0 when absent
  std::size_t span_count = 0;
  std::vector<std::pair<std::string, std::string>> tags;  // of kSummaryTags, those present,
                                                          // in kSummaryTags order
};

struct TraceStoreStats {
  std::size_t traces = 0;  // distinct traces held
  std::size_t bytes = 0;   // their estimated size
  std::size_t recent = 0;  // pool memberships (a trace may be in several)
  std::size_t errors = 0;
  std::size_t slowest = 0;
  std::uint64_t added = 0;     // chunks accepted
  std::uint64_t evicted = 0;   // traces dropped to stay within the bounds
  std::uint64_t rejected = 0;  // chunks refused: empty, or above a quarter of max_bytes
                               // (alone, or merged with the trace they belong to)
};

// A held trace: the chunk and what add() measured of it (defined in trace_store.cpp).
struct StoredTrace;

// What a chunk is estimated to occupy: its spans, strings and map nodes.
std::size_t estimate_bytes(const telemetry::TraceChunk& chunk);

class TraceStore {
 public:
  // Throws std::invalid_argument when max_traces or max_bytes is 0 or when error_traces +
  // slow_traces leave no room for recent traces (>= max_traces): a wiring bug.
  explicit TraceStore(TraceStoreSettings settings = {});
  TraceStore(const TraceStore&) = delete;
  TraceStore& operator=(const TraceStore&) = delete;

  // Keeps the trace; a chunk of a trace already held (the same trace id) is merged into it.
  void add(telemetry::TraceChunk chunk);

  // Summaries of the traces that pass `filter`, newest first (by the arrival of a trace's first
  // chunk), at most filter.limit.
  std::vector<TraceSummary> list(const TraceFilter& filter) const;

  // The whole trace, spans in the order they arrived; nullopt when not held or when the id is
  // not 32 lowercase hex digits.
  std::optional<telemetry::TraceChunk> get(std::string_view trace_id_hex) const;

  TraceStoreStats stats() const;
  const TraceStoreSettings& settings() const { return settings_; }

 private:
  enum Pool : unsigned { kRecent = 1, kErrors = 2, kSlowest = 4 };
  struct Slot {
    std::shared_ptr<const StoredTrace> trace;
    unsigned pools = 0;  // the Pools holding it
  };
  struct SlowEntry {
    std::int64_t duration;
    std::int64_t end;
    std::uint64_t sequence;
  };
  // The heap's order: its top is the fastest entry, the oldest of equals, which goes first.
  static bool faster(const SlowEntry& a, const SlowEntry& b) {
    return a.duration > b.duration || (a.duration == b.duration && a.sequence > b.sequence);
  }
  struct TraceIdHash {
    std::size_t operator()(const telemetry::TraceId& id) const noexcept;
  };

  void add_locked(std::shared_ptr<const StoredTrace> trace);
  void merge(std::uint64_t sequence, const StoredTrace& more);
  void keep_if_error(std::uint64_t sequence);
  void keep_if_slow(std::uint64_t sequence);
  void trim_store();
  void join(std::uint64_t sequence, Pool pool);
  void leave(std::uint64_t sequence, Pool pool);
  void pop_slowest_min();

  const TraceStoreSettings settings_;
  const std::size_t pool_byte_share_;  // what errors and slowest may each hold: max_bytes / 4
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Slot> slots_;  // by arrival sequence: oldest first
  std::unordered_map<telemetry::TraceId, std::uint64_t, TraceIdHash> index_;
  std::deque<std::uint64_t> recent_;  // oldest first
  std::deque<std::uint64_t> errors_;  // oldest first
  std::vector<SlowEntry> slowest_;    // a min-heap by duration
  std::uint64_t next_sequence_ = 1;
  std::int64_t latest_end_ = 0;  // ns since the epoch: the slow window ends here
  std::size_t bytes_ = 0;
  std::size_t error_bytes_ = 0;
  std::size_t slow_bytes_ = 0;
  std::uint64_t added_ = 0;
  std::uint64_t evicted_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace srelab::console
