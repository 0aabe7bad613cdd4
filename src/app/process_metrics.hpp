// The process's own resource use, sampled from /proc at scrape time: resident memory (which the
// memory-leak experiment grows) and CPU time.
#pragma once

#include "telemetry/metrics/registry.hpp"

namespace srelab::app {

void register_process_metrics(telemetry::Registry& registry);

}  // namespace srelab::app
