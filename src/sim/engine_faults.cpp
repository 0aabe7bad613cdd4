#include <algorithm>
#include <cmath>

#include "catalog/admin_documents.hpp"
#include "core/field_error.hpp"
#include "sim/engine.hpp"

// A fault applied now to its share of the replicas (the first ceil(share x replicas), at least
// one, so that a scenario names which ones are hit), each body through the service's own parser,
// as the endpoint would take it.

namespace srelab::sim {

std::vector<std::size_t> Simulation::Engine::targets(double share) const {
  const double wanted = std::ceil(share * static_cast<double>(replicas_.size()) - 1e-9);
  const std::size_t count =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::max(wanted, 1.0)), 1, replicas_.size());
  std::vector<std::size_t> chosen(count);
  for (std::size_t index = 0; index < count; ++index) chosen[index] = index;
  return chosen;
}

bool Simulation::Engine::apply(const FaultEvent& fault, std::string* error) {
  const std::vector<std::size_t> chosen = targets(fault.replica_share);
  std::string rejected;
  FieldError field_error;
  std::optional<bool> include_stale;
  switch (fault.kind) {
    case FaultEvent::Kind::chaos:
      for (std::size_t index : chosen) {
        Replica& replica = *replicas_[index];
        auto merged = chaos::merge_chaos_settings(replica.chaos.current(), fault.body, field_error);
        if (!merged) break;
        replica.chaos.apply(*merged);
      }
      break;
    case FaultEvent::Kind::chaos_reset:
      for (std::size_t index : chosen) replicas_[index]->chaos.reset();
      break;
    case FaultEvent::Kind::resilience:
      for (std::size_t index : chosen) {
        Replica& replica = *replicas_[index];
        auto merged = resilience::merge_resilience_settings(replica.controls.settings(), fault.body,
                                                            field_error);
        if (!merged) break;
        const resilience::BreakerState before = replica.controls.breaker().state();
        replica.controls.apply(*merged);
        note_breaker(index, before);
      }
      break;
    case FaultEvent::Kind::resilience_reset:
      for (std::size_t index : chosen) {
        Replica& replica = *replicas_[index];
        const resilience::BreakerState before = replica.controls.breaker().state();
        replica.controls.reset();
        note_breaker(index, before);
      }
      break;
    case FaultEvent::Kind::clear_cache:
      // Like POST /chaos/clear_cache on each chosen replica: Redis is shared, the in-process
      // copies are each replica's own, and both stale kinds go only with include_stale.
      include_stale = catalog::parse_clear_cache_body(fault.body, field_error);
      if (!include_stale) break;
      cache_.clear(*include_stale);
      if (*include_stale)
        for (std::size_t index : chosen) replicas_[index]->stale_copies.clear();
      break;
  }
  if (!field_error.detail.empty()) rejected = field_error.detail;
  if (rejected.empty()) return true;
  if (error) *error = rejected;
  return false;
}

}  // namespace srelab::sim
