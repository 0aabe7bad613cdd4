#include "telemetry/tracing/span.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "telemetry/tracing/error_stack.hpp"

namespace srelab::telemetry {
namespace {

std::int64_t nanoseconds(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

// `_dd.p.dm` replaces one the caller may have sent: the decision is this process's now.
void set_decision_maker(TagList& propagation_tags, std::string_view decision_maker) {
  std::erase_if(propagation_tags, [](const auto& tag) { return tag.first == kDecisionMakerTag; });
  propagation_tags.emplace_back(kDecisionMakerTag, decision_maker);
}

}  // namespace

void SpanData::set_tag(std::string_view key, std::string_view value) {
  meta.set(key, value);
}

void SpanData::set_metric(std::string_view key, double value) {
  metrics.set(key, value);
}

void SpanData::set_error(std::string_view type, std::string_view message, std::string_view stack) {
  error = 1;
  set_tag(kErrorTypeTag, type);
  set_tag(kErrorMessageTag, message);
  if (!stack.empty()) set_tag(kErrorStackTag, stack);
}

void Span::set_error(std::string_view type, std::string_view message, std::string_view driver,
                     std::source_location where) {
  if (!data_) return;
  std::string stack = stack_head(type, message);
  if (!driver.empty()) append_frame(stack, driver);
  append_frame(stack, code_frame(where));
  segment_->append_span_frames(stack, data_->parent_id);
  data_->set_error(type, message, stack);
}

void Span::set_error_from_descendants(std::string_view type, std::string_view message,
                                      std::source_location where) {
  if (!data_) return;
  const SpanData* cause = segment_->latest_failure_under(span_id_);
  if (cause == nullptr) {
    set_error(type, message, {}, where);
    return;
  }
  const std::string_view cause_stack = cause->meta.at(kErrorStackTag);
  const auto frames = cause_stack.find('\n');
  std::string stack = stack_head(type, message);
  if (frames != std::string_view::npos) stack.append(cause_stack.substr(frames));
  data_->set_error(type, message, stack);
}

void Span::set_service(std::string_view service) {
  if (!data_) return;
  data_->service = service;
  const std::string& base = segment_->settings_.service;
  if (service == base) {
    data_->meta.erase(kBaseServiceTag);
    return;
  }
  data_->set_tag(kBaseServiceTag, base);
  data_->meta.erase("version");
}

std::string_view Span::base_service() const {
  return segment_ ? std::string_view(segment_->settings_.service) : std::string_view();
}

Span::Span(std::shared_ptr<TraceSegment> segment, SpanData& data, Clock::time_point started)
    : segment_(std::move(segment)),
      data_(&data),
      trace_id_(data.trace_id),
      span_id_(data.span_id),
      started_(started) {}

Span::Span(Span&& other) noexcept
    : segment_(std::move(other.segment_)),
      data_(std::exchange(other.data_, nullptr)),
      trace_id_(other.trace_id_),
      span_id_(other.span_id_),
      started_(other.started_) {}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    finish();
    segment_ = std::move(other.segment_);
    data_ = std::exchange(other.data_, nullptr);
    trace_id_ = other.trace_id_;
    span_id_ = other.span_id_;
    started_ = other.started_;
  }
  return *this;
}

Span::~Span() {
  finish();
}

void Span::finish() {
  if (!data_) return;
  data_->duration = std::max<std::int64_t>(0, nanoseconds(segment_->clock_.now() - started_));
  data_ = nullptr;
  // The last span of the segment to finish takes the segment with it (the chunk to the sink).
  segment_.reset();
}

Span Span::child(std::string_view name, std::string_view resource) {
  // A finished (or moved-from) span has no segment; a child of it would be orphaned.
  if (!data_) return inert();
  return segment_->make_span(name, resource, span_id_);
}

TraceContext Span::context() const {
  TraceContext out;
  if (segment_) out = segment_->context_;
  out.trace_id = trace_id_;
  out.parent_id = span_id_;
  out.last_datadog_parent.reset();
  return out;
}

TraceSegment::TraceSegment(const TracerSettings& settings, Random& random, const Clock& clock,
                           TraceSink sink)
    : settings_(settings), random_(random), clock_(clock), sink_(std::move(sink)) {}

TraceSegment::~TraceSegment() {
  if (!sink_ || spans_.empty()) return;
  TraceChunk chunk(std::make_move_iterator(spans_.begin()), std::make_move_iterator(spans_.end()));
  sink_(std::move(chunk));
}

Span TraceSegment::start(const TracerSettings& settings, Random& random, const Clock& clock,
                         TraceSink sink, std::string_view name, std::string_view resource,
                         const std::optional<TraceContext>& parent, Sampler* sampler) {
  auto segment = std::make_shared<TraceSegment>(settings, random, clock, std::move(sink));
  TraceContext& context = segment->context_;
  if (parent && parent->trace_id.low != 0) {
    context = *parent;
  } else {
    context.trace_id = generate_trace_id(random);
  }
  const bool decided_here = !context.sampling_priority;
  SamplingDecision decision;
  if (decided_here) {
    if (sampler) decision = sampler->decide(context.trace_id, clock);
    context.sampling_priority = decision.priority;
    // The decision maker travels with kept traces, as `_dd.p.dm` (e.g. "-3" for a rule).
    if (decision.priority > 0 && !decision.decision_maker.empty())
      set_decision_maker(context.propagation_tags, decision.decision_maker);
  }
  Span root = segment->make_span(name, resource, parent ? parent->parent_id : 0);
  root.set_metric(kSamplingPriorityMetric, *context.sampling_priority);
  if (decided_here) {
    if (decision.rule_rate) root.set_metric("_dd.rule_psr", *decision.rule_rate);
    if (decision.agent_rate) root.set_metric("_dd.agent_psr", *decision.agent_rate);
    if (decision.limit_rate) root.set_metric("_dd.limit_psr", *decision.limit_rate);
  }
  root.set_metric(kTopLevelMetric, 1);
  if (context.trace_id.high != 0) root.set_tag(kTraceIdHighTag, to_hex16(context.trace_id.high));
  if (!context.origin.empty()) root.set_tag("_dd.origin", context.origin);
  for (const auto& [key, value] : context.propagation_tags) root.set_tag(key, value);
  if (parent && parent->last_datadog_parent)
    root.set_tag("_dd.parent_id", to_hex16(*parent->last_datadog_parent));
  return root;
}

Span TraceSegment::make_span(std::string_view name, std::string_view resource, SpanId parent_id) {
  SpanData& data = spans_.emplace_back();
  data.service = settings_.service;
  data.name = name;
  data.resource = resource.empty() ? name : resource;
  data.trace_id = context_.trace_id;
  data.span_id = generate_span_id(random_);
  data.parent_id = parent_id;
  const Clock::time_point now = clock_.now();
  if (spans_.size() == 1) {
    anchor_wall_ns_ = nanoseconds(clock_.wall().time_since_epoch());
    anchor_ = now;
  }
  data.start = anchor_wall_ns_ + nanoseconds(now - anchor_);
  for (const auto& [key, value] : settings_.tags) data.set_tag(key, value);
  if (!settings_.env.empty()) data.set_tag("env", settings_.env);
  if (!settings_.version.empty()) data.set_tag("version", settings_.version);
  data.set_tag("language", "cpp");
  if (!settings_.runtime_id.empty()) data.set_tag("runtime-id", settings_.runtime_id);
  if (settings_.process_id != 0)
    data.set_metric("process_id", static_cast<double>(settings_.process_id));
  return Span(shared_from_this(), data, now);
}

const SpanData* TraceSegment::find(SpanId span_id) const {
  for (const SpanData& span : spans_)
    if (span.span_id == span_id) return &span;
  return nullptr;
}

void TraceSegment::append_span_frames(std::string& stack, SpanId parent_id) const {
  // Bounded by the segment's size: ids are random, so a cycle cannot happen, but costs nothing
  // to rule out.
  for (std::size_t hops = 0; parent_id != 0 && hops < spans_.size(); ++hops) {
    const SpanData* parent = find(parent_id);
    if (parent == nullptr) return;  // the caller's span, in another process
    std::string frame = parent->name;
    if (parent->resource != parent->name) frame.append(" (").append(parent->resource).append(")");
    append_frame(stack, frame);
    parent_id = parent->parent_id;
  }
}

const SpanData* TraceSegment::latest_failure_under(SpanId ancestor) const {
  const auto is_under = [&](const SpanData& span) {
    SpanId parent_id = span.parent_id;
    for (std::size_t hops = 0; parent_id != 0 && hops < spans_.size(); ++hops) {
      if (parent_id == ancestor) return true;
      const SpanData* parent = find(parent_id);
      if (parent == nullptr) return false;
      parent_id = parent->parent_id;
    }
    return false;
  };
  for (auto span = spans_.rbegin(); span != spans_.rend(); ++span)
    if (span->error != 0 && span->meta.contains(kErrorStackTag) && is_under(*span)) return &*span;
  return nullptr;
}

}  // namespace srelab::telemetry
