#include "telemetry/trace_exporter.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <utility>

namespace srelab::telemetry {
namespace {

constexpr std::size_t kInitialQueueCapacity = 1024;
constexpr std::size_t kErrorBodyChars = 200;
constexpr std::size_t kMaxReservedBytes = 1024 * 1024;
constexpr std::size_t kMinRecycledBytes = 4096;
constexpr std::size_t kMaxSpareBuffers = 4;

std::atomic<std::uint64_t> next_exporter_id{0};

bool retryable(int status) {
  return status < 200 || status >= 500 || status == 408 || status == 429;
}

// "HTTP 503: <start of the body>", on one line.
std::string describe(std::string_view destination, int status, std::string_view body) {
  std::string text = std::string(destination) + ": HTTP " + std::to_string(status);
  if (!body.empty()) {
    text += ": ";
    for (char c : body.substr(0, kErrorBodyChars)) text += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return text;
}

}  // namespace

TraceExporter::TraceExporter(TraceExporterSettings settings, TraceDestination& destination,
                             ExportTransport& transport, const Clock& clock)
    : settings_(settings),
      destination_(destination),
      transport_(transport),
      clock_(clock),
      id_(next_exporter_id.fetch_add(1) + 1),
      encodes_chunks_(destination.encodes_chunks()),
      next_attempt_at_(clock.now()) {
  const std::size_t capacity = std::min(settings_.max_queued_spans, kInitialQueueCapacity);
  queue_.reserve(capacity);
  spare_.reserve(capacity);
}

TraceExporter::~TraceExporter() {
  stop(settings_.request_timeout);
}

void TraceExporter::submit(TraceChunk&& chunk) {
  const std::size_t spans = chunk.size();
  if (spans == 0) return;
  bool half_full = false;
  if (!reserve(spans, half_full)) {
    count_dropped(spans);
    return;
  }
  bool batch_full = false;
  if (encodes_chunks_)
    batch_full = submit_encoded(chunk, spans);
  else
    queue_chunk(std::move(chunk), spans);
  // Once per crossing of half the bound (everything goes: the bound needs room) or per full
  // batch (only full batches go: sending the lanes' few traces too would make many small
  // requests); never per submit.
  if (half_full || batch_full) {
    std::lock_guard lock(wake_mutex_);
    wake_requested_ = true;
    if (half_full) whole_flush_requested_ = true;
    wake_.notify_one();
  }
}

void TraceExporter::count_dropped(std::size_t spans) {
  dropped_traces_.fetch_add(1, std::memory_order_relaxed);
  dropped_spans_.fetch_add(spans, std::memory_order_relaxed);
}

// Only submit() adds to queued_spans_; the flusher only subtracts, so the bound holds.
bool TraceExporter::reserve(std::size_t spans, bool& wake) {
  const std::size_t half = (settings_.max_queued_spans + 1) / 2;
  std::uint64_t held = queued_spans_.load(std::memory_order_relaxed);
  do {
    if (held + spans > settings_.max_queued_spans) return false;
  } while (!queued_spans_.compare_exchange_weak(held, held + spans, std::memory_order_relaxed));
  wake = held < half && held + spans >= half;
  return true;
}

// True when a request's worth is ready: it is sent at once, so the few batch buffers in flight
// come back for reuse instead of a flush interval's worth being allocated (and faulted in).
bool TraceExporter::submit_encoded(const TraceChunk& chunk, std::size_t spans) {
  Lane& lane = this_threads_lane();
  std::lock_guard lock(lane.mutex);
  // Read under the lane's mutex: stop()'s last flush takes every lane after accepting_ is
  // false, so a trace is either in that flush or dropped here, never stranded in a lane.
  if (!accepting_.load()) {
    queued_spans_.fetch_sub(spans, std::memory_order_relaxed);
    count_dropped(spans);
    return false;
  }
  if (lane.encoded.empty()) start_lane_buffer(lane);
  const std::size_t before = lane.encoded.size();
  try {
    destination_.encode_chunk(chunk, lane.encoded);
  } catch (const std::exception& e) {
    lane.encoded.resize(before);
    queued_spans_.fetch_sub(spans, std::memory_order_relaxed);
    rejected_traces_.fetch_add(1, std::memory_order_relaxed);
    set_last_error(std::string(destination_.name()) + ": encoding failed: " + e.what());
    return false;
  }
  bool full = false;
  if (lane.traces > 0 && lane.encoded.size() > settings_.max_request_bytes) {
    // This trace would pass the request's size: it opens the next batch.
    std::string next = spare_buffer();
    destination_.open_batch(next);
    next.append(lane.encoded, before);
    lane.encoded.resize(before);
    hand_over(lane, std::move(next));
    full = true;
  }
  lane.spans += spans;
  ++lane.traces;
  if (lane.traces >= std::max<std::size_t>(settings_.max_traces_per_request, 1)) {
    hand_over(lane, spare_buffer());
    full = true;
  }
  return full;
}

void TraceExporter::queue_chunk(TraceChunk&& chunk, std::size_t spans) {
  std::lock_guard lock(queue_mutex_);
  if (!accepting_.load()) {
    queued_spans_.fetch_sub(spans, std::memory_order_relaxed);
    count_dropped(spans);
    return;
  }
  Pending pending;
  pending.chunk = std::move(chunk);
  pending.spans = spans;
  pending.traces = 1;
  queue_.push_back(std::move(pending));
}

TraceExporter::Lane& TraceExporter::this_threads_lane() {
  struct Cached {
    std::uint64_t exporter = 0;
    Lane* lane = nullptr;
  };
  thread_local std::array<Cached, 4> cache{};
  thread_local std::size_t next_slot = 0;
  for (const Cached& cached : cache) {
    if (cached.exporter == id_) return *cached.lane;
  }
  Lane* lane = nullptr;
  {
    // A thread that fell out of the cache (more than four exporters in turn) finds its lane
    // again by its id, so lanes stay one per thread.
    std::lock_guard lock(lanes_mutex_);
    const std::thread::id me = std::this_thread::get_id();
    for (const auto& existing : lanes_) {
      if (existing->owner == me) {
        lane = existing.get();
        break;
      }
    }
    if (lane == nullptr) {
      lanes_.push_back(std::make_unique<Lane>());
      lane = lanes_.back().get();
      lane->owner = me;
    }
  }
  cache[next_slot++ % cache.size()] = Cached{id_, lane};
  return *lane;
}

// Room for a request's worth up front, so appends do not move the batch as it grows.
void TraceExporter::start_lane_buffer(Lane& lane) {
  if (lane.encoded.capacity() == 0) lane.encoded = spare_buffer();
  if (lane.encoded.capacity() < kMinRecycledBytes)
    lane.encoded.reserve(std::min(settings_.max_request_bytes, kMaxReservedBytes) + 64);
  destination_.open_batch(lane.encoded);
}

void TraceExporter::hand_over(Lane& lane, std::string next) {
  Pending full;
  full.is_encoded = true;
  full.encoded = std::exchange(lane.encoded, std::move(next));
  full.spans = std::exchange(lane.spans, 0);
  full.traces = std::exchange(lane.traces, 0);
  std::lock_guard lock(queue_mutex_);
  queue_.push_back(std::move(full));
}

void TraceExporter::take_lanes(std::vector<Pending>& out) {
  std::vector<Lane*> lanes;
  {
    std::lock_guard lock(lanes_mutex_);
    for (const auto& lane : lanes_) lanes.push_back(lane.get());
  }
  for (Lane* lane : lanes) {
    std::lock_guard lock(lane->mutex);
    if (lane->traces == 0) continue;
    Pending open;
    open.is_encoded = true;
    open.encoded = std::move(lane->encoded);
    lane->encoded = std::string();  // the thread takes a spare buffer on its next trace
    open.spans = std::exchange(lane->spans, 0);
    open.traces = std::exchange(lane->traces, 0);
    out.push_back(std::move(open));
  }
}

std::string TraceExporter::spare_buffer() {
  std::lock_guard lock(queue_mutex_);
  if (spare_buffers_.empty()) return {};
  std::string buffer = std::move(spare_buffers_.back());
  spare_buffers_.pop_back();
  return buffer;
}

void TraceExporter::start() {
  std::lock_guard lock(lifecycle_mutex_);
  if (started_ || stopped_) return;
  started_ = true;
  thread_ = std::thread([this] { run(); });
}

void TraceExporter::stop(std::chrono::milliseconds deadline) {
  {
    std::lock_guard lock(lifecycle_mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  {
    std::lock_guard lock(queue_mutex_);
    accepting_.store(false);
  }
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
    stop_deadline_ = deadline;
  }
  wake_.notify_one();
  thread_.join();
}

FlushResult TraceExporter::flush_once() {
  return flush(std::nullopt, true);
}

TraceExporterStats TraceExporter::stats() const {
  TraceExporterStats s;
  s.queued_spans = queued_spans_.load();
  s.sent_traces = sent_traces_.load();
  s.sent_requests = sent_requests_.load();
  s.dropped_traces = dropped_traces_.load();
  s.dropped_spans = dropped_spans_.load();
  s.rejected_traces = rejected_traces_.load();
  s.failed_requests = failed_requests_.load();
  s.consecutive_failures = consecutive_failures_.load();
  std::lock_guard lock(error_mutex_);
  s.last_error = last_error_;
  return s;
}

void TraceExporter::run() {
  std::unique_lock lock(wake_mutex_);
  auto whole_flush_at = std::chrono::steady_clock::now() + settings_.flush_interval;
  while (!stopping_) {
    wake_.wait_until(lock, whole_flush_at, [this] { return stopping_ || wake_requested_; });
    if (stopping_) break;
    const auto now = std::chrono::steady_clock::now();
    const bool whole = whole_flush_requested_ || now >= whole_flush_at;
    if (whole) whole_flush_at = now + settings_.flush_interval;
    wake_requested_ = false;
    whole_flush_requested_ = false;
    lock.unlock();
    flush(std::nullopt, whole);
    lock.lock();
  }
  const auto budget = stop_deadline_;
  lock.unlock();
  flush(clock_.now() + budget, true);
}

// With a deadline (the final flush) the backoff is ignored and each request gets at most what is
// left of the deadline.
FlushResult TraceExporter::flush(std::optional<Clock::time_point> deadline, bool with_lanes) {
  std::lock_guard lock(flush_mutex_);
  if (!deadline && clock_.now() < next_attempt_at_) return FlushResult::backing_off;
  take_queue(with_lanes);
  if (!retained_ && backlog_.empty()) return FlushResult::idle;
  while (retained_ || !backlog_.empty()) {
    auto timeout = settings_.request_timeout;
    if (deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - clock_.now());
      if (left <= std::chrono::milliseconds::zero()) return FlushResult::failed;
      timeout = std::min(timeout, left);
    }
    if (!retained_) {
      retained_ = next_batch();
      if (!retained_) continue;  // could not be encoded: discarded, counted as rejected
    }
    if (send(*retained_, timeout) == Outcome::failed) return FlushResult::failed;
    queued_spans_.fetch_sub(retained_->spans, std::memory_order_relaxed);
    recycle(std::move(retained_->request.body));
    retained_.reset();
  }
  return FlushResult::sent;
}

void TraceExporter::take_queue(bool with_lanes) {
  // The lanes first: a thread that filled its lane while this flush waited for the lane's mutex
  // has handed the batch to the queue by then, so stop()'s last flush misses none. They are
  // sent after the queue's full batches all the same (the open lanes hold the newer traces).
  if (with_lanes) take_lanes(open_lanes_);
  {
    std::lock_guard lock(queue_mutex_);
    queue_.swap(spare_);  // spare_ is empty here and keeps its capacity
  }
  for (Pending& pending : spare_) backlog_.push_back(std::move(pending));
  for (Pending& pending : open_lanes_) backlog_.push_back(std::move(pending));
  spare_.clear();
  open_lanes_.clear();
}

std::optional<TraceExporter::Batch> TraceExporter::next_batch() {
  const std::size_t max_traces = std::max<std::size_t>(settings_.max_traces_per_request, 1);
  const bool encoded = !backlog_.empty() && backlog_.front().is_encoded;
  std::vector<TraceChunk> traces;
  std::vector<std::string> pieces;
  Batch batch;
  std::size_t bytes = 0;
  while (!backlog_.empty() && backlog_.front().is_encoded == encoded) {
    Pending& front = backlog_.front();
    const std::size_t size = encoded ? front.encoded.size() : estimated_encoded_size(front.chunk);
    if (batch.traces > 0 &&
        (batch.traces + front.traces > max_traces || bytes + size > settings_.max_request_bytes))
      break;
    bytes += size;
    batch.spans += front.spans;
    batch.traces += front.traces;
    if (encoded)
      pieces.push_back(std::move(front.encoded));
    else
      traces.push_back(std::move(front.chunk));
    backlog_.pop_front();
  }
  try {
    batch.request =
        encoded ? destination_.assemble(pieces, batch.traces) : destination_.encode(traces);
    for (std::string& piece : pieces) recycle(std::move(piece));
  } catch (const std::exception& e) {
    // A bug or out of memory; the thread must survive it and the bound must stay right.
    rejected_traces_.fetch_add(batch.traces);
    queued_spans_.fetch_sub(batch.spans, std::memory_order_relaxed);
    set_last_error(std::string(destination_.name()) + ": encoding failed: " + e.what());
    return std::nullopt;
  }
  return batch;
}

// A large buffer that carried encoded traces goes back for the next ones: allocating (and
// faulting in) a fresh request's worth of memory every time costs more than the copy itself.
void TraceExporter::recycle(std::string buffer) {
  if (buffer.capacity() < kMinRecycledBytes || buffer.capacity() > 2 * kMaxReservedBytes) return;
  buffer.clear();
  std::lock_guard lock(queue_mutex_);
  if (spare_buffers_.size() < kMaxSpareBuffers) spare_buffers_.push_back(std::move(buffer));
}

TraceExporter::Outcome TraceExporter::send(const Batch& batch, std::chrono::milliseconds timeout) {
  result<ExportResponse> response = make_error_code(errc::protocol_error);
  try {
    response = transport_.send(batch.request, timeout);
  } catch (const std::exception& e) {
    failed_requests_.fetch_add(1);
    record_failure(std::string(destination_.name()) + ": " + e.what(), std::nullopt);
    return Outcome::failed;
  }
  if (!response) {
    failed_requests_.fetch_add(1);
    record_failure(std::string(destination_.name()) + ": " + response.error().message(),
                   std::nullopt);
    return Outcome::failed;
  }
  destination_.on_response(*response);
  const int status = response->status;
  if (status >= 200 && status < 300) {
    sent_requests_.fetch_add(1);
    sent_traces_.fetch_add(batch.traces);
    consecutive_failures_.store(0);
    next_attempt_at_ = clock_.now();
    return Outcome::sent;
  }
  if (retryable(status)) {
    failed_requests_.fetch_add(1);
    record_failure(describe(destination_.name(), status, response->body), response->retry_after);
    return Outcome::failed;
  }
  rejected_traces_.fetch_add(batch.traces);
  consecutive_failures_.store(0);
  next_attempt_at_ = clock_.now();
  set_last_error(describe(destination_.name(), status, response->body));
  return Outcome::rejected;
}

void TraceExporter::record_failure(std::string error,
                                   std::optional<std::chrono::seconds> retry_after) {
  const std::uint64_t failures = consecutive_failures_.fetch_add(1) + 1;
  std::chrono::milliseconds delay;
  if (retry_after) {
    delay = std::clamp<std::chrono::milliseconds>(*retry_after, std::chrono::milliseconds::zero(),
                                                  settings_.max_retry_after);
  } else {
    delay = settings_.initial_backoff;
    for (std::uint64_t i = 1; i < failures && delay < settings_.max_backoff && delay.count() > 0;
         ++i) {
      delay *= 2;
    }
    delay = std::min(delay, settings_.max_backoff);
  }
  next_attempt_at_ = clock_.now() + delay;
  set_last_error(std::move(error));
}

void TraceExporter::set_last_error(std::string error) {
  std::lock_guard lock(error_mutex_);
  last_error_ = std::move(error);
}

std::size_t estimated_encoded_size(const TraceChunk& chunk) {
  // Per span: the 12 keys and fixed-size values of a v0.4 map (~130 bytes), a little more for
  // JSON's quoting; then the strings themselves.
  constexpr std::size_t kSpanOverhead = 160;
  constexpr std::size_t kMetaEntryOverhead = 8;
  constexpr std::size_t kMetricEntryOverhead = 16;
  std::size_t size = 8;
  for (const SpanData& span : chunk) {
    size += kSpanOverhead + span.service.size() + span.name.size() + span.resource.size() +
            span.type.size();
    for (const auto& [key, value] : span.meta)
      size += key.size() + value.size() + kMetaEntryOverhead;
    for (const auto& [key, value] : span.metrics) size += key.size() + kMetricEntryOverhead;
  }
  return size;
}

}  // namespace srelab::telemetry
