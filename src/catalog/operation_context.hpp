// The context of one operation (an HTTP request, or one lookup of a bulk test) that travels down
// the request path: the span its steps hang their child spans on, and what happened on the way
// (the pool as it stood, the faults that were injected), which becomes tags, error bodies and
// log fields.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::catalog {

struct OperationContext {
  Clock::time_point started{};

  // The operation's span (the request's root, or a bulk lookup's span); null when untraced.
  telemetry::Span* span = nullptr;

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

  // A child of the operation's span, started now; an inert span when the operation is untraced.
  telemetry::Span child_span(std::string_view name, std::string_view resource = {}) {
    return span ? span->child(name, resource) : telemetry::Span::inert();
  }
};

}  // namespace srelab::catalog
