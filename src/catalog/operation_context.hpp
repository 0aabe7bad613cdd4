// The context of one operation (an HTTP request, or one lookup of a bulk test) that travels down
// the request path and collects what happened on the way: the pool as it stood, the faults that
// were injected. The telemetry issue hangs the span here and tags it from these fields.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "core/clock.hpp"

namespace srelab {

struct OperationContext {
  Clock::time_point started{};

  // The pool when this operation asked it for a connection (db.pool.* tags).
  bool pool_observed = false;
  std::size_t pool_size = 0;
  std::size_t pool_active = 0;
  std::size_t pool_waiting = 0;

  // Chaos that touched this operation (chaos.* tags).
  std::chrono::microseconds injected_db_latency{};
  std::chrono::microseconds injected_cache_latency{};
  bool injected_db_failure = false;
  bool injected_cache_failure = false;

  // The database's own words when a query failed (error.message).
  std::string db_error;
};

}  // namespace srelab
