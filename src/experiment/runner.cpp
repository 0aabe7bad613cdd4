#include "experiment/runner.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cmath>
#include <deque>
#include <map>
#include <set>

#include "experiment/bulk_samples.hpp"
#include "experiment/dependency_ledger.hpp"
#include "experiment/journal.hpp"
#include "experiment/probe_judge.hpp"
#include "experiment/report_text.hpp"
#include "http/admin_access.hpp"
#include "http/http_url.hpp"

namespace srelab::experiment {
namespace {

constexpr double kFaultMargin_s = 10;  // a guardrail fault outlives its phase by this much

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

bool is_deferred(const Activity& activity) {
  return activity.type == Activity::Type::probe &&
         (std::holds_alternative<LatencyProbe>(activity.provider) ||
          std::holds_alternative<AnswersProbe>(activity.provider) ||
          std::holds_alternative<MetricProbe>(activity.provider));
}

// `url` may have a query already: the arguments join it.
std::string query_string(const boost::json::value& arguments, const std::string& url) {
  if (!arguments.is_object()) return {};
  std::string query;
  const bool has_query = url.find('?') != std::string::npos;
  for (const auto& [key, value] : arguments.as_object()) {
    query += query.empty() && !has_query ? "?" : "&";
    const std::string text =
        value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value);
    query += boost::urls::encode(key, boost::urls::unreserved_chars) + "=" +
             boost::urls::encode(text, boost::urls::unreserved_chars);
  }
  return query;
}

// A dotted path into a JSON answer: "circuit_breaker.state".
boost::json::value field_at(const boost::json::value& root, const std::string& path) {
  const boost::json::value* at = &root;
  std::size_t from = 0;
  while (at != nullptr && from <= path.size()) {
    const std::size_t dot = std::min(path.find('.', from), path.size());
    const std::string key = path.substr(from, dot - from);
    at = at->is_object() ? at->as_object().if_contains(key) : nullptr;
    from = dot + 1;
  }
  return at != nullptr ? *at : boost::json::value(nullptr);
}

bool is_dependency_url(const std::string& url) {
  const auto parsed = http::parse_http_url(url);
  return parsed && parsed->target.starts_with(kDependencyPath);
}

// ": <detail>" from an error answer's JSON body ({"error", "detail"}), else nothing.
std::string detail_of(const boost::json::value& body) {
  const auto* detail = body.is_object() ? body.as_object().if_contains("detail") : nullptr;
  return detail != nullptr && detail->is_string() ? ": " + std::string(detail->as_string()) : "";
}

std::string compared_with(const std::string& against) {
  return against.empty() ? "the baseline" : "'" + against + "'";
}

std::string platform() {
  utsname name{};
  if (uname(&name) != 0) return "Linux";
  return std::string(name.sysname) + "-" + name.release + "-" + name.machine;
}

std::string node() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

class ExperimentRun {
 public:
  ExperimentRun(const Experiment& experiment, Target& target, std::stop_token stop,
                const RunOptions& options)
      : experiment_(experiment), target_(target), stop_(std::move(stop)), options_(options) {}

  RunResult run();

 private:
  struct PhaseSpan {
    std::string name;
    double start_ms = 0;
    double end_ms = 0;
  };

  double now_ms() const { return target_.wall_ms(); }
  void enter(const std::string& phase);
  void close_phase();
  bool wait_phase(double until_ms, std::stop_token stop);
  void report_progress(double until_ms);

  std::vector<ActivityRun> steady_state(const std::string& phase);
  ActivityRun execute(const Activity& activity, const std::string& phase, double phase_end_ms,
                      std::stop_token stop);
  void judge_deferred(ActivityRun& run, const std::string& phase, const Timeline& timeline);
  http::HttpAnswer send_http(const HttpCall& call, bool guard_fault, double phase_end_ms,
                             boost::json::object& output);
  http::HttpAnswer call_http(const HttpCall& call, const Activity& activity, double phase_end_ms,
                             boost::json::object& output, ActivityRun& run);
  HttpCall dependency_request(const DependencyCall& call) const;
  void undo_dependencies(std::vector<ActivityRun>& rollbacks);
  void note(const ActivityRun& run);
  std::vector<double> series(const Timeline& timeline, const std::string& key,
                             const std::string& phase) const;
  const PhaseSpan* span(const std::string& phase) const;
  boost::json::object steady_state_json(const std::vector<ActivityRun>& runs) const;
  boost::json::object journal(const std::vector<ActivityRun>& before,
                              const std::vector<ActivityRun>& method,
                              const std::vector<ActivityRun>& after,
                              const std::vector<ActivityRun>& rollbacks);

  const Experiment& experiment_;
  Target& target_;
  std::stop_token stop_;
  const RunOptions& options_;
  PhaseBook book_;
  double start_ms_ = 0;
  double load_start_ms_ = 0;
  std::vector<PhaseSpan> phases_;
  std::vector<ActivityRun> prepared_;  // the sre-lab extension's `before` actions
  // The answers of foreground runs (load actions, bulk tests) by action name: activities that
  // share a name (CTK refs) add up, so repeated bursts give a probe enough samples.
  std::map<std::string, Samples, std::less<>> load_runs_;
  Verdict verdict_ = Verdict::held;
  std::string reason_;
  std::string deviation_evidence_;  // the evidence of the probe that set `reason_`
  bool inconclusive_ = false;
  DependencyLedger dependencies_;
  std::deque<Activity> undo_activities_;  // the undo rollbacks' activities: runs point at them
};

void ExperimentRun::enter(const std::string& phase) {
  close_phase();
  // The new phase starts where the last second of load filed ends (wait_phase waited for it).
  book_.enter(phase, book_.last().elapsed_s);
  phases_.push_back({phase, now_ms(), 0});
}

void ExperimentRun::close_phase() {
  if (!phases_.empty() && phases_.back().end_ms == 0) phases_.back().end_ms = now_ms();
}

const ExperimentRun::PhaseSpan* ExperimentRun::span(const std::string& phase) const {
  for (const auto& span : phases_)
    if (span.name == phase) return &span;
  return nullptr;
}

// Sleeps to `until_ms` a second at a time, reporting progress; false when stopped. Under a
// load, it then waits for the load's next second, so that a phase ends where a second of load
// does: every second then lies wholly in one phase and the phase's samples are complete.
bool ExperimentRun::wait_phase(double until_ms, std::stop_token stop) {
  for (;;) {
    const double left = (until_ms - now_ms()) / 1000;
    if (left <= 0) break;
    report_progress(until_ms);
    if (!target_.sleep(std::min(left, 1.0), stop)) return false;
  }
  if (!experiment_.load) return !stop.stop_requested();
  // The load's clock starts a few ms after load_start_ms_: a second counts as the one ending at
  // `until_ms` within 50 ms.
  const double due_s = (until_ms - load_start_ms_) / 1000 - 0.05;
  for (int waited = 0; waited < 75 && book_.last().elapsed_s < due_s; ++waited)
    if (!target_.sleep(0.02, stop)) return false;
  return !stop.stop_requested();
}

void ExperimentRun::report_progress(double until_ms) {
  if (!options_.on_progress) return;
  const load::SecondPoint last = book_.last();
  Progress progress;
  progress.phase = book_.current();
  progress.phase_left_s = std::max(0.0, (until_ms - now_ms()) / 1000);
  progress.rate = last.rate();
  progress.p95_s = last.tally.answered > 0 ? last.latency.p95 : std::nan("");
  const double requests =
      static_cast<double>(last.tally.answered + last.tally.errors() + last.tally.dropped);
  progress.failed_share = requests > 0
                              ? static_cast<double>(last.tally.bad_statuses() +
                                                    last.tally.errors() + last.tally.dropped) /
                                    requests
                              : 0;
  options_.on_progress(progress);
}

std::vector<double> ExperimentRun::series(const Timeline& timeline, const std::string& key,
                                          const std::string& phase) const {
  std::vector<double> values;
  const PhaseSpan* within = span(phase);
  const auto found = timeline.values.find(key);
  if (within == nullptr || found == timeline.values.end()) return values;
  const double end = within->end_ms == 0 ? now_ms() : within->end_ms;
  for (std::size_t i = 0; i < timeline.time_ms.size() && i < found->second.size(); ++i) {
    const double t = timeline.time_ms[i];
    // A point is the second before its time: it belongs to the phase it ends in. A point
    // sampled just after the phase ended is the next phase's: it may already show the next
    // phase's first action (Part 4.3's baseline counted the first leaked block when it took
    // points up to 500 ms late).
    if (t > within->start_ms && t <= end && !std::isnan(found->second[i]))
      values.push_back(found->second[i]);
  }
  return values;
}

http::HttpAnswer ExperimentRun::send_http(const HttpCall& call, bool guard_fault,
                                          double phase_end_ms, boost::json::object& output) {
  boost::json::value arguments = call.arguments;
  const auto url = http::parse_http_url(call.url);
  // Guardrail: a fault set through /chaos/configure, or a dependency paused or stopped through
  // /chaos/dependency, is undone by the service shortly after its phase, whatever happens to
  // this process.
  if (guard_fault && url && call.method == "POST" &&
      (url->target.starts_with("/chaos/configure") ||
       (url->target.starts_with(kDependencyPath) && takes_dependency_down(call.arguments)))) {
    if (!arguments.is_object()) arguments = boost::json::object{};
    auto& body = arguments.as_object();
    if (!body.contains("duration_s") || body.at("duration_s").is_null()) {
      const double left = std::max(0.0, (phase_end_ms - now_ms()) / 1000);
      body["duration_s"] = std::ceil(left + kFaultMargin_s);
      output["duration_s_added"] = body["duration_s"];
    }
  }
  std::string target_url = call.url;
  std::string body;
  if (call.method == "GET" || call.method == "HEAD" || call.method == "DELETE")
    target_url += query_string(arguments, target_url);
  else if (!arguments.is_null())
    body = boost::json::serialize(arguments);
  http::HttpAnswer answer =
      target_.send(call.method, target_url, call.headers, body, call.timeout_s);
  output["status"] = answer.status;
  boost::system::error_code ec;
  auto json = boost::json::parse(answer.body, ec);
  output["body"] = ec ? boost::json::value(answer.body) : std::move(json);
  return answer;
}

ActivityRun ExperimentRun::execute(const Activity& activity, const std::string& phase,
                                   double phase_end_ms, std::stop_token stop) {
  ActivityRun run;
  run.activity = &activity;
  run.phase = phase;
  run.start_ms = now_ms();
  boost::json::object output;
  std::visit(
      Overloaded{
          [&](const HttpCall& call) {
            const http::HttpAnswer answer = call_http(call, activity, phase_end_ms, output, run);
            if (activity.tolerance) {
              const auto& tolerance = *activity.tolerance;
              const boost::json::value subject =
                  tolerance.target == "body" ? output["body"] : boost::json::value(answer.status);
              run.judged = judge_value(
                  tolerance, subject,
                  tolerance.target == "body" ? "the answer's body" : "the answer's status");
            }
          },
          [&](const LoadCall& call) {
            const load::LoadReport report = target_.run_load(call.plan, stop);
            output = load_summary(report);
            Samples samples;
            samples.tally = report.total;
            samples.latency = report.latency;
            load_runs_[activity.name].merge(samples);
            if (!report.error.empty()) {
              run.succeeded = false;
              run.exception = "load: " + report.error;
            }
          },
          [&](const StateProbe& probe) {
            const char* path =
                probe.endpoint == StateProbe::Endpoint::resilience ? "/resilience" : "/chaos";
            const std::string subject = std::string(path) + " " + probe.field;
            const double deadline = now_ms() + probe.within_s * 1000;
            boost::json::value value;
            for (;;) {
              std::string error;
              const auto json = target_.get_json(path, error);
              if (!error.empty()) {
                run.succeeded = false;
                run.exception = error;
                break;
              }
              value = field_at(json, probe.field);
              const bool met = activity.tolerance && value_meets(*activity.tolerance, value);
              if (met || now_ms() >= deadline || !target_.sleep(0.1, stop)) break;
            }
            output["value"] = value;
            if (probe.within_s > 0) output["waited_s"] = (now_ms() - run.start_ms) / 1000;
            // A field that could not be read does not meet the tolerance (as an http probe
            // without an answer does not): the steady state cannot hold on it.
            if (activity.tolerance) {
              run.judged = judge_value(
                  *activity.tolerance, value,
                  subject + (probe.within_s > 0 ? " within " + format_seconds(probe.within_s)
                                                : std::string()));
              if (!run.succeeded)
                run.judged->evidence = subject + ": " + run.exception;
              else if (probe.within_s > 0)
                run.judged->evidence +=
                    " after " + format_seconds((now_ms() - run.start_ms) / 1000);
            }
          },
          [&](const DependencyCall& call) {
            call_http(dependency_request(call), activity, phase_end_ms, output, run);
          },
          [&](const auto&) {},  // judged on the whole phase: judge_deferred
      },
      activity.provider);
  run.output = std::move(output);
  run.end_ms = now_ms();
  return run;
}

// Sends an http action or probe and fails `run` when it got no answer or not the one expected.
http::HttpAnswer ExperimentRun::call_http(const HttpCall& call, const Activity& activity,
                                          double phase_end_ms, boost::json::object& output,
                                          ActivityRun& run) {
  const http::HttpAnswer answer =
      send_http(call, activity.type == Activity::Type::action, phase_end_ms, output);
  if (const auto rows = samples_from_bulk(output["body"])) load_runs_[activity.name].merge(*rows);
  if (answer.status == 0) {
    run.succeeded = false;
    run.exception = call.method + " " + call.url + ": " + answer.error;
  } else if (call.expected_status && answer.status != *call.expected_status) {
    run.succeeded = false;
    run.exception = call.method + " " + call.url + " answered " + std::to_string(answer.status) +
                    ", expected " + std::to_string(*call.expected_status) +
                    detail_of(output["body"]);
  } else if (answer.status == 200 && call.method == "POST" && is_dependency_url(call.url)) {
    dependencies_.record(call.arguments);
  }
  return answer;
}

HttpCall ExperimentRun::dependency_request(const DependencyCall& call) const {
  HttpCall request;
  request.url = experiment_.service_url + std::string(kDependencyPath);
  request.method = "POST";
  boost::json::object body;
  for (const auto& [dependency, action] : call.actions) body[dependency] = action;
  if (call.duration_s) body["duration_s"] = *call.duration_s;
  request.arguments = std::move(body);
  request.expected_status = 200;
  return request;
}

// After the rollbacks: a dependency the experiment paused or stopped and nothing brought back
// is resumed or started, as a rollback of its own in the journal. Its guardrail would do it
// too, but only when its duration_s runs out, which may be well into the recovery.
void ExperimentRun::undo_dependencies(std::vector<ActivityRun>& rollbacks) {
  for (const DependencyCall& undo : dependencies_.undo()) {
    const auto& [dependency, action] = undo.actions.front();
    Activity& activity = undo_activities_.emplace_back();
    activity.name = action + " " + dependency + " (the experiment left it " +
                    (action == "resume" ? "paused" : "stopped") + ")";
    activity.provider = undo;
    activity.written = {
        {"type", "action"},
        {"name", activity.name},
        {"provider",
         {{"type", "sre-lab"}, {"func", "dependency"}, {"arguments", {{dependency, action}}}}},
        {"sre-lab", {{"added_by_the_runner", true}}}};
    rollbacks.push_back(execute(activity, "recovery", now_ms(), std::stop_token{}));
  }
}

void ExperimentRun::judge_deferred(ActivityRun& run, const std::string& phase,
                                   const Timeline& timeline) {
  const Activity& activity = *run.activity;
  run.start_ms = now_ms();
  // `of` names foreground runs (else the phase's load); `against` what rose / fell compares
  // with (else the baseline's load).
  const auto samples_of = [&](const std::string& of, const std::string& fallback) -> Samples {
    if (of.empty()) return book_.samples(fallback);
    const auto found = load_runs_.find(of);
    return found == load_runs_.end() ? Samples{} : found->second;
  };
  const Tolerance tolerance = activity.tolerance.value_or(Tolerance{});
  std::visit(Overloaded{
                 [&](const LatencyProbe& probe) {
                   const Samples earlier = samples_of(probe.against, "baseline");
                   run.judged = judge_latency(probe, tolerance, samples_of(probe.of, phase),
                                              &earlier, compared_with(probe.against));
                 },
                 [&](const AnswersProbe& probe) {
                   const Samples earlier = samples_of(probe.against, "baseline");
                   run.judged = judge_answers(probe, tolerance, samples_of(probe.of, phase),
                                              &earlier, compared_with(probe.against));
                 },
                 [&](const MetricProbe& probe) {
                   const auto now = series(timeline, probe.series, phase);
                   const auto before = series(timeline, probe.series, "baseline");
                   run.judged = judge_metric(probe, tolerance, now, before);
                 },
                 [](const auto&) {},
             },
             activity.provider);
  if (run.judged) {
    run.output =
        boost::json::object{{"value", run.judged->value}, {"evidence", run.judged->evidence}};
    // Without a tolerance (a probe that only observes) there is nothing to judge.
    if (!activity.tolerance) run.judged.reset();
  }
  run.end_ms = now_ms();
}

void ExperimentRun::note(const ActivityRun& run) {
  if (!run.judged) return;
  if (run.judged->judgement == Judgement::inconclusive) inconclusive_ = true;
  if (run.judged->judgement == Judgement::not_met && verdict_ == Verdict::held) {
    verdict_ = Verdict::deviated;
    reason_ = "'" + run.activity->name + "' did not hold in the " + run.phase + ": " +
              run.judged->evidence;
    deviation_evidence_ = run.judged->evidence;
  }
}

std::vector<ActivityRun> ExperimentRun::steady_state(const std::string& phase) {
  std::vector<ActivityRun> runs;
  if (!experiment_.steady_state) return runs;
  Timeline timeline;
  bool fetched = false;
  for (const Activity& probe : experiment_.steady_state->probes) {
    ActivityRun run;
    if (is_deferred(probe)) {
      if (!fetched && std::holds_alternative<MetricProbe>(probe.provider)) {
        timeline = target_.timeline(start_ms_ - 1000);
        fetched = true;
      }
      run.activity = &probe;
      run.phase = phase;
      judge_deferred(run, phase, timeline);
    } else {
      run = execute(probe, phase, now_ms(), stop_);
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

boost::json::object ExperimentRun::steady_state_json(const std::vector<ActivityRun>& runs) const {
  boost::json::array probes;
  bool met = true;
  for (const auto& run : runs) {
    probes.push_back(run_record(run));
    met = met && run.succeeded && run.judged && run.judged->judgement != Judgement::not_met;
  }
  return {{"steady_state_met", met}, {"probes", std::move(probes)}};
}

RunResult ExperimentRun::run() {
  start_ms_ = now_ms();
  const Phases& phases = experiment_.phases;
  std::vector<ActivityRun> before, method, after, rollbacks;

  // The lab is prepared before the load starts; if that fails, nothing else runs.
  for (const Activity& activity : experiment_.before) {
    prepared_.push_back(execute(activity, "before", now_ms(), stop_));
    if (prepared_.back().succeeded) continue;
    verdict_ = Verdict::aborted;
    reason_ =
        "the action '" + activity.name + "' before the load failed: " + prepared_.back().exception;
    undo_dependencies(rollbacks);
    RunResult result;
    result.verdict = verdict_;
    result.reason = reason_;
    result.journal = journal(before, method, after, rollbacks);
    return result;
  }

  if (experiment_.load) {
    load::LoadPlan plan = *experiment_.load;
    // The load outlasts the phases; the runner stops it when the last phase ends.
    plan.duration = std::chrono::milliseconds(std::llround(
        (phases.warmup_s + phases.baseline_s + phases.injection_s + phases.recovery_s + 600) *
        1000));
    load_start_ms_ = now_ms();
    book_.enter(phases.warmup_s > 0 ? "warmup" : "baseline", 0);
    target_.start_load(plan, book_);
  }
  bool stopped = false;
  if (phases.warmup_s > 0) {
    enter("warmup");
    stopped = !wait_phase(start_ms_ + phases.warmup_s * 1000, stop_);
  }
  enter("baseline");
  if (!stopped) stopped = !wait_phase(phases_.back().start_ms + phases.baseline_s * 1000, stop_);

  bool injected = false;
  if (!stopped) {
    before = steady_state("baseline");
    stopped = stop_.stop_requested();  // a probe's wait cut short is no judgement
    for (const auto& run : before) note(run);
    if (verdict_ == Verdict::deviated) {
      verdict_ = Verdict::failed;
      reason_ = "the steady state did not hold before the injection, so nothing was injected: " +
                deviation_evidence_;
    }
  }

  if (!stopped && verdict_ == Verdict::held) {
    enter("injection");
    injected = true;
    const double phase_end = phases_.back().start_ms + phases.injection_s * 1000;
    for (const Activity& activity : experiment_.method) {
      if (!target_.sleep(activity.pause_before_s, stop_)) break;
      if (is_deferred(activity)) {
        ActivityRun run;
        run.activity = &activity;
        run.phase = "injection";
        method.push_back(std::move(run));  // judged when the phase ends
      } else {
        method.push_back(execute(activity, "injection", phase_end, stop_));
        note(method.back());
        if (!method.back().succeeded && activity.type == Activity::Type::action) {
          verdict_ = Verdict::aborted;
          reason_ = "the action '" + activity.name + "' failed: " + method.back().exception;
          break;
        }
      }
      if (!target_.sleep(activity.pause_after_s, stop_)) break;
    }
    stopped =
        stop_.stop_requested() || (verdict_ != Verdict::aborted && !wait_phase(phase_end, stop_));
    if (!stopped && verdict_ != Verdict::aborted) {
      close_phase();
      const Timeline timeline = target_.timeline(start_ms_ - 1000);
      for (auto& run : method)
        if (is_deferred(*run.activity)) {
          judge_deferred(run, "injection", timeline);
          note(run);
        }
    }
  }

  // Rollbacks run whatever happened once something may have been injected; a stop does not
  // interrupt them.
  if (injected) {
    const bool settle = phases.settle_s > 0;
    enter(settle ? "settling" : "recovery");
    const double recovery_start = phases_.back().start_ms;
    // Their pauses too: a stop has been asked for already, and the rollbacks run to the end.
    for (const Activity& activity : experiment_.rollbacks) {
      target_.sleep(activity.pause_before_s, std::stop_token{});
      rollbacks.push_back(execute(activity, "recovery", recovery_start, std::stop_token{}));
      target_.sleep(activity.pause_after_s, std::stop_token{});
    }
    undo_dependencies(rollbacks);
    if (!stopped && verdict_ != Verdict::aborted) {
      if (settle && wait_phase(recovery_start + phases.settle_s * 1000, stop_)) enter("recovery");
      stopped = !wait_phase(recovery_start + phases.recovery_s * 1000, stop_);
      if (!stopped) {
        close_phase();
        after = steady_state("recovery");
        stopped = stop_.stop_requested();
        const Verdict so_far = verdict_;
        for (const auto& run : after) note(run);
        if (so_far == Verdict::held && verdict_ == Verdict::deviated)
          reason_ =
              "the steady state did not come back after the rollbacks: " + deviation_evidence_;
      }
    }
  }
  close_phase();
  if (experiment_.load) target_.stop_load();

  if (stopped) {
    verdict_ = Verdict::interrupted;
    reason_ = "stopped before the end" +
              std::string(injected ? "; the rollbacks ran" : "; nothing had been injected");
  } else if (verdict_ == Verdict::held && inconclusive_) {
    verdict_ = Verdict::inconclusive;
    reason_ = "no probe deviated, but some had too few samples (or too wide an interval) to decide";
  } else if (verdict_ == Verdict::held) {
    reason_ = experiment_.steady_state
                  ? "the steady state held before and after, and every expectation of the "
                    "injection held"
                  : "every expectation of the injection held";
  }
  RunResult result;
  result.verdict = verdict_;
  result.reason = reason_;
  result.journal = journal(before, method, after, rollbacks);
  return result;
}

boost::json::object ExperimentRun::journal(const std::vector<ActivityRun>& before,
                                           const std::vector<ActivityRun>& method,
                                           const std::vector<ActivityRun>& after,
                                           const std::vector<ActivityRun>& rollbacks) {
  const double end_ms = now_ms();
  boost::json::object journal;
  journal["chaoslib-version"] = nullptr;
  journal["platform"] = platform();
  journal["node"] = node();
  journal["experiment"] = experiment_.written;
  journal["start"] = iso_time(start_ms_);
  journal["end"] = iso_time(end_ms);
  journal["duration"] = (end_ms - start_ms_) / 1000;
  const char* status = "completed";
  if (verdict_ == Verdict::failed) status = "failed";
  if (verdict_ == Verdict::aborted) status = "aborted";
  if (verdict_ == Verdict::interrupted) status = "interrupted";
  journal["status"] = status;
  journal["deviated"] = verdict_ == Verdict::deviated;
  journal["steady_states"] =
      boost::json::object{{"before", experiment_.steady_state && !before.empty()
                                         ? boost::json::value(steady_state_json(before))
                                         : boost::json::value(nullptr)},
                          {"after", experiment_.steady_state && !after.empty()
                                        ? boost::json::value(steady_state_json(after))
                                        : boost::json::value(nullptr)},
                          {"during", boost::json::array{}}};
  boost::json::array runs, rolled;
  for (const auto& run : method)
    if (run.end_ms != 0) runs.push_back(run_record(run));
  for (const auto& run : rollbacks) rolled.push_back(run_record(run));
  journal["run"] = std::move(runs);
  journal["rollbacks"] = std::move(rolled);

  boost::json::object ours;
  ours["name"] = "sre-lab";
  ours["version"] = options_.version;
  ours["verdict"] = to_string(verdict_);
  ours["reason"] = reason_;
  ours["service_url"] = experiment_.service_url;
  ours["load_url"] = experiment_.load ? boost::json::value(experiment_.load->target.text())
                                      : boost::json::value(nullptr);
  boost::json::array spans;
  for (const auto& phase : phases_) {
    boost::json::object span{
        {"name", phase.name},
        {"start", (phase.start_ms - start_ms_) / 1000},
        {"end", ((phase.end_ms == 0 ? end_ms : phase.end_ms) - start_ms_) / 1000}};
    // The phase's exact quantiles, from its histogram: the reports' phase table reads them.
    const Samples samples = book_.samples(phase.name);
    if (samples.latency.count > 0) span["latency_s"] = latency_json(samples.latency);
    spans.push_back(std::move(span));
  }
  ours["phases"] = std::move(spans);
  boost::json::array prepared;
  for (const auto& run : prepared_) prepared.push_back(run_record(run));
  ours["before"] = std::move(prepared);
  ours["load"] = load_seconds(book_.seconds(), (load_start_ms_ - start_ms_) / 1000);
  ours["timeline"] = timeline_json(target_.timeline(start_ms_ - 1000), start_ms_, end_ms + 1000);
  boost::json::array slowest;
  for (const auto& trace : target_.slowest_traces(start_ms_, end_ms, 5)) {
    std::string phase;
    for (const auto& span : phases_)
      if (trace.start_ms >= span.start_ms) phase = span.name;
    slowest.push_back({{"trace_id", trace.trace_id},
                       {"duration_s", trace.duration_s},
                       {"status", trace.status},
                       {"phase", phase},
                       {"url", target_.console_url() + "#traces/" + trace.trace_id}});
  }
  ours["slowest_traces"] = std::move(slowest);
  ours["console_url"] = target_.console_url();
  journal["extensions"] = boost::json::array{std::move(ours)};
  return journal;
}

void collect_urls(const std::vector<Activity>& activities, std::set<std::string>& urls) {
  for (const auto& activity : activities) {
    if (const auto* call = std::get_if<HttpCall>(&activity.provider)) urls.insert(call->url);
    if (const auto* load = std::get_if<LoadCall>(&activity.provider))
      urls.insert(load->plan.target.text());
  }
}

}  // namespace

std::string to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::held:
      return "held";
    case Verdict::deviated:
      return "deviated";
    case Verdict::inconclusive:
      return "inconclusive";
    case Verdict::failed:
      return "failed";
    case Verdict::aborted:
      return "aborted";
    case Verdict::interrupted:
      return "interrupted";
  }
  return "aborted";
}

int exit_code(Verdict verdict) {
  switch (verdict) {
    case Verdict::held:
      return 0;
    case Verdict::inconclusive:
      return 3;
    case Verdict::interrupted:
      return 130;
    default:
      return 1;
  }
}

std::string remote_targets(const Experiment& experiment) {
  std::set<std::string> urls{experiment.service_url};
  if (experiment.load) urls.insert(experiment.load->target.text());
  if (experiment.steady_state) collect_urls(experiment.steady_state->probes, urls);
  collect_urls(experiment.method, urls);
  collect_urls(experiment.rollbacks, urls);
  std::string remote;
  for (const auto& url : urls) {
    const auto parsed = http::parse_http_url(url);
    if (parsed && http::is_loopback_host(parsed->host)) continue;
    remote += (remote.empty() ? "" : ", ") + url;
  }
  return remote;
}

std::string first_dependency_action(const Experiment& experiment) {
  for (const auto* list : {&experiment.before, &experiment.method, &experiment.rollbacks})
    for (const Activity& activity : *list) {
      const auto* call = std::get_if<HttpCall>(&activity.provider);
      if (std::holds_alternative<DependencyCall>(activity.provider) ||
          (call != nullptr && call->method == "POST" && is_dependency_url(call->url)))
        return "action '" + activity.name + "' (line " + std::to_string(activity.line) + ")";
    }
  return {};
}

RunResult run_experiment(const Experiment& experiment, Target& target, std::stop_token stop,
                         const RunOptions& options) {
  return ExperimentRun(experiment, target, std::move(stop), options).run();
}

}  // namespace srelab::experiment
