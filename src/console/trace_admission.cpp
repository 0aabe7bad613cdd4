#include "console/trace_admission.hpp"

#include <algorithm>
#include <string_view>

namespace srelab::console {
namespace {

constexpr unsigned kCountBits = 24;
constexpr std::uint64_t kCountMask = (std::uint64_t{1} << kCountBits) - 1;
constexpr std::string_view kFallbackTag = "app.fallback_used";

bool flagged(const telemetry::TraceChunk& chunk) {
  return std::any_of(chunk.begin(), chunk.end(), [](const telemetry::SpanData& span) {
    return span.error != 0 || span.metrics.contains(kFallbackTag);
  });
}

}  // namespace

TraceAdmission::TraceAdmission(TraceAdmissionSettings settings) : settings_(std::move(settings)) {}

bool TraceAdmission::admit(const telemetry::TraceChunk& chunk) {
  Shard& counts = shard();
  if (chunk.empty() || ignored(chunk.front())) {  // a chunk starts with its local root
    counts.ignored.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const telemetry::SpanData& root = chunk.front();
  const std::int64_t end_ns = root.start + root.duration;
  if (root.duration < settings_.slow.count()) {
    if (flagged(chunk)) {
      if (!take_place(flagged_window_, settings_.flagged_per_second, end_ns)) {
        counts.flagged_sampled_out.fetch_add(1, std::memory_order_relaxed);
        return false;
      }
    } else if (!take_place(ok_window_, settings_.ok_per_second, end_ns)) {
      counts.sampled_out.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
  }
  counts.admitted.fetch_add(1, std::memory_order_relaxed);
  return true;
}

TraceAdmission::Shard& TraceAdmission::shard() {
  static std::atomic<std::size_t> next_thread{0};
  thread_local const std::size_t index = next_thread.fetch_add(1, std::memory_order_relaxed);
  return shards_[index % kShards];
}

bool TraceAdmission::ignored(const telemetry::SpanData& root) const {
  return std::any_of(
      settings_.ignored_resources.begin(), settings_.ignored_resources.end(),
      [&root](const std::string& prefix) { return root.resource.starts_with(prefix); });
}

// One compare-and-swap on a word holding the second and its count. A trace that ended in an
// earlier second than the one counted (threads finish out of order) counts in the current one.
bool TraceAdmission::take_place(std::atomic<std::uint64_t>& window, std::uint32_t places,
                                std::int64_t end_ns) {
  const std::uint64_t limit = std::min<std::uint64_t>(places, kCountMask);
  if (limit == 0) return false;
  const std::uint64_t second = end_ns > 0 ? static_cast<std::uint64_t>(end_ns / 1'000'000'000) : 0;
  std::uint64_t current = window.load(std::memory_order_relaxed);
  for (;;) {
    std::uint64_t next;
    if (second > (current >> kCountBits)) {
      next = (second << kCountBits) | 1;
    } else if ((current & kCountMask) < limit) {
      next = current + 1;
    } else {
      return false;
    }
    if (window.compare_exchange_weak(current, next, std::memory_order_relaxed)) return true;
  }
}

TraceAdmissionStats TraceAdmission::stats() const {
  TraceAdmissionStats stats;
  for (const Shard& counts : shards_) {
    stats.admitted += counts.admitted.load(std::memory_order_relaxed);
    stats.sampled_out += counts.sampled_out.load(std::memory_order_relaxed);
    stats.flagged_sampled_out += counts.flagged_sampled_out.load(std::memory_order_relaxed);
    stats.ignored += counts.ignored.load(std::memory_order_relaxed);
  }
  return stats;
}

}  // namespace srelab::console
