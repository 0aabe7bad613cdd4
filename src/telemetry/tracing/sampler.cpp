#include "telemetry/tracing/sampler.hpp"

#include <algorithm>
#include <utility>

namespace srelab::telemetry {

bool sampled_at_rate(const TraceId& id, double rate) {
  if (rate >= 1.0) return true;
  if (rate <= 0.0) return false;
  constexpr std::uint64_t kKnuthFactor = 1111111111111111111ULL;
  const double threshold = rate * 18446744073709551616.0;  // rate × 2^64
  return static_cast<double>(id.low * kKnuthFactor) < threshold;
}

Sampler::Sampler(SamplerSettings settings, std::function<double()> agent_rate)
    : settings_(settings), agent_rate_(std::move(agent_rate)), tokens_(settings.rate_limit) {}

bool Sampler::take_token(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!refilled_once_) {
    refilled_once_ = true;
    refilled_ = now;
  }
  const double elapsed = std::chrono::duration<double>(now - refilled_).count();
  if (elapsed > 0) {
    tokens_ = std::min(settings_.rate_limit, tokens_ + elapsed * settings_.rate_limit);
    refilled_ = now;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

SamplingDecision Sampler::decide(const TraceId& id, const Clock& clock) {
  SamplingDecision decision;
  if (settings_.sample_rate) {
    const double rate = *settings_.sample_rate;
    decision.decision_maker = "-3";
    decision.rule_rate = rate;
    decision.priority = sampled_at_rate(id, rate) ? 2 : -1;
    if (decision.priority > 0 && !take_token(clock.now())) {
      decision.priority = -1;
      decision.limit_rate = settings_.rate_limit;
    }
    return decision;
  }
  const double rate = agent_rate_ ? std::clamp(agent_rate_(), 0.0, 1.0) : 1.0;
  decision.decision_maker = agent_rate_ ? "-1" : "-0";
  decision.agent_rate = rate;
  decision.priority = sampled_at_rate(id, rate) ? 1 : 0;
  return decision;
}

}  // namespace srelab::telemetry
