#include "telemetry/span.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "telemetry/short_strings.hpp"
#include "telemetry/span_recycling.hpp"

namespace srelab::telemetry {
namespace recycling = span_recycling;

void SpanData::set_error(std::string_view type, std::string_view message) {
  error = 1;
  set_tag("error.type", type);
  set_tag("error.message", message);
}

Span::Span(std::shared_ptr<TraceSegment> segment, std::size_t index, Clock::time_point started)
    : segment_(std::move(segment)), index_(index), started_(started) {
  const SpanData& data = segment_->spans_[index];
  trace_id_ = data.trace_id;
  span_id_ = data.span_id;
}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    finish();
    segment_ = std::move(other.segment_);
    index_ = other.index_;
    trace_id_ = other.trace_id_;
    span_id_ = other.span_id_;
    started_ = other.started_;
  }
  return *this;
}

Span::~Span() {
  finish();
}

SpanData& Span::scratch() const {
  SpanData& empty = recycling::scratch();
  empty.trace_id = trace_id_;
  empty.span_id = span_id_;
  return empty;
}

void Span::finish() {
  if (!segment_) return;
  // The last span of the segment to finish takes the segment with it (the chunk to the sink).
  const std::shared_ptr<TraceSegment> segment = std::move(segment_);
  SpanData& data = segment->spans_[index_];
  const auto elapsed = segment->clock_.now() - started_;
  data.duration = std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
}

Span Span::child(std::string_view name, std::string_view resource) {
  // A finished (or moved-from) span has no segment; a child of it would be orphaned, so it
  // becomes an inert span that records nothing.
  if (!segment_) return inert();
  return segment_->make_span(name, resource, span_id_);
}

TraceContext Span::context() const {
  TraceContext out;
  if (segment_) {
    out = segment_->context_;
    if (!segment_->decision_maker_.empty())
      out.propagation_tags.emplace_back(kDecisionMakerTag, segment_->decision_maker_);
  }
  out.trace_id = trace_id_;
  out.parent_id = span_id_;
  out.last_datadog_parent.reset();
  return out;
}

TraceSegment::TraceSegment(const TracerSettings& settings, Random& random, const Clock& clock,
                           TraceSink sink)
    : settings_(settings),
      random_(random),
      clock_(clock),
      sink_(std::move(sink)),
      spans_(recycling::take_chunk()) {}

TraceSegment::~TraceSegment() {
  // The sink sees this trace's spans only; spans kept from an earlier, longer trace wait aside.
  TraceChunk kept = recycling::set_aside(spans_, started_);
  // The sink may move the chunk (or some spans) away or leave it: what is left is reused.
  if (sink_ && !spans_.empty()) sink_(std::move(spans_));
  recycling::give_back(spans_, kept);
}

// The context is filled in place in the segment, and the sampler's answer read where it is: no
// context or decision is copied on the way.
Span TraceSegment::start(const TracerSettings& settings, Random& random, const Clock& clock,
                         TraceSink sink, std::string_view name, std::string_view resource,
                         const std::optional<TraceContext>& parent, Sampler* sampler) {
  auto segment = std::allocate_shared<TraceSegment>(recycling::RecyclingAllocator<TraceSegment>(),
                                                    settings, random, clock, std::move(sink));
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
    // The decision maker travels with kept traces, as `_dd.p.dm` (e.g. "-3" for a rule); it is
    // kept beside the propagation tags (not in them: no list to allocate on every trace).
    if (decision.priority > 0 && !decision.decision_maker.empty()) {
      std::erase_if(context.propagation_tags,
                    [](const auto& tag) { return tag.first == kDecisionMakerTag; });
      segment->decision_maker_ = decision.decision_maker;
    }
  }
  Span root = segment->make_span(name, resource, parent ? parent->parent_id : 0);
  SpanData& data = root.data();
  data.set_metric(kSamplingPriorityMetric, *context.sampling_priority);
  if (decided_here) {
    if (decision.rule_rate) data.set_metric("_dd.rule_psr", *decision.rule_rate);
    if (decision.agent_rate) data.set_metric("_dd.agent_psr", *decision.agent_rate);
    if (decision.limit_rate) data.set_metric("_dd.limit_psr", *decision.limit_rate);
  }
  if (context.trace_id.high != 0)
    data.set_tag(kTraceIdHighTag, hex_text(context.trace_id.high).view());
  if (!context.origin.empty()) data.set_tag("_dd.origin", context.origin);
  for (const auto& [key, value] : context.propagation_tags) data.set_tag(key, value);
  if (!segment->decision_maker_.empty()) data.set_tag(kDecisionMakerTag, segment->decision_maker_);
  if (parent && parent->last_datadog_parent) {
    data.set_tag("_dd.parent_id", hex_text(*parent->last_datadog_parent).view());
  }
  return root;
}

Span TraceSegment::make_span(std::string_view name, std::string_view resource, SpanId parent_id) {
  if (started_ == spans_.size()) spans_.emplace_back();
  const std::size_t index = started_++;
  SpanData& data = spans_[index];
  assign_bytes(data.service, {settings_.service});
  assign_bytes(data.name, {name});
  assign_bytes(data.resource, {resource.empty() ? name : resource});
  data.type.clear();
  data.meta.clear();
  data.metrics.clear();
  data.error = 0;
  data.duration = 0;
  data.trace_id = context_.trace_id;
  data.span_id = generate_span_id(random_);
  data.parent_id = parent_id;
  // The wall clock is read once per segment, by its first span; later spans place themselves
  // on it with the steady clock (one clock read fewer per span, and no jumps within a trace).
  const Clock::time_point now = clock_.now();
  if (!anchored_) {
    anchor_wall_ns_ =
        std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.wall_at(now).time_since_epoch())
            .count();
    anchor_ = now;
    anchored_ = true;
  }
  data.start =
      anchor_wall_ns_ + std::chrono::duration_cast<std::chrono::nanoseconds>(now - anchor_).count();
  for (const auto& [key, value] : settings_.tags) data.set_tag(key, value);
  if (!settings_.env.empty()) data.set_tag("env", settings_.env);
  if (!settings_.version.empty()) data.set_tag("version", settings_.version);
  return Span(shared_from_this(), index, now);
}

}  // namespace srelab::telemetry
