// Which charts a run's report shows, and from which data: the client's latency (the background
// load's p50/p95/p99), the service's and the gateway's latency (the console timeline), errors by
// status, the cache hit rate, the breaker's state, the pool in use against its size, and memory
// when it moved. A chart with no data is left out with a sentence saying why, so a reader of a
// run cut short knows the chart is missing and not forgotten. Used by report_html for one run and
// for the side-by-side comparison (which pairs charts by id and gives them a common scale).
#pragma once

#include <string>
#include <vector>

#include "experiment/journal_view.hpp"
#include "experiment/svg_chart.hpp"

namespace srelab::experiment {

struct RunCharts {
  std::vector<ChartSpec> charts;      // in reading order
  std::vector<std::string> left_out;  // one sentence per chart that has no data
};

RunCharts journal_charts(const JournalView& view);

// A value of a chart's series as the report text prints it (1.2 ms, 12.5 %, OPEN, 12.0 MiB).
std::string format_chart_value(ChartUnit unit, double value);

// The ids of the charts the side-by-side report puts in columns, in order.
const std::vector<std::string>& main_chart_ids();

}  // namespace srelab::experiment
