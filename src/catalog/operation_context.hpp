// The context of one operation (an HTTP request, or one lookup of a bulk test) that travels down
// the request path: when it started, the span its steps hang their child spans on, and the cache
// chaos injected on the way so far, which the Redis command spans are tagged with. What a step
// found out (the pool, the database's error) is not written here: it travels back in the step's
// result (product_outcome.hpp).
#pragma once

#include <chrono>
#include <string_view>

#include "core/clock.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::catalog {

struct OperationContext {
  Clock::time_point started{};

  // The operation's span (the request's root, or a bulk lookup's span); null when untraced.
  telemetry::Span* span = nullptr;

  // Cache chaos that touched this operation so far (chaos.* tags of its Redis commands).
  std::chrono::microseconds injected_cache_latency{};
  bool injected_cache_failure = false;

  // A child of the operation's span, started now; an inert span when the operation is untraced.
  telemetry::Span child_span(std::string_view name, std::string_view resource = {}) const {
    return span ? span->child(name, resource) : telemetry::Span::inert();
  }

  // This context with its later steps hanging under `step` (a step's own span, e.g. the
  // fallback's) instead of the operation's span; unchanged when `step` is not recording.
  OperationContext under(telemetry::Span& step) const {
    OperationContext inner = *this;
    if (step.recording()) inner.span = &step;
    return inner;
  }
};

}  // namespace srelab::catalog
