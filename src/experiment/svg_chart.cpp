#include "experiment/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "experiment/report_text.hpp"

namespace srelab::experiment {
namespace {

constexpr double kWidth = 640, kHeight = 250;
constexpr double kLeft = 72, kRight = 14, kBottom = 34;
constexpr double kLegendRow = 16;
constexpr int kMaxTicks = 12;  // nice_step gives about 5; the bound only guards odd inputs
// Okabe-Ito: told apart with the common colour-blindnesses, and in greyscale print by order.
constexpr const char* kPalette[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                    "#e69f00", "#56b4e9", "#000000"};

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

// What the y values are multiplied by for the tick labels, and the unit those labels are in.
struct Display {
  double factor = 1;
  std::string unit;
};

Display display_for(ChartUnit unit, double top) {
  switch (unit) {
    case ChartUnit::seconds:
      return top < 1 ? Display{1000, "ms"} : Display{1, "s"};
    case ChartUnit::ratio:
      return {100, "%"};
    case ChartUnit::bytes: {
      static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB"};
      double factor = 1;
      std::size_t i = 0;
      while (top * factor >= 1024 && i + 1 < std::size(kUnits)) factor /= 1024, ++i;
      return {factor, kUnits[i]};
    }
    case ChartUnit::count:
    case ChartUnit::breaker_state:
      return {1, ""};
  }
  return {};
}

// A round step (1, 2, 2.5 or 5 times a power of ten) giving about four intervals up to `top`.
double nice_step(double top) {
  if (!(top > 0)) return 0.25;
  const double raw = top / 4;
  const double power = std::pow(10, std::floor(std::log10(raw)));
  if (!(power > 0) || !std::isfinite(power)) return 0.25;  // denormal or overflowing data
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * power >= raw * (1 - 1e-9)) return m * power;
  return 10 * power;
}

std::string tick_label(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", std::abs(value) < 1e-12 ? 0.0 : value);
  return buffer;
}

struct Frame {
  double x_top = 1, y_top = 1;  // in data units
  double top = 40;              // pixels above the plot (title and legend)
  double px(double x) const { return kLeft + (kWidth - kLeft - kRight) * x / x_top; }
  double py(double y) const {
    const double bottom = kHeight - kBottom;
    return bottom - (bottom - top) * std::clamp(y, 0.0, y_top) / y_top;
  }
};

// Legend entries laid out left to right, wrapping; returns the rows used.
int legend(const ChartSpec& chart, std::string& svg) {
  double x = kLeft, y = 34;
  int rows = chart.series.empty() ? 0 : 1;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    const double width = 28 + 6.2 * static_cast<double>(s.name.size()) + 14;
    if (x + width > kWidth - kRight && x > kLeft) x = kLeft, y += kLegendRow, ++rows;
    svg += "<line x1=\"" + num(x) + "\" y1=\"" + num(y - 4) + "\" x2=\"" + num(x + 22) +
           "\" y2=\"" + num(y - 4) + "\" stroke=\"" + kPalette[i % std::size(kPalette)] +
           "\" stroke-width=\"2.5\"" + (s.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>";
    svg +=
        "<text x=\"" + num(x + 28) + "\" y=\"" + num(y) + "\">" + html_escape(s.name) + "</text>";
    x += width;
  }
  return rows;
}

void bands(const ChartSpec& chart, const Frame& f, std::string& svg) {
  const double top = f.top, height = kHeight - kBottom - f.top;
  for (const ChartBand& band : chart.bands) {
    const double x1 = f.px(std::clamp(band.start, 0.0, f.x_top));
    const double x2 = f.px(std::clamp(band.end, 0.0, f.x_top));
    if (band.name == "injection" || band.name == "recovery") {
      const bool strong = band.name == "injection";
      svg += "<rect class=\"band band-" + band.name + "\" x=\"" + num(x1) + "\" y=\"" + num(top) +
             "\" width=\"" + num(std::max(0.0, x2 - x1)) + "\" height=\"" + num(height) +
             "\" fill=\"" + (strong ? "#d55e00" : "#009e73") + "\" fill-opacity=\"" +
             (strong ? "0.13" : "0.07") + "\"/>";
    }
    svg += "<text x=\"" + num(x1 + 3) + "\" y=\"" + num(top + 11) + "\" fill=\"#666\">" +
           html_escape(band.name) + "</text>";
  }
}

void axes(const ChartSpec& chart, const Frame& f, std::string& svg) {
  const double bottom = kHeight - kBottom;
  const Display d = display_for(chart.unit, f.y_top);
  if (chart.unit == ChartUnit::breaker_state) {
    static constexpr const char* kStates[] = {"CLOSED", "HALF_OPEN", "OPEN"};
    for (int state = 0; state < 3; ++state)
      svg += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kWidth - kRight) + "\" y1=\"" +
             num(f.py(state)) + "\" y2=\"" + num(f.py(state)) + "\" stroke=\"#ddd\"/><text x=\"" +
             num(kLeft - 4) + "\" y=\"" + num(f.py(state) + 4) + "\" text-anchor=\"end\">" +
             kStates[state] + "</text>";
  } else {
    const double step = nice_step(f.y_top * d.factor) / d.factor;
    for (int i = 0; i <= kMaxTicks && i * step <= f.y_top * (1 + 1e-9); ++i) {
      const double y = i * step;
      svg += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kWidth - kRight) + "\" y1=\"" +
             num(f.py(y)) + "\" y2=\"" + num(f.py(y)) + "\" stroke=\"#ddd\"/><text x=\"" +
             num(kLeft - 4) + "\" y=\"" + num(f.py(y) + 4) + "\" text-anchor=\"end\">" +
             tick_label(y * d.factor) + "</text>";
    }
    svg += "<text x=\"4\" y=\"" + num(f.top - 4) + "\" fill=\"#666\">" + d.unit + "</text>";
  }
  const double x_step = nice_step(f.x_top);
  for (int i = 0; i <= kMaxTicks && i * x_step <= f.x_top * (1 + 1e-9); ++i) {
    const double x = i * x_step;
    svg += "<line x1=\"" + num(f.px(x)) + "\" x2=\"" + num(f.px(x)) + "\" y1=\"" + num(bottom) +
           "\" y2=\"" + num(bottom + 4) + "\" stroke=\"#888\"/><text x=\"" + num(f.px(x)) +
           "\" y=\"" + num(bottom + 16) + "\" text-anchor=\"middle\">" + tick_label(x) + "</text>";
  }
  svg += "<text x=\"" + num(kWidth - kRight) + "\" y=\"" + num(kHeight - 4) +
         "\" text-anchor=\"end\" fill=\"#666\">seconds from the start</text>";
  svg += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kWidth - kRight) + "\" y1=\"" + num(bottom) +
         "\" y2=\"" + num(bottom) + "\" stroke=\"#888\"/>";
}

void line(const ChartSeries& s, const char* colour, const Frame& f, std::string& svg) {
  std::string path, dots;
  std::size_t run = 0, run_start = 0;  // points in the current unbroken stretch, where it began
  double last_x = 0, last_y = 0;
  const auto close_run = [&] {
    if (run == 1) {  // a lone point draws no line: a dot keeps it visible
      path.resize(run_start);
      dots += "<circle cx=\"" + num(last_x) + "\" cy=\"" + num(last_y) + "\" r=\"2\"/>";
    }
    run = 0;
  };
  for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
      close_run();
      continue;
    }
    const double x = f.px(s.x[i]), y = f.py(s.y[i]);
    if (run == 0)
      run_start = path.size(), path += "M" + num(x) + " " + num(y);
    else if (s.step)
      path += "H" + num(x) + "V" + num(y);
    else
      path += "L" + num(x) + " " + num(y);
    last_x = x, last_y = y, ++run;
  }
  close_run();
  svg += "<g class=\"series\" stroke=\"" + std::string(colour) + "\" fill=\"" + colour + "\">";
  if (!path.empty())
    svg += "<path d=\"" + path + "\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\"" +
           (s.dashed ? std::string(" stroke-dasharray=\"5 3\"") : "") + "/>";
  svg += dots + "</g>";
}

}  // namespace

double chart_y_max(const ChartSpec& chart) {
  double top = 0;
  for (const ChartSeries& s : chart.series)
    for (const double y : s.y)
      if (std::isfinite(y)) top = std::max(top, y);
  return top;
}

double chart_x_max(const ChartSpec& chart) {
  double top = 0;
  for (const ChartSeries& s : chart.series)
    for (const double x : s.x)
      if (std::isfinite(x)) top = std::max(top, x);
  for (const ChartBand& band : chart.bands) top = std::max(top, band.end);
  return top;
}

std::string render_svg_chart(const ChartSpec& chart) {
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " +
                    num(kWidth) + " " + num(kHeight) +
                    "\" role=\"img\" font-family=\"sans-serif\"" + " font-size=\"11\"><title>" +
                    html_escape(chart.title) + "</title>";
  svg += "<text x=\"4\" y=\"15\" font-size=\"13\" font-weight=\"bold\">" +
         html_escape(chart.title) + "</text>";
  Frame f;
  f.top = 30 + kLegendRow * legend(chart, svg);
  f.x_top = std::max(chart.x_max.value_or(chart_x_max(chart)), 1.0);
  if (chart.unit == ChartUnit::breaker_state) {
    f.y_top = 2.2;  // OPEN stays clear of the legend
  } else {
    double top = chart.y_max.value_or(chart_y_max(chart));
    if (chart.unit == ChartUnit::ratio) top = std::min(top, 1.0);
    const Display d = display_for(chart.unit, top);
    const double step = nice_step(top * d.factor) / d.factor;
    f.y_top = std::max(step, std::ceil(top / step - 1e-9) * step);
  }
  bands(chart, f, svg);
  axes(chart, f, svg);
  for (std::size_t i = 0; i < chart.series.size(); ++i)
    line(chart.series[i], kPalette[i % std::size(kPalette)], f, svg);
  return svg + "</svg>";
}

}  // namespace srelab::experiment
