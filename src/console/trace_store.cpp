#include "console/trace_store.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <limits>
#include <stdexcept>

#include "core/json_string.hpp"

namespace srelab::console {

struct StoredTrace {
  telemetry::TraceChunk spans;
  std::size_t root = 0;    // index in spans of the span the summary describes
  std::int64_t start = 0;  // ns since the epoch
  std::int64_t end = 0;
  bool error = false;
  int status_code = 0;
  std::size_t bytes = 0;

  const telemetry::TraceId& id() const { return spans.front().trace_id; }
  std::int64_t duration() const { return end - start; }
};

namespace {

constexpr std::string_view kStatusCodeTag = "http.status_code";
// A std::map node besides its value: three pointers and the colour, rounded up.
constexpr std::size_t kMapNodeBytes = 32;

std::size_t estimate_span_bytes(const telemetry::SpanData& span) {
  std::size_t bytes = sizeof(telemetry::SpanData) + span.service.size() + span.name.size() +
                      span.resource.size() + span.type.size();
  for (const auto& [key, value] : span.meta)
    bytes += kMapNodeBytes + 2 * sizeof(std::string) + key.size() + value.size();
  for (const auto& [key, value] : span.metrics)
    bytes += kMapNodeBytes + sizeof(std::string) + sizeof(value) + key.size();
  return bytes;
}

int status_code_of(const telemetry::SpanData& span) {
  if (auto it = span.metrics.find(kStatusCodeTag); it != span.metrics.end())
    return it->second >= 0 && it->second < 1000 ? static_cast<int>(it->second) : 0;
  if (auto it = span.meta.find(kStatusCodeTag); it != span.meta.end()) {
    int code = 0;
    const std::string_view text = it->second;
    std::from_chars(text.data(), text.data() + text.size(), code);
    return code;
  }
  return 0;
}

// The trace's root when this process saw it (parent 0); otherwise `fallback`, the local root.
std::size_t find_root(const telemetry::TraceChunk& spans, std::size_t fallback) {
  if (spans[fallback].parent_id == 0) return fallback;
  for (std::size_t i = 0; i < spans.size(); ++i)
    if (spans[i].parent_id == 0) return i;
  return fallback;
}

bool contains_ignoring_case(std::string_view text, std::string_view part) {
  const auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

// The tag's value as text: meta as it is, a metric as its number.
std::optional<std::string> tag_value(const telemetry::SpanData& span, std::string_view key) {
  if (auto it = span.meta.find(key); it != span.meta.end()) return std::string(it->second);
  if (auto it = span.metrics.find(key); it != span.metrics.end())
    return srelab::format_number(it->second);
  return std::nullopt;
}

bool has_tag(const telemetry::TraceChunk& spans, std::string_view tag) {
  const auto colon = tag.find(':');
  const std::string_view key = tag.substr(0, colon);
  for (const auto& span : spans) {
    const auto value = tag_value(span, key);
    if (!value) continue;
    if (colon == std::string_view::npos || *value == tag.substr(colon + 1)) return true;
  }
  return false;
}

}  // namespace

std::optional<TraceStatus> parse_trace_status(std::string_view text) {
  if (text.empty() || text == "any") return TraceStatus::any;
  if (text == "ok") return TraceStatus::ok;
  if (text == "error") return TraceStatus::error;
  return std::nullopt;
}

std::size_t estimate_bytes(const telemetry::TraceChunk& chunk) {
  std::size_t bytes = sizeof(StoredTrace);
  for (const auto& span : chunk) bytes += estimate_span_bytes(span);
  return bytes;
}

namespace {

// The facts filters and summaries need, measured once so reads do not walk the spans for them.
void measure(StoredTrace& trace, std::size_t root_fallback) {
  const auto& spans = trace.spans;
  trace.root = find_root(spans, root_fallback);
  trace.start = std::numeric_limits<std::int64_t>::max();
  trace.end = std::numeric_limits<std::int64_t>::min();
  trace.error = false;
  for (const auto& span : spans) {
    trace.start = std::min(trace.start, span.start);
    trace.end = std::max(trace.end, span.start + std::max<std::int64_t>(span.duration, 0));
    trace.error = trace.error || span.error != 0;
  }
  trace.status_code = status_code_of(spans[trace.root]);
  trace.error = trace.error || trace.status_code >= 500;
  trace.bytes = estimate_bytes(spans);
}

TraceSummary summarize(const StoredTrace& trace) {
  const auto& root = trace.spans[trace.root];
  TraceSummary summary;
  summary.trace_id = telemetry::to_hex(trace.id());
  summary.service = root.service;
  summary.name = root.name;
  summary.resource = root.resource;
  summary.start = trace.start;
  summary.duration = trace.duration();
  summary.error = trace.error;
  summary.status_code = trace.status_code;
  summary.span_count = trace.spans.size();
  for (std::string_view key : kSummaryTags) {
    auto value = tag_value(root, key);
    for (std::size_t i = 0; !value && i < trace.spans.size(); ++i)
      value = tag_value(trace.spans[i], key);
    if (value) summary.tags.emplace_back(key, std::move(*value));
  }
  return summary;
}

bool passes(const StoredTrace& trace, const TraceFilter& filter) {
  if (filter.status == TraceStatus::error && !trace.error) return false;
  if (filter.status == TraceStatus::ok && trace.error) return false;
  if (trace.duration() < filter.min_duration.count()) return false;
  if (!filter.resource.empty() &&
      !contains_ignoring_case(trace.spans[trace.root].resource, filter.resource))
    return false;
  return filter.tag.empty() || has_tag(trace.spans, filter.tag);
}

}  // namespace

std::size_t TraceStore::TraceIdHash::operator()(const telemetry::TraceId& id) const noexcept {
  return std::hash<std::uint64_t>{}(id.low ^ (id.high * 0x9e3779b97f4a7c15ull));
}

TraceStore::TraceStore(TraceStoreSettings settings)
    : settings_(settings), pool_byte_share_(settings.max_bytes / 4) {
  if (settings_.max_traces == 0 || settings_.max_bytes == 0)
    throw std::invalid_argument("TraceStore: max_traces and max_bytes must be above 0");
  if (settings_.error_traces + settings_.slow_traces >= settings_.max_traces)
    throw std::invalid_argument(
        "TraceStore: error_traces + slow_traces must stay below max_traces");
}

void TraceStore::add(telemetry::TraceChunk chunk) {
  std::shared_ptr<StoredTrace> trace;
  if (!chunk.empty()) {
    trace = std::make_shared<StoredTrace>();
    trace->spans = std::move(chunk);
    measure(*trace, 0);  // a chunk starts with its local root
  }
  std::lock_guard lock(mutex_);
  if (!trace || trace->bytes > pool_byte_share_) {
    ++rejected_;
    return;
  }
  add_locked(std::move(trace));
}

void TraceStore::add_locked(std::shared_ptr<const StoredTrace> trace) {
  latest_end_ = std::max(latest_end_, trace->end);
  std::uint64_t sequence = 0;
  if (auto known = index_.find(trace->id()); known != index_.end()) {
    sequence = known->second;
    const std::size_t merged_bytes = slots_.at(sequence).trace->bytes + trace->bytes;
    if (merged_bytes - sizeof(StoredTrace) > pool_byte_share_) {
      ++rejected_;
      return;
    }
    merge(sequence, *trace);
  } else {
    sequence = next_sequence_++;
    bytes_ += trace->bytes;
    index_.emplace(trace->id(), sequence);
    slots_.emplace(sequence, Slot{std::move(trace), 0});
    recent_.push_back(sequence);
    join(sequence, kRecent);
  }
  ++added_;
  keep_if_error(sequence);
  keep_if_slow(sequence);
  trim_store();
}

// Readers may hold the old Trace, so the merged one is a new object that replaces it.
void TraceStore::merge(std::uint64_t sequence, const StoredTrace& more) {
  Slot& slot = slots_.at(sequence);
  auto merged = std::make_shared<StoredTrace>();
  merged->spans = slot.trace->spans;
  merged->spans.insert(merged->spans.end(), more.spans.begin(), more.spans.end());
  measure(*merged, slot.trace->root);
  const std::size_t old_bytes = slot.trace->bytes;
  bytes_ += merged->bytes - old_bytes;
  if (slot.pools & kErrors) error_bytes_ += merged->bytes - old_bytes;
  if (slot.pools & kSlowest) {
    slow_bytes_ += merged->bytes - old_bytes;
    for (auto& entry : slowest_) {
      if (entry.sequence != sequence) continue;
      entry.duration = merged->duration();
      entry.end = merged->end;
    }
    std::make_heap(slowest_.begin(), slowest_.end(), faster);
  }
  slot.trace = std::move(merged);
}

void TraceStore::keep_if_error(std::uint64_t sequence) {
  const Slot& slot = slots_.at(sequence);  // held: in recent, or merged into a pool member
  if (!slot.trace->error || (slot.pools & kErrors)) return;
  errors_.push_back(sequence);
  join(sequence, kErrors);
  while (errors_.size() > settings_.error_traces || error_bytes_ > pool_byte_share_) {
    const std::uint64_t oldest = errors_.front();
    errors_.pop_front();
    leave(oldest, kErrors);
  }
}

void TraceStore::keep_if_slow(std::uint64_t sequence) {
  // Out of the window: a slow trace from long ago gives way to today's slowest.
  const std::int64_t window_start = latest_end_ - settings_.slow_window.count();
  for (std::size_t i = 0; i < slowest_.size();) {
    if (slowest_[i].end >= window_start) {
      ++i;
      continue;
    }
    const std::uint64_t expired = slowest_[i].sequence;
    slowest_[i] = slowest_.back();
    slowest_.pop_back();
    leave(expired, kSlowest);
  }
  std::make_heap(slowest_.begin(), slowest_.end(), faster);

  // A merged trace may have left with the errors it was kept for, or just expired.
  const auto found = slots_.find(sequence);
  if (found == slots_.end()) return;
  const Slot& slot = found->second;
  if (slot.pools & kSlowest) return;  // a merged trace already there, its entry updated
  slowest_.push_back(SlowEntry{slot.trace->duration(), slot.trace->end, sequence});
  std::push_heap(slowest_.begin(), slowest_.end(), faster);
  join(sequence, kSlowest);
  while (slowest_.size() > settings_.slow_traces || slow_bytes_ > pool_byte_share_)
    pop_slowest_min();
}

void TraceStore::pop_slowest_min() {
  std::pop_heap(slowest_.begin(), slowest_.end(), faster);
  const std::uint64_t fastest = slowest_.back().sequence;
  slowest_.pop_back();
  leave(fastest, kSlowest);
}

// The recent pool gives way first; errors and slowest hold at most half the bytes and fewer
// than max_traces traces between them, so they are reached only if the bounds are tiny.
void TraceStore::trim_store() {
  while (slots_.size() > settings_.max_traces || bytes_ > settings_.max_bytes) {
    if (!recent_.empty()) {
      const std::uint64_t oldest = recent_.front();
      recent_.pop_front();
      leave(oldest, kRecent);
    } else if (!errors_.empty()) {
      const std::uint64_t oldest = errors_.front();
      errors_.pop_front();
      leave(oldest, kErrors);
    } else {
      pop_slowest_min();
    }
  }
}

void TraceStore::join(std::uint64_t sequence, Pool pool) {
  Slot& slot = slots_.at(sequence);
  slot.pools |= pool;
  if (pool == kErrors) error_bytes_ += slot.trace->bytes;
  if (pool == kSlowest) slow_bytes_ += slot.trace->bytes;
}

// The caller has taken `sequence` out of the pool's container; the trace goes when no pool
// holds it any more.
void TraceStore::leave(std::uint64_t sequence, Pool pool) {
  auto found = slots_.find(sequence);
  Slot& slot = found->second;
  slot.pools &= ~static_cast<unsigned>(pool);
  if (pool == kErrors) error_bytes_ -= slot.trace->bytes;
  if (pool == kSlowest) slow_bytes_ -= slot.trace->bytes;
  if (slot.pools != 0) return;
  bytes_ -= slot.trace->bytes;
  index_.erase(slot.trace->id());
  slots_.erase(found);
  ++evicted_;
}

std::vector<TraceSummary> TraceStore::list(const TraceFilter& filter) const {
  std::vector<std::shared_ptr<const StoredTrace>> traces;
  {
    std::lock_guard lock(mutex_);
    traces.reserve(slots_.size());
    for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) traces.push_back(it->second.trace);
  }
  std::vector<TraceSummary> summaries;
  for (const auto& trace : traces) {
    if (summaries.size() >= filter.limit) break;
    if (passes(*trace, filter)) summaries.push_back(summarize(*trace));
  }
  return summaries;
}

std::optional<telemetry::TraceChunk> TraceStore::get(std::string_view trace_id_hex) const {
  const auto id = telemetry::parse_trace_id_hex(trace_id_hex);
  if (!id) return std::nullopt;
  std::shared_ptr<const StoredTrace> trace;
  {
    std::lock_guard lock(mutex_);
    const auto found = index_.find(*id);
    if (found == index_.end()) return std::nullopt;
    trace = slots_.at(found->second).trace;
  }
  return trace->spans;
}

TraceStoreStats TraceStore::stats() const {
  std::lock_guard lock(mutex_);
  TraceStoreStats stats;
  stats.traces = slots_.size();
  stats.bytes = bytes_;
  stats.recent = recent_.size();
  stats.errors = errors_.size();
  stats.slowest = slowest_.size();
  stats.added = added_;
  stats.evicted = evicted_;
  stats.rejected = rejected_;
  return stats;
}

}  // namespace srelab::console
