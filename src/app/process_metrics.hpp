// The process's own resource use, sampled from /proc at scrape time: resident memory (which the
// memory-leak experiment grows), CPU time, CPU as a share of the machine, and the cores.
#pragma once

#include "telemetry/metrics/registry.hpp"

namespace srelab::app {

void register_process_metrics(telemetry::Registry& registry);

}  // namespace srelab::app
