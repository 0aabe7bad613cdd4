// The answers of the admin calls that change the lab: what a configure changed (old → new, per
// key) and what a reset restored, rather than the whole state again (GET /chaos and
// GET /resilience have that). Built from plain documents, so the twin's experiment target
// (sim/sim_target.cpp) answers with the same shapes as the service (catalog/admin_routes.cpp).
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>

#include "resilience/circuit_breaker.hpp"
#include "resilience/resilience_settings.hpp"

namespace srelab::catalog {

// {"key": {"old": a, "new": b}} for each key of `after` whose value differs in `before` (a key
// missing from `before` is old null). Empty when nothing changed.
boost::json::object changes(const boost::json::object& before, const boost::json::object& after);

// `document` with "reset": the keys of `after`, each restored to its default, and "changed":
// those that were not at it (changes(before, after)).
boost::json::object with_reset(boost::json::object document, const boost::json::object& before,
                               const boost::json::object& after);

// What POST /resilience/reset restores, flat: the settings' keys (as POST /resilience/configure
// takes them) and the breaker's "circuit_breaker.state", ".calls_in_window", ".rejected_calls"
// and ".transitions" (their count).
boost::json::object resilience_facts(const resilience::BreakerSnapshot& breaker,
                                     const resilience::ResilienceSettings& settings);

// POST /resilience/configure: "changed" (settings keys, old → new), the "settings" now, the
// breaker's "state" (a mode change moves it) and "more": where the rest is (GET /resilience).
boost::json::object resilience_configure_answer(const resilience::ResilienceSettings& before,
                                                const resilience::ResilienceSettings& after,
                                                resilience::BreakerState state);

// POST /lab/reset, from the parts it reset: the chaos settings and the resilience facts before
// and after, the cache keys and stale copies removed, the leak freed.
struct LabReset {
  boost::json::object chaos_before, chaos_after;
  boost::json::object resilience_before, resilience_after;
  std::size_t cache_keys_removed = 0;
  std::size_t stale_copies_removed_in_process = 0;
  std::size_t leak_freed_bytes = 0;
};
boost::json::object lab_reset_answer(const LabReset& reset);

}  // namespace srelab::catalog
