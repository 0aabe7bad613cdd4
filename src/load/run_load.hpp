// The load generator's entry point, for `sre-lab load` and for an experiment runner that runs
// load phases in process: runs `plan` on plan.threads threads (one io_context each), calls
// `on_second` (when not empty) on the calling thread once a second with that second's point and
// the latency histogram of every answer so far (an experiment cuts its phases out of it), and
// returns the report when the duration is over (open loop: once the requests due within it are
// answered or time out) or soon after `stop` is requested.
#pragma once

#include <functional>
#include <stop_token>

#include "load/load_plan.hpp"
#include "load/load_report.hpp"

namespace srelab::load {

using SecondCallback =
    std::function<void(const SecondPoint& point, const telemetry::HistogramSnapshot& cumulative)>;

LoadReport run_load(const LoadPlan& plan, std::stop_token stop, const SecondCallback& on_second);

}  // namespace srelab::load
