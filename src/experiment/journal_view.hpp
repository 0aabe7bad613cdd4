// A typed, forgiving read of a run's journal.json (Chaos Toolkit's journal plus the "sre-lab"
// extension the runner adds), shared by the Markdown and HTML report writers so that each
// decides only how to show things, never how to find them.
//
// The journal comes from a run that may have stopped at any point, so every field is optional:
// an absent, null or mistyped field reads as empty (a number as NaN) and, when a reader would
// miss it, adds a sentence to `missing`. read_journal() never throws.
#pragma once

#include <boost/json/value.hpp>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace srelab::experiment {

// The sre-lab part of a judged probe's run: the hypothesis in words and what the data said.
struct JudgedProbe {
  std::string phase;      // baseline | injection | recovery
  std::string judgement;  // met | not_met | inconclusive
  std::string statement;
  double value = NAN;            // NaN when null or a text
  std::string value_text;        // a text value, e.g. a breaker state "OPEN"
  std::string unit;              // "s", "ratio", ""
  double low = NAN, high = NAN;  // the interval, NaN when there is none
  double level = NAN;
  double samples = NAN;
  std::string evidence;
};

// One activity as it ran: a steady-state probe, a method step or a rollback.
struct ActivityView {
  std::string where;  // "before", "method", "during", "rollback", "after"
  std::string type;   // action | probe
  std::string name;
  std::string status;  // succeeded | failed, empty when unknown
  double duration_s = NAN;
  std::string output;     // short one-line JSON, empty when there is none
  std::string exception;  // the exception lines joined, empty when none
  std::optional<bool> tolerance_met;
  std::optional<JudgedProbe> judged;
};

struct PhaseSpan {
  std::string name;
  double start = 0, end = 0;  // seconds from the run's start
  // The phase's exact latency quantiles (from the run's histogram), when the journal has them.
  double p50 = NAN, p95 = NAN, p99 = NAN;
};

// One second of the background load, as the client saw it.
struct LoadPoint {
  double t = NAN;
  std::string phase;
  double sent = 0, answered = 0, failed = 0;
  double p50 = NAN, p95 = NAN, p99 = NAN, max = NAN;  // seconds, NaN when nothing answered
  std::map<std::string, double> statuses;             // "200" → count
  std::map<std::string, double> sources;              // "cache" → count
};

struct SlowTrace {
  std::string trace_id;
  double duration_s = NAN;
  std::string status;
  std::string phase;
  std::string url;
};

struct JournalView {
  std::string title = "(untitled experiment)";
  std::string description;
  std::vector<std::string> tags;
  std::string status;  // completed | failed | aborted | interrupted
  std::optional<bool> deviated;
  std::string start, end;
  double duration_s = NAN;
  std::string platform, node;

  bool has_extension = false;  // the "sre-lab" extension was there
  std::string version;
  std::string verdict;  // the extension's, else one derived from status and deviated
  std::string reason;
  std::string service_url, load_url, console_url;

  std::optional<bool> before_met, after_met;  // steady state; empty when not checked
  std::vector<ActivityView> activities;       // before, method, during, rollbacks, after
  std::vector<PhaseSpan> phases;              // from the extension, else from the load's points
  std::vector<LoadPoint> load;
  std::vector<double> time;                           // the timeline's seconds
  std::map<std::string, std::vector<double>> series;  // same length as time, NaN = null
  std::vector<SlowTrace> traces;

  std::vector<std::string> missing;  // sentences: what this journal lacks

  // The timeline series `name` when it has at least one number, else nullptr.
  const std::vector<double>* timeline(const std::string& name) const;
  // The phase called `name`, or nullptr.
  const PhaseSpan* phase(const std::string& name) const;
};

JournalView read_journal(const boost::json::value& journal);

}  // namespace srelab::experiment
