// The one chart helper of the HTML reports: a time series chart as a self-contained inline SVG
// (no script, no font, no stylesheet), used for every chart of a run and of the side-by-side
// comparison. It draws axes with a few round ticks in the series' unit (latency in ms or s,
// shares in %, bytes in KiB/MiB, the breaker's states by name), one line per series (NaN = a gap,
// optionally as steps), a legend, and the phases as bands behind the lines (injection shaded,
// recovery lightly). Colours are a colour-blind-safe palette and survive printing.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace srelab::experiment {

enum class ChartUnit { seconds, ratio, count, bytes, breaker_state };

struct ChartSeries {
  std::string name;
  std::vector<double> x;  // seconds from the run's start
  std::vector<double> y;  // NaN: no value (a gap in the line)
  bool step = false;      // hold each value until the next one (a state, not a trend)
  bool dashed = false;    // a limit rather than a measurement (e.g. the pool's size)
};

struct ChartBand {
  std::string name;  // the phase: "injection" is shaded, "recovery" lightly, others not at all
  double start = 0, end = 0;
};

struct ChartSpec {
  std::string id;  // stable per kind of chart ("latency_client"): pairs charts across runs
  std::string title;
  ChartUnit unit = ChartUnit::count;
  std::vector<ChartSeries> series;
  std::vector<ChartBand> bands;
  std::optional<double> y_max;  // a shared scale (side by side); else from the data
  std::optional<double> x_max;  // likewise for time
};

// The largest finite y and x of the chart's series (0 when there is none).
double chart_y_max(const ChartSpec& chart);
double chart_x_max(const ChartSpec& chart);

// The chart as one <svg> element, sized by its viewBox to the width of its container.
std::string render_svg_chart(const ChartSpec& chart);

}  // namespace srelab::experiment
