#include "load/recorder.hpp"

#include <map>
#include <utility>

#include "load/load_report.hpp"

namespace srelab::load {

Recorder::Recorder() : latency_(latency_layout()), lag_(latency_layout()) {}

void Recorder::answered(int status, std::string_view source, std::chrono::nanoseconds latency) {
  latency_.observe(latency);
  std::lock_guard lock(mutex_);
  tally_.add_answer(status, source);
}

void Recorder::count(std::uint64_t Tally::*field, std::uint64_t n) {
  std::lock_guard lock(mutex_);
  tally_.*field += n;
}

Tally Recorder::take() {
  std::lock_guard lock(mutex_);
  Tally taken;
  std::swap(taken, tally_);
  // Keep the keys (statuses, sources) so the worker does not allocate them again each second.
  for (auto& [status, n] : taken.statuses) tally_.statuses.emplace(status, 0);
  for (auto& [source, n] : taken.sources) tally_.sources.emplace(source, 0);
  std::erase_if(taken.statuses, [](const auto& entry) { return entry.second == 0; });
  std::erase_if(taken.sources, [](const auto& entry) { return entry.second == 0; });
  return taken;
}

}  // namespace srelab::load
