// Spans as the Datadog agent sees them (SpanData: the fields of a v0.4 payload span) and the
// tracer that makes them, shaped like dd-trace-cpp: one TraceSegment per request holds its
// spans, and RAII Spans take their start (wall, ns since epoch) and duration (steady) from the
// injected Clock. The segment keeps its spans in stable storage, so a span's data stays where it
// is until the trace is done; when the last span of a segment finishes, the segment hands the
// whole chunk (the agent's unit: one trace's spans from this process, in the order they
// started) to the sink (exporters, the console, a vector in tests).
// Ids come from the injected Random. Thread-compatible, not thread-safe: a segment and its spans
// belong to the request's thread. The settings, Random and Clock are held by reference and must
// outlive every span (the app's Tracer owns the settings and lives as long as the server).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "telemetry/tracing/propagation.hpp"
#include "telemetry/tracing/sampler.hpp"
#include "telemetry/tracing/tags.hpp"
#include "telemetry/tracing/trace_id.hpp"

namespace srelab::telemetry {

inline constexpr std::string_view kSamplingPriorityMetric = "_sampling_priority_v1";
inline constexpr std::string_view kTraceIdHighTag = "_dd.p.tid";
inline constexpr std::string_view kDecisionMakerTag = "_dd.p.dm";
inline constexpr std::string_view kBaseServiceTag = "_dd.base_service";
inline constexpr std::string_view kTopLevelMetric = "_dd.top_level";
inline constexpr std::string_view kMeasuredMetric = "_dd.measured";

struct SpanData {
  std::string service;
  std::string name;
  std::string resource;
  std::string type;
  TraceId trace_id;
  SpanId span_id = 0;
  SpanId parent_id = 0;       // 0 for a root span
  std::int64_t start = 0;     // ns since the Unix epoch
  std::int64_t duration = 0;  // ns
  std::int32_t error = 0;     // 0 or 1
  Tags<std::string> meta;
  Tags<double> metrics;

  void set_tag(std::string_view key, std::string_view value);
  void set_metric(std::string_view key, double value);
  // error = 1, meta error.type and error.message, and error.stack when `stack` is not empty
  // (error_stack.hpp says what a stack holds).
  void set_error(std::string_view type, std::string_view message, std::string_view stack = {});
};

// One trace's spans from this process, in the order they started (the local root first).
using TraceChunk = std::vector<SpanData>;
using TraceSink = std::function<void(TraceChunk&&)>;

// Every span also carries meta `language` = "cpp", as dd-trace-cpp's do; the local root carries
// metric `_dd.top_level` = 1.
struct TracerSettings {
  std::string service;
  std::string env;           // meta `env` on every span when not empty
  std::string version;       // meta `version` on every span of `service` when not empty
  TagList tags;              // DD_TAGS: meta on every span
  std::string runtime_id{};  // meta `runtime-id` on every span when not empty: one UUID a process
  std::int64_t process_id = 0;  // metric `process_id` on every span when not 0
};

class TraceSegment;

// A span in progress; finishing (explicitly or on destruction) stamps its duration, and the
// last span of a segment to finish sends the chunk to the sink. Move-only; a moved-from Span
// does nothing.
class Span {
 public:
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span();

  // A span that records nothing (for untraced operations); tagging it is harmless.
  static Span inert() { return Span(); }
  // False for an inert, moved-from or finished span: callers skip building tags for it.
  bool recording() const { return data_ != nullptr; }

  // A child in the same trace, started now; an inert span when this one is not recording.
  Span child(std::string_view name, std::string_view resource = {});

  // The ids stay readable after the span finishes (log correlation, X-Trace-Id); both are 0
  // for an inert span.
  const TraceId& trace_id() const { return trace_id_; }
  SpanId span_id() const { return span_id_; }

  // Tagging a span that is not recording does nothing.
  void set_tag(std::string_view key, std::string_view value) {
    if (data_) data_->set_tag(key, value);
  }
  void set_metric(std::string_view key, double value) {
    if (data_) data_->set_metric(key, value);
  }
  // error = 1 with error.type, error.message and error.stack (error_stack.hpp): `driver`, when
  // not empty, and the calling function as the innermost frames, then a frame for each span this
  // one runs under. Costs nothing until a span fails.
  void set_error(std::string_view type, std::string_view message, std::string_view driver = {},
                 std::source_location where = std::source_location::current());
  // For a span that fails because something under it did (a server span's 5xx): the stack is
  // that of the latest failure among the spans under this one, under this span's type and
  // message; set_error's when none of them failed.
  void set_error_from_descendants(std::string_view type, std::string_view message,
                                  std::source_location where = std::source_location::current());
  // The span's service when it is not the tracer's (a client span of a database, as
  // `<service>-postgres`): meta `_dd.base_service` then names the tracer's service, and the
  // `version` tag, which describes the tracer's service, goes.
  void set_service(std::string_view service);
  // The tracer's own service (what set_service departs from); empty for an inert span.
  std::string_view base_service() const;
  void set_resource(std::string_view resource) {
    if (data_) data_->resource = resource;
  }
  void set_type(std::string_view type) {
    if (data_) data_->type = type;
  }
  // The span's fields while it records (nullptr otherwise), for reading back what was set.
  const SpanData* data() const { return data_; }

  // The context to inject into an outgoing request made under this span. Call it before the
  // span finishes: a finished span no longer knows its trace's priority, origin and tags.
  TraceContext context() const;

  // Idempotent.
  void finish();

 private:
  friend class TraceSegment;
  Span() = default;
  Span(std::shared_ptr<TraceSegment> segment, SpanData& data, Clock::time_point started);

  std::shared_ptr<TraceSegment> segment_;  // null once finished (or inert, or moved from)
  SpanData* data_ = nullptr;               // in the segment's storage, while recording
  TraceId trace_id_;
  SpanId span_id_ = 0;
  Clock::time_point started_{};
};

// What a request's spans share: the sink, the ids source, the clock, the sampling decision,
// and the spans themselves.
class TraceSegment : public std::enable_shared_from_this<TraceSegment> {
 public:
  // Starts the local root span: a new trace, or a continuation of `parent` (its trace id,
  // parent id, sampling priority, origin and _dd.p.* tags). The root carries
  // _sampling_priority_v1 (the parent's, else the sampler's decision with its _dd.*_psr
  // metrics and _dd.p.dm, else 1 = auto keep) and _dd.p.tid when the trace id's high half is
  // not 0.
  static Span start(const TracerSettings& settings, Random& random, const Clock& clock,
                    TraceSink sink, std::string_view name, std::string_view resource = {},
                    const std::optional<TraceContext>& parent = std::nullopt,
                    Sampler* sampler = nullptr);

  // (Public for make_shared; start() is the way in, and fills the context.)
  TraceSegment(const TracerSettings& settings, Random& random, const Clock& clock, TraceSink sink);
  TraceSegment(const TraceSegment&) = delete;
  TraceSegment& operator=(const TraceSegment&) = delete;
  // Hands the spans to the sink.
  ~TraceSegment();

 private:
  friend class Span;
  Span make_span(std::string_view name, std::string_view resource, SpanId parent_id);
  // A frame for each span from `parent_id` up to the local root (error_stack.hpp).
  void append_span_frames(std::string& stack, SpanId parent_id) const;
  // The span with this id in the segment, or nullptr.
  const SpanData* find(SpanId span_id) const;
  // The latest-started failed span with a stack among those under `ancestor`, or nullptr.
  const SpanData* latest_failure_under(SpanId ancestor) const;

  const TracerSettings& settings_;
  Random& random_;
  const Clock& clock_;
  TraceSink sink_;
  std::deque<SpanData> spans_;  // a deque: adding a span leaves the others where they are
  TraceContext context_;        // trace id, priority, origin, tags; parent_id unused here
  // The wall clock is read once, by the first span; later spans place themselves on it with
  // the steady clock, so a trace's spans never jump apart when the system clock steps.
  std::int64_t anchor_wall_ns_ = 0;
  Clock::time_point anchor_{};
};

// What every segment of one thread needs: settings, that thread's Random, the clock, and the
// (shared, thread-safe) sampler when there is one.
class Tracer {
 public:
  Tracer(TracerSettings settings, Random& random, const Clock& clock, Sampler* sampler = nullptr)
      : settings_(std::move(settings)), random_(random), clock_(clock), sampler_(sampler) {}

  Span start_root(TraceSink sink, std::string_view name, std::string_view resource = {},
                  const std::optional<TraceContext>& parent = std::nullopt) {
    return TraceSegment::start(settings_, random_, clock_, std::move(sink), name, resource, parent,
                               sampler_);
  }
  const TracerSettings& settings() const { return settings_; }

 private:
  TracerSettings settings_;
  Random& random_;
  const Clock& clock_;
  Sampler* sampler_;
};

}  // namespace srelab::telemetry
