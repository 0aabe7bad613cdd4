#include "telemetry/trace_exporter.hpp"

#include <algorithm>
#include <exception>
#include <utility>

namespace srelab::telemetry {
namespace {

constexpr std::size_t kInitialQueueCapacity = 1024;
constexpr std::size_t kErrorBodyChars = 200;
constexpr std::size_t kMaxScratchBytes = 64 * 1024;
constexpr std::size_t kMaxReservedBytes = 1024 * 1024;
constexpr std::size_t kMinRecycledBytes = 4096;
constexpr std::size_t kMaxSpareBuffers = 4;

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
  // Encoded on this thread without the lock, into a buffer the thread keeps; only the append
  // to the open batch happens under the lock.
  thread_local std::string scratch;
  scratch.clear();
  bool is_encoded = false;
  try {
    is_encoded = destination_.encode_chunk(chunk, scratch);
  } catch (const std::exception& e) {
    rejected_traces_.fetch_add(1, std::memory_order_relaxed);
    set_last_error(std::string(destination_.name()) + ": encoding failed: " + e.what());
    return;
  }
  const std::size_t half = (settings_.max_queued_spans + 1) / 2;
  bool accepted = false;
  bool wake = false;
  {
    std::lock_guard lock(queue_mutex_);
    // Only submit() adds, under this lock; the flusher only subtracts, so the bound holds.
    const std::uint64_t held = queued_spans_.load(std::memory_order_relaxed);
    if (accepting_ && held + spans <= settings_.max_queued_spans) {
      if (is_encoded) {
        append_encoded(scratch, spans);
      } else {
        Pending pending;
        pending.chunk = std::move(chunk);
        pending.spans = spans;
        pending.traces = 1;
        queue_.push_back(std::move(pending));
      }
      queued_spans_.fetch_add(spans, std::memory_order_relaxed);
      accepted = true;
      wake = held < half && held + spans >= half;
    }
  }
  if (scratch.capacity() > kMaxScratchBytes) std::string().swap(scratch);  // one huge trace
  if (!accepted) {
    dropped_traces_.fetch_add(1, std::memory_order_relaxed);
    dropped_spans_.fetch_add(spans, std::memory_order_relaxed);
    return;
  }
  if (wake) {  // once per crossing of half the bound, not per submit
    std::lock_guard lock(wake_mutex_);
    wake_requested_ = true;
    wake_.notify_one();
  }
}

// Encoded traces join the last queued entry while it has room for one request's worth, so a
// flush finds a few large pieces (one allocation per request's worth, not one per trace).
void TraceExporter::append_encoded(std::string_view piece, std::size_t spans) {
  const bool open = !queue_.empty() && queue_.back().is_encoded &&
                    queue_.back().traces < settings_.max_traces_per_request &&
                    queue_.back().encoded.size() + piece.size() <= settings_.max_request_bytes;
  if (!open) {
    Pending pending;
    pending.is_encoded = true;
    if (!spare_buffers_.empty()) {
      pending.encoded = std::move(spare_buffers_.back());
      spare_buffers_.pop_back();
    } else {
      const std::size_t expected =
          piece.size() * std::max<std::size_t>(settings_.max_traces_per_request, 1);
      // Room for the request's array header too: the destination may put it in front in place.
      pending.encoded.reserve(std::min({expected, settings_.max_request_bytes, kMaxReservedBytes}) +
                              16);
    }
    queue_.push_back(std::move(pending));
  }
  Pending& last = queue_.back();
  last.encoded.append(piece);
  last.spans += spans;
  ++last.traces;
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
    accepting_ = false;
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
  return flush(std::nullopt);
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
  while (!stopping_) {
    wake_.wait_for(lock, settings_.flush_interval, [this] { return stopping_ || wake_requested_; });
    if (stopping_) break;
    wake_requested_ = false;
    lock.unlock();
    flush(std::nullopt);
    lock.lock();
  }
  const auto budget = stop_deadline_;
  lock.unlock();
  flush(clock_.now() + budget);
}

// With a deadline (the final flush) the backoff is ignored and each request gets at most what is
// left of the deadline.
FlushResult TraceExporter::flush(std::optional<Clock::time_point> deadline) {
  std::lock_guard lock(flush_mutex_);
  if (!deadline && clock_.now() < next_attempt_at_) return FlushResult::backing_off;
  take_queue();
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

void TraceExporter::take_queue() {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.swap(spare_);  // spare_ is empty here and keeps its capacity
  }
  for (Pending& pending : spare_) backlog_.push_back(std::move(pending));
  spare_.clear();
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
