// One point of the console's timeline (console/metric_timeline.hpp: the same keys and units)
// made from one simulated second, so the experiment reports chart a twin's run as they chart
// a real one. The experiment target and the scenario journal both add their seconds with it.
#pragma once

#include <cstddef>

#include "experiment/target.hpp"
#include "sim/sim_record.hpp"

namespace srelab::sim {

struct TwinFacts {
  double epoch_ms = 0;        // the wall time simulated time 0 stands for
  std::size_t pool_size = 0;  // over the replicas shown
  double breaker_state = 0;   // the chart's code: 0 closed, 1 half-open, 2 open
  double leak_bytes = 0;      // the leak the replicas shown hold
};

// The chart's code of a breaker state.
double breaker_chart_state(resilience::BreakerState state);
// The most open breaker of the second's replicas, as a chart code.
double worst_breaker_state(const SimSecond& second);

// Appends the second's point; `replaces_last` drops the previous point first (a short last
// second folded into the one before it).
void add_timeline_point(experiment::Timeline& timeline, const SimSecond& second,
                        const TwinFacts& facts, bool replaces_last = false);

}  // namespace srelab::sim
