// The console's Experiments view, over HTTP (web/openapi.json documents the shapes):
//   GET  /console/api/experiments              the runs held (newest first), the shipped
//                                              experiments, and the last run started here
//   POST /console/api/experiments              a run's {"journal", "report_html", "name",
//                                              "variant"}, as `sre-lab experiment run` sends it:
//                                              201 {"id", "report_url"}; 400/422 naming the field;
//                                              413 over the store's body limit (this route's own)
//   GET  /console/api/experiments/{id}/report  the run's report.html, under a policy that runs no
//                                              script; 404 when not held
//   POST /console/api/experiments/run          {"name", "vars"}: starts a shipped experiment in a
//                                              child process, 202 {"started", "pid"}; 409 while
//                                              one runs, 422 naming the field, 503 when this
//                                              service cannot start children
// All behind the admin guard (http/admin_access.hpp), like the rest of the console API.
// add_console_routes adds them.
#pragma once

#include "console/experiment_launches.hpp"
#include "console/experiment_runs.hpp"
#include "core/clock.hpp"
#include "http/middleware.hpp"
#include "http/router.hpp"

namespace srelab::console {

// `runs`, `launches` and `clock` must outlive the router.
void add_experiment_routes(http::Router& router, ExperimentRuns& runs, ExperimentLaunches& launches,
                           const Clock& clock, const http::MiddlewarePtr& admin_guard);

}  // namespace srelab::console
