#include "load/report_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace srelab::load {
namespace {

std::string printf_string(const char* format, auto... args) {
  char buffer[256];
  const int n = std::snprintf(buffer, sizeof buffer, format, args...);
  return std::string(buffer, static_cast<std::size_t>(std::clamp(n, 0, 255)));
}

// Milliseconds with 2 decimals, or "-".
std::string ms(double seconds) {
  return std::isnan(seconds) ? "-" : printf_string("%.2f", seconds * 1000);
}

std::string bar(double elapsed_s, double total_s) {
  constexpr int kWidth = 20;
  const double share = total_s > 0 ? std::clamp(elapsed_s / total_s, 0.0, 1.0) : 1.0;
  const int filled = static_cast<int>(std::lround(share * kWidth));
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(kWidth - filled), ' ') + "]";
}

std::string statuses(const Tally& tally) {
  std::string out;
  for (const auto& [status, n] : tally.statuses) {
    if (!out.empty()) out += ' ';
    out += std::to_string(status) + ":" + std::to_string(n);
  }
  return out.empty() ? "no answers" : out;
}

std::string sources(const Tally& tally) {
  std::string out;
  if (tally.answered == 0) return out;
  for (const auto& [source, n] : tally.sources) {
    if (!out.empty()) out += ' ';
    const double share = 100.0 * static_cast<double>(n) / static_cast<double>(tally.answered);
    out += source + " " + printf_string("%.0f%%", share);
  }
  return out;
}

std::string failures(const Tally& tally) {
  return "conn-err " + std::to_string(tally.connect_errors) + " timeout " +
         std::to_string(tally.timeouts) + " io-err " + std::to_string(tally.io_errors) +
         " dropped " + std::to_string(tally.dropped);
}

}  // namespace

std::string format_ms(double seconds) {
  return std::isnan(seconds) ? "-" : ms(seconds) + " ms";
}

std::string status_line(const SecondPoint& point, double total_s) {
  const LatencySummary& now = point.latency;
  const LatencySummary& all = point.overall;
  // Whole seconds while the run goes on; the last point of a run cut short shows its fraction.
  const bool whole = std::abs(point.elapsed_s - std::round(point.elapsed_s)) < 0.05;
  std::string line = bar(point.elapsed_s, total_s) +
                     printf_string(whole ? " %.0f/%gs  %.1f/s" : " %.1f/%gs  %.1f/s",
                                   point.elapsed_s, total_s, point.rate());
  // Open loop: after the duration, the answers to requests due within it are still counted.
  if (point.elapsed_s > total_s + 0.05) line += " draining";
  line += "  p50/p95/p99 " + ms(now.p50) + "/" + ms(now.p95) + "/" + ms(now.p99) + " ms (all " +
          ms(all.p50) + "/" + ms(all.p95) + "/" + ms(all.p99) + ")";
  line += "  " + statuses(point.tally);
  if (const auto s = sources(point.tally); !s.empty()) line += "  " + s;
  line += "  " + failures(point.tally);
  return line;
}

std::string summary_table(const LoadReport& report) {
  const Tally& t = report.total;
  const LatencySummary l = summarize(report.latency);
  const LoadPlan& plan = report.plan;
  std::string out;
  auto row = [&out](const char* name, const std::string& value) {
    out += printf_string("  %-22s %s\n", name, value.c_str());
  };
  out += "sre-lab load: " + plan.target.text() + ", ";
  out += plan.open_loop() ? printf_string("open loop at %.6g/s", *plan.rate)
                          : printf_string("closed loop, %zu connections", plan.connections);
  out += printf_string(", %.3gs%s\n", report.elapsed_s, report.stopped ? " (stopped early)" : "");
  if (plan.open_loop()) row("scheduled", std::to_string(t.scheduled));
  row("sent", std::to_string(t.sent));
  row("answered", std::to_string(t.answered) + printf_string("  (%.1f/s)", report.rate()));
  row("latency p50", format_ms(l.p50));
  row("latency p95", format_ms(l.p95));
  row("latency p99", format_ms(l.p99));
  row("latency p99.9", format_ms(l.p999));
  row("latency max", format_ms(l.max));
  row("latency mean", format_ms(l.mean));
  out += plan.open_loop() ? "  (latency from each request's scheduled time)\n"
                          : "  (latency from each request's send)\n";
  row("statuses", statuses(t));
  if (const auto s = sources(t); !s.empty()) row("sources", s);
  row("connection errors", std::to_string(t.connect_errors));
  row("timeouts", std::to_string(t.timeouts));
  row("other i/o errors", std::to_string(t.io_errors));
  if (plan.open_loop()) {
    row("dropped by generator", std::to_string(t.dropped));
    const LatencySummary lag = summarize(report.send_lag);
    row("send lag p50/p99/max",
        ms(lag.p50) + " / " + ms(lag.p99) + " / " + ms(lag.max) + " ms  (due → written)");
  }
  return out;
}

}  // namespace srelab::load
