#include "experiment/journal.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace srelab::experiment {
namespace {

boost::json::value number_or_null(double value) {
  if (std::isnan(value) || std::isinf(value)) return nullptr;
  return value;
}

boost::json::object tally_counts(const load::Tally& tally) {
  boost::json::object statuses, sources;
  for (const auto& [status, n] : tally.statuses) statuses[std::to_string(status)] = n;
  for (const auto& [source, n] : tally.sources) sources[source] = n;
  return {{"statuses", std::move(statuses)}, {"sources", std::move(sources)}};
}

double round_to(double value, double step) {
  return std::round(value / step) * step;
}

}  // namespace

std::string iso_time(double wall_ms) {
  // Rounded to the microsecond first, so that a carry reaches the seconds too.
  const long long total_us = std::llround(wall_ms * 1000);
  const long long floor_s = total_us / 1000000 - (total_us % 1000000 < 0 ? 1 : 0);
  const auto seconds = static_cast<std::time_t>(floor_s);
  const auto micros = static_cast<long>(total_us - floor_s * 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, micros);
  return text;
}

boost::json::object run_record(const ActivityRun& run) {
  boost::json::object record;
  record["activity"] = run.activity->written;
  record["status"] = run.succeeded ? "succeeded" : "failed";
  record["output"] = run.output;
  if (!run.succeeded) record["exception"] = boost::json::array{boost::json::string(run.exception)};
  record["start"] = iso_time(run.start_ms);
  record["end"] = iso_time(run.end_ms);
  record["duration"] = (run.end_ms - run.start_ms) / 1000;
  if (run.judged) {
    const Judged& judged = *run.judged;
    record["tolerance_met"] = judged.judgement == Judgement::met;
    boost::json::object ours{
        {"phase", run.phase},
        {"judgement", to_string(judged.judgement)},
        {"statement", judged.statement},
        {"value",
         judged.value.is_double() ? number_or_null(judged.value.as_double()) : judged.value},
        {"unit", judged.unit},
        {"interval", judged.interval ? boost::json::value(boost::json::array{
                                           number_or_null(judged.interval->low),
                                           number_or_null(judged.interval->high)})
                                     : boost::json::value(nullptr)},
        {"level", judged.level},
        {"samples", judged.samples},
        {"evidence", judged.evidence},
    };
    record["sre-lab"] = std::move(ours);
  }
  return record;
}

boost::json::object latency_json(const telemetry::HistogramSnapshot& latency) {
  const auto summary = load::summarize(latency);
  return {{"answers", summary.count},
          {"p50", number_or_null(summary.p50)},
          {"p95", number_or_null(summary.p95)},
          {"p99", number_or_null(summary.p99)},
          {"max", number_or_null(summary.max)}};
}

boost::json::object load_summary(const load::LoadReport& report) {
  boost::json::object out = tally_counts(report.total);
  out["requests"] = report.total.answered + report.total.errors() + report.total.dropped;
  out["answered"] = report.total.answered;
  out["timeouts"] = report.total.timeouts;
  out["connect_errors"] = report.total.connect_errors;
  out["io_errors"] = report.total.io_errors;
  out["dropped"] = report.total.dropped;
  out["elapsed_s"] = report.elapsed_s;
  out["latency_s"] = latency_json(report.latency);
  if (!report.error.empty()) out["error"] = report.error;
  return out;
}

boost::json::array load_seconds(const std::vector<SecondRecord>& seconds, double load_start_s) {
  boost::json::array out;
  for (const auto& [phase, point] : seconds) {
    boost::json::object second = tally_counts(point.tally);
    second["t"] = round_to(load_start_s + point.elapsed_s, 0.001);
    second["phase"] = phase;
    second["sent"] = point.tally.sent;
    second["answered"] = point.tally.answered;
    second["failed"] = point.tally.errors() + point.tally.dropped;
    second["p50"] = number_or_null(point.latency.p50);
    second["p95"] = number_or_null(point.latency.p95);
    second["p99"] = number_or_null(point.latency.p99);
    second["max"] = number_or_null(point.latency.max);
    out.push_back(std::move(second));
  }
  return out;
}

boost::json::object timeline_json(const Timeline& timeline, double from_ms, double to_ms) {
  boost::json::array time;
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < timeline.time_ms.size(); ++i) {
    const double t = timeline.time_ms[i];
    if (t < from_ms || t > to_ms) continue;
    kept.push_back(i);
    time.push_back(round_to((t - from_ms) / 1000, 0.001));
  }
  boost::json::object values;
  for (const auto& [key, series] : timeline.values) {
    boost::json::array out;
    bool any = false;
    for (std::size_t i : kept) {
      const double v = i < series.size() ? series[i] : std::nan("");
      any = any || !std::isnan(v);
      out.push_back(number_or_null(v));
    }
    if (any) values[key] = std::move(out);  // a series the lab never fed (no gateway) is left out
  }
  return {{"time", std::move(time)}, {"values", std::move(values)}};
}

}  // namespace srelab::experiment
