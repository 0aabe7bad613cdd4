// The sampling decision for a trace that starts here (a continued trace keeps its caller's
// priority). As Datadog tracers do: with DD_TRACE_SAMPLE_RATE set, a catch-all rule keeps that
// share of traces as user-keep (2) or user-drop (-1), kept traces limited to `rate_limit` per
// second (DD_TRACE_RATE_LIMIT, default 100); without it, the agent's rate for this service/env
// (from its rate_by_service answers, 1 until it has answered) keeps as auto-keep (1) or
// auto-drop (0). The draw is deterministic on the trace id (Knuth's multiplicative hash, the
// factor Datadog uses), so every tracer seeing a trace id agrees. Dropped traces are still sent:
// the agent computes trace metrics from every chunk. Thread-safe: one Sampler for all threads.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

#include "core/clock.hpp"
#include "telemetry/tracing/trace_id.hpp"

namespace srelab::telemetry {

struct SamplingDecision {
  int priority = 1;
  std::string_view decision_maker;   // `_dd.p.dm`: "-0" default, "-1" agent, "-3" rule (literals)
  std::optional<double> rule_rate;   // `_dd.rule_psr`
  std::optional<double> agent_rate;  // `_dd.agent_psr`
  std::optional<double> limit_rate;  // `_dd.limit_psr`, when the limiter had a say
};

struct SamplerSettings {
  std::optional<double> sample_rate;  // DD_TRACE_SAMPLE_RATE, in [0, 1]
  double rate_limit = 100;            // kept traces per second under the rule
};

// True when a trace with this id is kept at `rate` (0..1).
bool sampled_at_rate(const TraceId& id, double rate);

class Sampler {
 public:
  // `agent_rate` may be empty: the rate is then 1.
  Sampler(SamplerSettings settings, std::function<double()> agent_rate);

  // The clock is read only when a rule's rate limit needs the time.
  SamplingDecision decide(const TraceId& id, const Clock& clock);

 private:
  bool take_token(Clock::time_point now);

  SamplerSettings settings_;
  std::function<double()> agent_rate_;
  std::mutex mutex_;  // the rule's token bucket only
  double tokens_;
  Clock::time_point refilled_{};
  bool refilled_once_ = false;
};

}  // namespace srelab::telemetry
