// The pieces of a Chaos Toolkit journal (journal.json) the runner assembles: timestamps as CTK
// writes them, one activity's run record (status, output, start/end/duration, tolerance_met,
// and sre-lab's judgement beside CTK's fields), the background load's seconds and the console's
// timeline cut to the run. docs/experiments.md lists every field.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "experiment/experiment_spec.hpp"
#include "experiment/phase_book.hpp"
#include "experiment/probe_judge.hpp"
#include "experiment/target.hpp"

namespace srelab::experiment {

// "2026-12-02T04:10:00.123456" (UTC, no zone suffix: CTK's own format).
std::string iso_time(double wall_ms);

struct ActivityRun {
  const Activity* activity = nullptr;
  bool succeeded = true;
  boost::json::value output;
  std::string exception;  // why it failed; empty when it succeeded
  double start_ms = 0, end_ms = 0;
  std::optional<Judged> judged;  // probes with a tolerance
  std::string phase;
};

boost::json::object run_record(const ActivityRun& run);

// {answers, p50, p95, p99, max} of a latency histogram, in seconds.
boost::json::object latency_json(const telemetry::HistogramSnapshot& latency);

// A load run's summary as an action's output: requests, answers by status and source, latency.
boost::json::object load_summary(const load::LoadReport& report);

// The background load's seconds, their times counted from `start_ms` (the run's start).
boost::json::array load_seconds(const std::vector<SecondRecord>& seconds, double load_start_s);

// The timeline's points within [from_ms, to_ms], times in seconds from from_ms.
boost::json::object timeline_json(const Timeline& timeline, double from_ms, double to_ms);

}  // namespace srelab::experiment
