#include "load/load_report.hpp"

#include <limits>

namespace srelab::load {

telemetry::HistogramLayout latency_layout() {
  telemetry::HistogramLayout layout;
  layout.bounds = {};  // no Prometheus buckets: only quantiles are asked for
  layout.lowest = 1e-6;
  layout.highest = 3600;
  layout.precision_bits = 6;
  return layout;
}

LatencySummary summarize(const telemetry::HistogramSnapshot& latency) {
  LatencySummary s;
  s.count = latency.count;
  s.p50 = latency.quantile(0.5);
  s.p95 = latency.quantile(0.95);
  s.p99 = latency.quantile(0.99);
  s.p999 = latency.quantile(0.999);
  const bool any = latency.count > 0;
  s.max = any ? latency.max : std::numeric_limits<double>::quiet_NaN();
  s.mean = any ? latency.sum / static_cast<double>(latency.count)
               : std::numeric_limits<double>::quiet_NaN();
  return s;
}

ReportBook::ReportBook(LoadPlan plan) {
  report_.plan = std::move(plan);
}

const SecondPoint* ReportBook::add(double elapsed_s, const Tally& interval,
                                   const telemetry::HistogramSnapshot& cumulative) {
  constexpr double kShortest = 0.2;
  const double span = elapsed_s - report_.elapsed_s;
  report_.total.merge(interval);
  report_.latency = cumulative;
  report_.elapsed_s = elapsed_s;
  const bool fold = !report_.seconds.empty() && span < kShortest;
  if (fold) {
    SecondPoint& last = report_.seconds.back();
    last.tally.merge(interval);
    last.span_s += span;
    last.elapsed_s = elapsed_s;
  } else {
    before_last_ = previous_;
    SecondPoint point;
    point.span_s = span;
    point.elapsed_s = elapsed_s;
    point.tally = interval;
    report_.seconds.push_back(std::move(point));
  }
  SecondPoint& point = report_.seconds.back();
  point.latency = summarize(cumulative.since(before_last_));
  point.overall = summarize(cumulative);
  previous_ = cumulative;
  return fold ? nullptr : &point;
}

}  // namespace srelab::load
