// The console API: GETs over the Console's stores, for the console page (and curl), and the
// Experiments view's endpoints:
//   GET /console/api/timeline?since=          the dashboard's series and chaos bands
//   GET /console/api/traces?status=&min_ms=&resource=&tag=&limit=   trace summaries, newest first
//   GET /console/api/traces/{trace_id}        one trace's spans and its log lines (404: not held)
//   GET /console/api/logs?level=&text=&trace_id=&after=&limit=      log lines, newest first
//   GET /console/api/status                   pool, breaker, tracing, the stores' counts
//   /console/api/experiments...               the Experiments view (experiment_routes.hpp)
// Behind the admin guard (http/admin_access.hpp), like the admin endpoints.
// A bad query parameter → 422 {"error":"Unprocessable Entity","detail","key"} naming it
// (console_query.hpp). The composition root adds them to each worker's router when the console
// is on; `tracing` says whether the service makes spans at all (off: the trace store stays
// empty, and the answers say why).
#pragma once

#include "console/console.hpp"
#include "http/middleware.hpp"
#include "http/router.hpp"
#include "postgres/pool.hpp"
#include "resilience/circuit_breaker.hpp"

namespace srelab::console {

// `breaker` and `pool` are shown by /status.
void add_console_routes(http::Router& router, Console& console,
                        const resilience::CircuitBreaker& breaker, const postgres::Pool& pool,
                        bool tracing, const http::MiddlewarePtr& admin_guard);

}  // namespace srelab::console
