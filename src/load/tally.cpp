#include "load/tally.hpp"

namespace srelab::load {

void Tally::add_answer(int status, std::string_view source) {
  ++answered;
  ++statuses[status];
  if (source.empty()) return;
  if (auto it = sources.find(source); it != sources.end()) {
    ++it->second;  // the usual case: no allocation
  } else {
    sources.emplace(std::string(source), 1);
  }
}

void Tally::merge(const Tally& other) {
  scheduled += other.scheduled;
  sent += other.sent;
  answered += other.answered;
  connect_errors += other.connect_errors;
  timeouts += other.timeouts;
  io_errors += other.io_errors;
  dropped += other.dropped;
  for (const auto& [status, n] : other.statuses) statuses[status] += n;
  for (const auto& [source, n] : other.sources) sources[source] += n;
}

std::uint64_t Tally::bad_statuses() const {
  std::uint64_t bad = 0;
  for (const auto& [status, n] : statuses)
    if (status < 200 || status >= 400) bad += n;
  return bad;
}

}  // namespace srelab::load
