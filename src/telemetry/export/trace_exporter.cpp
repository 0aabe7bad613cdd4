#include "telemetry/export/trace_exporter.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <new>
#include <utility>

namespace srelab::telemetry {
namespace {

constexpr std::size_t kErrorBodyChars = 200;

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
      next_attempt_at_(clock.now()) {}

TraceExporter::~TraceExporter() {
  stop(settings_.request_timeout);
}

void TraceExporter::submit(const TraceChunk& chunk) {
  const std::size_t spans = chunk.size();
  if (spans == 0) return;
  bool half_full = false;
  if (!accepting_.load() || !reserve(spans, half_full)) {
    count_dropped(spans);
    return;
  }
  std::string encoded;
  try {
    encoded = destination_.encode_trace(chunk);
  } catch (const std::exception& e) {
    queued_spans_.fetch_sub(spans, std::memory_order_relaxed);
    rejected_traces_.fetch_add(1, std::memory_order_relaxed);
    set_last_error(std::string(destination_.name()) + ": encoding failed: " + e.what());
    return;
  }
  {
    // accepting_ is read again under the queue's lock: stop()'s last flush takes the queue after
    // setting it false under the same lock, so a trace is either in that flush or dropped here.
    std::lock_guard lock(queue_mutex_);
    bool queued = false;
    if (accepting_.load()) {
      const std::size_t size_before = queue_.bytes.size();
      try {
        queue_.bytes += encoded;
        queue_.traces.push_back({encoded.size(), spans});
        queued = true;
      } catch (const std::bad_alloc&) {
        queue_.bytes.resize(size_before);  // the buffer and its index stay in step
      }
    }
    if (!queued) {
      queued_spans_.fetch_sub(spans, std::memory_order_relaxed);
      count_dropped(spans);
      return;
    }
  }
  // Once per crossing of half the bound, never per submit.
  if (half_full) {
    std::lock_guard lock(wake_mutex_);
    wake_requested_ = true;
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
  auto next_flush_at = std::chrono::steady_clock::now() + settings_.flush_interval;
  while (!stopping_) {
    wake_.wait_until(lock, next_flush_at, [this] { return stopping_ || wake_requested_; });
    if (stopping_) break;
    next_flush_at = std::chrono::steady_clock::now() + settings_.flush_interval;
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
  {
    std::lock_guard queue_lock(queue_mutex_);
    if (!queue_.traces.empty()) backlog_.push_back(std::exchange(queue_, EncodedTraces{}));
  }
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
    retained_.reset();
  }
  return FlushResult::sent;
}

// A batch takes traces from the oldest queue taken only: its views point into that queue's bytes,
// which stay until the request is made.
std::optional<TraceExporter::Batch> TraceExporter::next_batch() {
  const auto drop_spent = [this] {
    while (!backlog_.empty() && backlog_.front().next == backlog_.front().traces.size())
      backlog_.pop_front();
  };
  drop_spent();
  if (backlog_.empty()) return std::nullopt;
  EncodedTraces& source = backlog_.front();
  const std::size_t max_traces = std::max<std::size_t>(settings_.max_traces_per_request, 1);
  std::vector<std::string_view> traces;
  Batch batch;
  std::size_t bytes = 0;
  while (source.next < source.traces.size()) {
    const EncodedTraces::Trace& trace = source.traces[source.next];
    if (batch.traces > 0 &&
        (batch.traces + 1 > max_traces || bytes + trace.size > settings_.max_request_bytes))
      break;
    traces.emplace_back(source.bytes.data() + source.offset, trace.size);
    bytes += trace.size;
    batch.spans += trace.spans;
    ++batch.traces;
    source.offset += trace.size;
    ++source.next;
  }
  std::optional<Batch> made;
  try {
    batch.request = destination_.request_for(traces);
    made = std::move(batch);
  } catch (const std::exception& e) {
    // A bug or out of memory; the thread must survive it and the bound must stay right.
    rejected_traces_.fetch_add(batch.traces);
    queued_spans_.fetch_sub(batch.spans, std::memory_order_relaxed);
    set_last_error(std::string(destination_.name()) + ": encoding failed: " + e.what());
  }
  drop_spent();
  return made;
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
    record_answer();
    return Outcome::sent;
  }
  if (retryable(status)) {
    failed_requests_.fetch_add(1);
    record_failure(describe(destination_.name(), status, response->body), response->retry_after);
    return Outcome::failed;
  }
  rejected_traces_.fetch_add(batch.traces);
  record_answer();
  set_last_error(describe(destination_.name(), status, response->body));
  return Outcome::rejected;
}

void TraceExporter::record_answer() {
  consecutive_failures_.store(0);
  next_attempt_at_ = clock_.now();
  if (!unreachable_) return;
  unreachable_ = false;
  if (reachability_observer_) reachability_observer_(true, {});
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
  if (!unreachable_) {
    unreachable_ = true;
    if (reachability_observer_) reachability_observer_(false, error);
  }
  set_last_error(std::move(error));
}

void TraceExporter::set_last_error(std::string error) {
  std::lock_guard lock(error_mutex_);
  last_error_ = std::move(error);
}

}  // namespace srelab::telemetry
