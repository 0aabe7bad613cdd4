// The JSON of GET /chaos and GET /resilience (and of the admin calls that answer with them),
// built from plain parts rather than from the live controls, so the simulator's experiment
// target answers the same probes with the same document from its own replicas.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string_view>

#include "chaos/chaos_state.hpp"
#include "core/clock.hpp"
#include "core/field_error.hpp"
#include "postgres/pool.hpp"
#include "resilience/circuit_breaker.hpp"
#include "resilience/resilience_settings.hpp"

namespace srelab::catalog {

struct LeakSize {
  std::size_t bytes = 0;
  std::size_t cap_bytes = 0;
};

boost::json::object chaos_document(chaos::ChaosState& faults, LeakSize leak,
                                   std::size_t db_queries_in_flight, const Clock& clock);

// The bodies of POST /chaos/clear_cache ({"include_stale": bool}, false when absent) and
// POST /chaos/leak ({"mb": 1..256}, 10 when absent): nullopt with the field's error.
std::optional<bool> parse_clear_cache_body(std::string_view body, FieldError& error);
std::optional<int> parse_leak_body(std::string_view body, FieldError& error);

boost::json::object resilience_document(const resilience::BreakerSnapshot& breaker,
                                        const resilience::ResilienceSettings& settings,
                                        const postgres::PoolCounts& pool,
                                        std::size_t stale_copies_in_process, const Clock& clock);

}  // namespace srelab::catalog
