// The trace exporter: request threads submit() finished chunks into a bounded queue (no I/O),
// and one background thread every flush_interval asks the TraceDestination to
// encode what is queued and sends it through the ExportTransport. The app makes one per
// destination (Datadog agent, OTLP collector); unit tests drive flush_once() on a ManualClock.
//
// Bound: at most max_queued_spans spans are held — queued, being sent, or kept for a retry. A
// chunk that would pass it is dropped and counted (the newest loses; the queue never grows).
// When the queue passes half the bound the thread is woken early and sends everything: a burst
// is sent before the interval ends rather than dropped. submit() encodes the trace on the
// calling thread (see trace_destination.hpp for why) and queues its bytes; the flush thread only
// joins them into requests and sends.
//
// Answers: 2xx sent; transport error, 5xx, 408, 429 (and any status below 200) keep the batch
// and retry it first, after a backoff of 1 s doubling up to 30 s, or the answer's Retry-After
// (at most 5 minutes); other 3xx/4xx discard the batch as rejected (resending it would not help).
// A batch is at most max_traces_per_request traces and max_request_bytes of encoded traces (a
// larger trace goes alone); one flush sends as many batches as it takes to empty the queue,
// stopping at the first failure. An exception from the destination's encode_trace() loses that
// trace, and one from request_for() that batch (counted as rejected); one from the transport
// counts as a failed request: none of them ends the thread. A reachability observer hears of the
// first failure after a success (or at start) and of the first success after failures, never of
// each retry: the app turns those into one warning and one info log line.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "telemetry/export/export_transport.hpp"
#include "telemetry/export/trace_destination.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::telemetry {

struct TraceExporterSettings {
  std::chrono::milliseconds flush_interval{1000};
  std::chrono::milliseconds request_timeout{2000};
  std::size_t max_queued_spans = 100'000;
  std::size_t max_traces_per_request = 1000;
  std::size_t max_request_bytes = 4 * 1024 * 1024;  // encoded traces
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{30'000};
  std::chrono::milliseconds max_retry_after{300'000};  // a larger Retry-After is cut to this
};

// A snapshot; every field but last_error is read from an atomic.
struct TraceExporterStats {
  std::uint64_t queued_spans = 0;    // held now: queued, in flight or kept for a retry
  std::uint64_t sent_traces = 0;     // accepted with a 2xx
  std::uint64_t sent_requests = 0;   // answered with a 2xx
  std::uint64_t dropped_traces = 0;  // the bound was full (or the exporter stopped)
  std::uint64_t dropped_spans = 0;
  std::uint64_t rejected_traces = 0;       // discarded on a non-retryable 3xx/4xx
  std::uint64_t failed_requests = 0;       // transport errors and retryable statuses
  std::uint64_t consecutive_failures = 0;  // 0 after any non-retryable answer
  std::string last_error;                  // the most recent failure or rejection; "" if none
};

// What one flush_once() did.
enum class FlushResult {
  idle,         // nothing was held
  sent,         // everything held went out (sent or rejected)
  failed,       // a request failed: its batch, and what was behind it, stays for a retry
  backing_off,  // not attempted: clock.now() < the time of the next attempt
};

class TraceExporter {
 public:
  // The destination, transport and clock must outlive the exporter.
  TraceExporter(TraceExporterSettings settings, TraceDestination& destination,
                ExportTransport& transport, const Clock& clock);
  TraceExporter(const TraceExporter&) = delete;
  TraceExporter& operator=(const TraceExporter&) = delete;
  ~TraceExporter();  // stop(request_timeout)

  // Thread-safe, never blocks on I/O: encodes the trace and queues it. An empty chunk is ignored.
  void submit(const TraceChunk& chunk);

  // Starts the flush thread; once only (later calls, and a call after stop(), do nothing).
  void start();
  // Ends the thread after one last flush that ignores the backoff and gives up at `deadline`
  // (each request's timeout shortened to what is left). A request already in flight when stop()
  // is called finishes first, so stop() can take up to request_timeout longer. Idempotent;
  // without start() it flushes nothing. Afterwards submit() drops (counted), and whatever could
  // not be sent stays counted in queued_spans.
  void stop(std::chrono::milliseconds deadline);

  // One flush, on the caller's thread (serialized with the flush thread's).
  FlushResult flush_once();

  // Called on the flushing thread, under the flush lock: (false, the error) when a request fails
  // while the destination was thought reachable, (true, "") when one gets an answer again.
  // Set before start(). The destination counts as reachable until a request fails.
  using ReachabilityObserver = std::function<void(bool reachable, const std::string& error)>;
  void set_reachability_observer(ReachabilityObserver observer) {
    reachability_observer_ = std::move(observer);
  }

  TraceExporterStats stats() const;
  const TraceExporterSettings& settings() const { return settings_; }

 private:
  // Encoded traces back to back, with each one's size and spans. Request threads append under
  // queue_mutex_ and drop their own copy at once: a trace's bytes allocated on one thread and
  // freed on the flush thread kept the request threads' allocations off the allocator's
  // per-thread cache (bench/telemetry_cost.sh, telemetry / off: 0.75 with a string per trace,
  // 0.88 appended here).
  struct EncodedTraces {
    struct Trace {
      std::size_t size = 0;
      std::size_t spans = 0;
    };
    std::string bytes;
    std::vector<Trace> traces;
    std::size_t next = 0;    // the first trace not yet in a request
    std::size_t offset = 0;  // where it starts in `bytes`
  };
  struct Batch {
    ExportRequest request;
    std::size_t traces = 0;
    std::size_t spans = 0;
  };
  enum class Outcome { sent, rejected, failed };

  bool reserve(std::size_t spans, bool& wake);  // room in the bound; false: drop
  void count_dropped(std::size_t spans);
  void run();
  FlushResult flush(std::optional<Clock::time_point> deadline);
  std::optional<Batch> next_batch();
  Outcome send(const Batch& batch, std::chrono::milliseconds timeout);
  void record_failure(std::string error, std::optional<std::chrono::seconds> retry_after);
  void record_answer();  // any HTTP answer that is not a retryable failure
  void set_last_error(std::string error);

  const TraceExporterSettings settings_;
  TraceDestination& destination_;
  ExportTransport& transport_;
  const Clock& clock_;

  // Request threads push here; the flusher takes the whole queue at once.
  std::mutex queue_mutex_;
  EncodedTraces queue_;
  std::atomic<bool> accepting_{true};

  // Flusher-side state, under flush_mutex_.
  std::mutex flush_mutex_;
  std::deque<EncodedTraces> backlog_;  // taken from the queue, not all in a request yet
  std::optional<Batch> retained_;      // the batch that failed, sent first next time
  Clock::time_point next_attempt_at_{};
  bool unreachable_ = false;  // a request failed and none has succeeded since
  ReachabilityObserver reachability_observer_;

  // The flush thread.
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool wake_requested_ = false;
  bool stopping_ = false;
  std::chrono::milliseconds stop_deadline_{0};
  std::mutex lifecycle_mutex_;
  bool started_ = false;
  bool stopped_ = false;
  std::thread thread_;

  std::atomic<std::uint64_t> queued_spans_{0};
  std::atomic<std::uint64_t> sent_traces_{0};
  std::atomic<std::uint64_t> sent_requests_{0};
  std::atomic<std::uint64_t> dropped_traces_{0};
  std::atomic<std::uint64_t> dropped_spans_{0};
  std::atomic<std::uint64_t> rejected_traces_{0};
  std::atomic<std::uint64_t> failed_requests_{0};
  std::atomic<std::uint64_t> consecutive_failures_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;
};

}  // namespace srelab::telemetry
