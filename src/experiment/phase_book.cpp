#include "experiment/phase_book.hpp"

namespace srelab::experiment {

std::uint64_t Samples::requests() const {
  return tally.answered + tally.errors() + tally.dropped;
}

void Samples::merge(const Samples& other) {
  tally.merge(other.tally);
  latency.merge(other.latency);
}

void PhaseBook::enter(std::string phase, double at_s) {
  std::lock_guard lock(mutex_);
  changes_.emplace_back(at_s, std::move(phase));
}

std::string PhaseBook::phase_at(double elapsed_s) const {
  std::string phase;
  for (const auto& [from, name] : changes_) {
    if (from > elapsed_s) break;
    phase = name;
  }
  return phase;
}

void PhaseBook::add(const load::SecondPoint& point,
                    const telemetry::HistogramSnapshot& cumulative) {
  std::lock_guard lock(mutex_);
  const std::string at_end = phase_at(point.elapsed_s);
  const std::string phase =
      phase_at(point.elapsed_s - point.span_s) == at_end ? at_end : std::string(kTransition);
  if (phase != kTransition) {
    auto [cut, fresh] = cuts_.try_emplace(phase);
    // A phase met again later (it should not be) keeps counting from where it was.
    if (fresh) cut->second.before = cumulative_;
    cut->second.after = cumulative;
    cut->second.tally.merge(point.tally);
  }
  cumulative_ = cumulative;
  seconds_.push_back({phase, point});
}

Samples PhaseBook::samples(std::string_view phase) const {
  std::lock_guard lock(mutex_);
  Samples samples;
  const auto cut = cuts_.find(phase);
  if (cut == cuts_.end()) return samples;
  samples.tally = cut->second.tally;
  // An empty `before` (the run's first phase) is not comparable: since() then takes all.
  samples.latency = cut->second.after.since(cut->second.before);
  return samples;
}

std::vector<SecondRecord> PhaseBook::seconds() const {
  std::lock_guard lock(mutex_);
  return seconds_;
}

std::string PhaseBook::current() const {
  std::lock_guard lock(mutex_);
  return changes_.empty() ? std::string() : changes_.back().second;
}

load::SecondPoint PhaseBook::last() const {
  std::lock_guard lock(mutex_);
  return seconds_.empty() ? load::SecondPoint{} : seconds_.back().point;
}

}  // namespace srelab::experiment
