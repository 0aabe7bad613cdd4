// The runner against a hand-written target on a virtual clock: sleep() moves the clock at once
// and, while the background load runs, files one second of answers per virtual second into the
// phase book, fast or slow depending on what the runner has sent so far (slow once a fault was
// configured, fast again after the reset). Small experiments are parsed from YAML and run end to
// end: a hypothesis that holds, one that does not, a steady state that fails before anything is
// injected, a failing action, a stop in the middle of the injection (or of the baseline, or of a
// steady-state probe's wait), the guardrail's duration_s, settle, too few samples, state probes
// polling on the target's clock, metric probes on the timeline, GET arguments joining a query,
// dependency faults (their guardrail, and what the runner brings back after the rollbacks);
// which URLs count as remote, and which experiments order a dependency about.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <stop_token>
#include <string>
#include <vector>

#include "common/fake_load_plans.hpp"
#include "experiment/experiment_spec.hpp"
#include "experiment/runner.hpp"
#include "experiment/target.hpp"
#include "http/http_url.hpp"
#include "load/flag_values.hpp"
#include "load/load_report.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::experiment {

// Verdicts print by name in failure messages.
void PrintTo(Verdict verdict, std::ostream* out) {
  *out << to_string(verdict);
}

namespace {

namespace json = boost::json;

constexpr double kStartMs = 1796184600000.0;  // 2026-12-02T04:10:00Z

// What the background load's second sees of the system: whether a fault is configured, whether
// it was reset and how long ago.
struct Moment {
  double load_s = 0;  // the end of this second, from the load's start
  bool injected = false;
  bool reset = false;
  double since_reset_s = 0;
};

// One second of the background load: `answers` answers around `latency_s` (±10 %).
struct SecondShape {
  std::uint64_t answers = 0;
  double latency_s = 0.005;
  int status = 200;
  std::string source = "database";
};

constexpr double kFast = 0.005;
constexpr double kSlow = 0.200;

struct Sent {
  std::string method;
  std::string url;
  std::string body;
  double at_ms = 0;
};

class FakeTarget : public Target {
 public:
  explicit FakeTarget(std::stop_source& stop) : stop_(stop) {}

  // Scripted answers by "METHOD /path" (the query left out); anything else answers 200 {}.
  std::map<std::string, http::HttpAnswer> answers;
  // get_json's answers by path; a path without one fails.
  std::function<json::value(std::string_view path, const Moment&)> state;
  // The background load's seconds: by default `rate` answers a second, slow while a fault is set.
  std::function<SecondShape(const Moment&, std::uint64_t rate)> shape = [](const Moment& moment,
                                                                           std::uint64_t rate) {
    return SecondShape{rate, moment.injected && !moment.reset ? kSlow : kFast};
  };
  // Requests a stop this long after the first send to `path` ("POST /chaos/configure").
  std::optional<std::pair<std::string, double>> stop_after;

  std::vector<Sent> sent;
  bool load_started = false;
  bool load_stopped = false;
  std::optional<double> load_running_at_stop_ms;

  http::HttpAnswer send(const std::string& method, const std::string& url,
                        const std::map<std::string, std::string>&, std::string body,
                        double timeout_s) override {
    EXPECT_GT(timeout_s, 0);
    sent.push_back({method, url, body, now_ms_});
    const auto parsed = http::parse_http_url(url);
    std::string path = parsed ? parsed->target : url;
    path = path.substr(0, path.find('?'));
    const std::string key = method + " " + path;
    if (key == "POST /chaos/configure" && !injected_ms_) injected_ms_ = now_ms_;
    if (key == "POST /chaos/reset" && !reset_ms_) reset_ms_ = now_ms_;
    if (stop_after && stop_after->first == key && !stop_at_ms_)
      stop_at_ms_ = now_ms_ + stop_after->second * 1000;
    const auto found = answers.find(key);
    if (found != answers.end()) return found->second;
    http::HttpAnswer answer;
    answer.status = 200;
    answer.body = "{}";
    return answer;
  }

  json::value get_json(std::string_view path, std::string& error) override {
    json::value value = state ? state(path, moment()) : json::value(nullptr);
    if (value.is_null()) error = "GET " + std::string(path) + " answered 404";
    return value;
  }

  Timeline timeline(double) override { return timeline_; }
  std::vector<TraceSummary> slowest_traces(double, double, std::size_t) override { return {}; }
  std::string console_url() const override { return "http://127.0.0.1:8000/console"; }

  void start_load(const load::LoadPlan& plan, PhaseBook& book) override {
    EXPECT_FALSE(load_started) << "the background load starts once";
    load_started = true;
    book_ = &book;
    rate_ = plan.rate ? static_cast<std::uint64_t>(*plan.rate) : 10;
    load_start_ms_ = now_ms_;
    next_second_ms_ = now_ms_ + 1000;
  }

  load::LoadReport stop_load() override {
    load_stopped = true;
    book_ = nullptr;
    return {};
  }

  load::LoadReport run_load(const load::LoadPlan&, std::stop_token) override {
    ADD_FAILURE() << "no foreground load in these experiments";
    return {};
  }

  double wall_ms() const override { return now_ms_; }

  bool sleep(double seconds, std::stop_token stop) override {
    if (stop.stop_requested()) return false;
    const double until = now_ms_ + std::max(seconds, 0.0) * 1000;
    while (now_ms_ < until) {
      double next = until;
      if (book_) next = std::min(next, next_second_ms_);
      if (stop_at_ms_ && *stop_at_ms_ <= next) {
        now_ms_ = std::max(now_ms_, *stop_at_ms_);
        stop_at_ms_ = kNever;
        stop_.request_stop();
        return false;
      }
      now_ms_ = next;
      if (book_ && now_ms_ >= next_second_ms_) file_second();
    }
    return !stop.stop_requested();
  }

  Timeline timeline_;

 private:
  static constexpr double kNever = 1e300;

  Moment moment() const {
    Moment moment;
    moment.load_s = (now_ms_ - load_start_ms_) / 1000;
    moment.injected = injected_ms_.has_value();
    moment.reset = reset_ms_.has_value();
    moment.since_reset_s = reset_ms_ ? (now_ms_ - *reset_ms_) / 1000 : 0;
    return moment;
  }

  void file_second() {
    next_second_ms_ += 1000;
    const SecondShape shape_now = shape(moment(), rate_);
    load::SecondPoint point;
    point.elapsed_s = (now_ms_ - load_start_ms_) / 1000;
    point.tally.scheduled = point.tally.sent = shape_now.answers;
    for (std::uint64_t i = 0; i < shape_now.answers; ++i) {
      const double spread =
          shape_now.answers == 1 ? 0.5 : static_cast<double>(i) / (shape_now.answers - 1);
      cumulative_.observe(shape_now.latency_s * (0.9 + 0.2 * spread));
      point.tally.add_answer(shape_now.status, shape_now.source);
    }
    const telemetry::HistogramSnapshot snapshot = cumulative_.snapshot();
    point.latency = load::summarize(snapshot.since(previous_));
    point.overall = load::summarize(snapshot);
    previous_ = snapshot;
    book_->add(point, snapshot);
  }

  std::stop_source& stop_;
  double now_ms_ = kStartMs;
  PhaseBook* book_ = nullptr;
  std::uint64_t rate_ = 10;
  double load_start_ms_ = 0;
  double next_second_ms_ = 0;
  std::optional<double> injected_ms_;
  std::optional<double> reset_ms_;
  std::optional<double> stop_at_ms_;
  telemetry::Histogram cumulative_{load::latency_layout()};
  telemetry::HistogramSnapshot previous_;
};

// Load plans from the flags these experiments use, as the app's builder makes them.
std::optional<load::LoadPlan> build_plan(const std::map<std::string, std::string>& flags,
                                         std::string& error) {
  return testing::fake_load_plan(flags, error);
}

// The parts of a small experiment; each default is the db-latency experiment that holds.
struct Spec {
  std::string configuration = R"(  service_url: "http://127.0.0.1:8000")";
  std::string steady_state = R"(
    - type: probe
      name: p95 below 50 ms
      provider: {type: sre-lab, func: latency, arguments: {quantile: p95}}
      tolerance: {type: at-most, value: 0.05})";
  std::string method = R"(
  - type: action
    name: inject db latency
    provider:
      type: http
      url: ${service_url}/chaos/configure
      method: POST
      arguments: {db_latency_ms: 200}
      expected_status: 200
  - type: probe
    name: p95 rose
    provider: {type: sre-lab, func: latency, arguments: {quantile: p95}}
    tolerance: {type: rose}
  - type: probe
    name: no 5xx
    provider: {type: sre-lab, func: answers, arguments: {status: 5xx}}
    tolerance: {type: at-most, value: 0.01})";
  std::string rollbacks = R"(
  - type: action
    name: reset chaos
    provider: {type: http, url: "${service_url}/chaos/reset", method: POST})";
  std::string phases = "{baseline: 10, injection: 20, recovery: 20}";
  std::string rate = "50";

  std::string yaml() const {
    return "title: Database latency\nconfiguration:\n" + configuration +
           "\nsteady-state-hypothesis:\n  title: The service answers fast\n  probes:" +
           steady_state + "\nmethod:" + method + "\nrollbacks:" + rollbacks +
           "\nextensions:\n  - name: sre-lab\n    load: {rate: " + rate +
           "}\n    phases: " + phases + "\n";
  }
};

Experiment parse(const Spec& spec) {
  auto parsed = parse_experiment(spec.yaml(), "exp.yaml", {}, build_plan);
  EXPECT_TRUE(parsed.experiment) << parsed.error << "\n" << spec.yaml();
  return parsed.experiment ? std::move(*parsed.experiment) : Experiment{};
}

struct Outcome {
  RunResult result;
  std::vector<Progress> progress;
};

Outcome run(const Experiment& experiment, FakeTarget& target, std::stop_source& stop) {
  Outcome out;
  RunOptions options;
  options.version = "test";
  options.on_progress = [&](const Progress& progress) { out.progress.push_back(progress); };
  out.result = run_experiment(experiment, target, stop.get_token(), options);
  return out;
}

const json::object& extension(const json::object& journal) {
  return journal.at("extensions").as_array().at(0).as_object();
}

std::vector<std::string> sent_keys(const FakeTarget& target) {
  std::vector<std::string> keys;
  for (const auto& s : target.sent) {
    const auto url = http::parse_http_url(s.url);
    keys.push_back(s.method + " " + (url ? url->target : s.url));
  }
  return keys;
}

// The load's seconds in the journal, counted by phase.
std::map<std::string, int> seconds_by_phase(const json::object& journal) {
  std::map<std::string, int> counts;
  for (const auto& second : extension(journal).at("load").as_array())
    ++counts[std::string(second.at("phase").as_string())];
  return counts;
}

std::vector<std::string> phase_names(const json::object& journal) {
  std::vector<std::string> names;
  for (const auto& phase : extension(journal).at("phases").as_array())
    names.emplace_back(phase.at("name").as_string());
  return names;
}

const json::object* record_named(const json::array& records, const std::string& name) {
  for (const auto& record : records)
    if (record.at("activity").at("name") == name.c_str()) return &record.as_object();
  return nullptr;
}

// ---------------------------------------------------------------------------------------------

TEST(Runner, AHypothesisThatHolds) {
  std::stop_source stop;
  FakeTarget target(stop);
  const Experiment experiment = parse(Spec{});
  const Outcome done = run(experiment, target, stop);
  const RunResult& result = done.result;

  EXPECT_EQ(result.verdict, Verdict::held) << result.reason;
  EXPECT_EQ(exit_code(result.verdict), 0);
  EXPECT_EQ(to_string(result.verdict), "held");
  EXPECT_EQ(sent_keys(target),
            (std::vector<std::string>{"POST /chaos/configure", "POST /chaos/reset"}));
  EXPECT_TRUE(target.load_started);
  EXPECT_TRUE(target.load_stopped);

  const json::object& journal = result.journal;
  EXPECT_EQ(journal.at("status"), "completed");
  EXPECT_EQ(journal.at("deviated"), false);
  EXPECT_EQ(journal.at("start"), "2026-12-02T04:10:00.000000");
  EXPECT_EQ(journal.at("end"), "2026-12-02T04:10:50.000000");
  EXPECT_DOUBLE_EQ(journal.at("duration").as_double(), 50);
  EXPECT_EQ(journal.at("experiment"), experiment.written);
  const json::object& steady = journal.at("steady_states").as_object();
  EXPECT_EQ(steady.at("before").at("steady_state_met"), true);
  EXPECT_EQ(steady.at("after").at("steady_state_met"), true);
  const json::object& before = steady.at("before").at("probes").at(0).as_object();
  EXPECT_EQ(before.at("tolerance_met"), true);
  EXPECT_EQ(before.at("sre-lab").at("phase"), "baseline");
  EXPECT_EQ(before.at("sre-lab").at("samples"), 500u);  // 10 s at 50/s
  const json::object& after = steady.at("after").at("probes").at(0).as_object();
  EXPECT_EQ(after.at("sre-lab").at("phase"), "recovery");
  EXPECT_EQ(after.at("sre-lab").at("samples"), 1000u);  // 20 s at 50/s

  const json::array& method = journal.at("run").as_array();
  ASSERT_EQ(method.size(), 3u);
  EXPECT_EQ(method[0].at("status"), "succeeded");
  EXPECT_EQ(method[0].at("output").at("status"), 200);
  const json::object* rose = record_named(method, "p95 rose");
  ASSERT_TRUE(rose);
  EXPECT_EQ(rose->at("tolerance_met"), true);
  EXPECT_EQ(rose->at("sre-lab").at("phase"), "injection");
  EXPECT_EQ(rose->at("sre-lab").at("samples"), 1000u);
  ASSERT_EQ(journal.at("rollbacks").as_array().size(), 1u);
  EXPECT_EQ(journal.at("rollbacks").at(0).at("status"), "succeeded");

  const json::object& ours = extension(journal);
  EXPECT_EQ(ours.at("name"), "sre-lab");
  EXPECT_EQ(ours.at("verdict"), "held");
  EXPECT_EQ(ours.at("version"), "test");
  EXPECT_EQ(ours.at("service_url"), "http://127.0.0.1:8000");
  EXPECT_EQ(ours.at("load_url"), "http://127.0.0.1:8080");
  EXPECT_EQ(phase_names(journal), (std::vector<std::string>{"baseline", "injection", "recovery"}));
  double previous_end = 0;
  const double bounds[][2] = {{0, 10}, {10, 30}, {30, 50}};
  for (std::size_t i = 0; i < 3; ++i) {
    const json::value& phase = ours.at("phases").at(i);
    EXPECT_DOUBLE_EQ(phase.at("start").as_double(), bounds[i][0]);
    EXPECT_DOUBLE_EQ(phase.at("end").as_double(), bounds[i][1]);
    EXPECT_GE(phase.at("start").as_double(), previous_end);
    EXPECT_GT(phase.at("end").as_double(), phase.at("start").as_double());
    previous_end = phase.at("end").as_double();
    // Each phase carries its exact quantiles, for the reports' phase table.
    EXPECT_GT(phase.at("latency_s").at("answers").to_number<double>(), 0) << phase;
    EXPECT_GT(phase.at("latency_s").at("p95").to_number<double>(), 0) << phase;
  }
  EXPECT_EQ(seconds_by_phase(journal),
            (std::map<std::string, int>{{"baseline", 10}, {"injection", 20}, {"recovery", 20}}));
  // Each second is filed under the phase its time falls in.
  for (const auto& second : ours.at("load").as_array()) {
    const double t = second.at("t").as_double();
    const std::string phase(second.at("phase").as_string());
    EXPECT_EQ(phase, t <= 10 ? "baseline" : t <= 30 ? "injection" : "recovery") << t;
    EXPECT_EQ(second.at("answered"), 50u);
    EXPECT_NEAR(second.at("p95").as_double(), phase == "injection" ? kSlow : kFast, kSlow * 0.15);
  }

  ASSERT_FALSE(done.progress.empty());
  EXPECT_EQ(done.progress.front().phase, "baseline");
  EXPECT_EQ(done.progress.back().phase, "recovery");
  EXPECT_DOUBLE_EQ(done.progress.front().phase_left_s, 10);
}

TEST(Runner, AWrongHypothesisDeviates) {
  Spec spec;
  spec.method = R"(
  - type: action
    name: inject db latency
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST,
               arguments: {db_latency_ms: 200}}
  - type: probe
    name: p95 fell
    provider: {type: sre-lab, func: latency, arguments: {quantile: p95}}
    tolerance: {type: fell})";
  std::stop_source stop;
  FakeTarget target(stop);
  const RunResult result = run(parse(spec), target, stop).result;

  EXPECT_EQ(result.verdict, Verdict::deviated);
  EXPECT_EQ(exit_code(result.verdict), 1);
  EXPECT_NE(result.reason.find("'p95 fell'"), std::string::npos) << result.reason;
  EXPECT_NE(result.reason.find("injection"), std::string::npos) << result.reason;
  EXPECT_EQ(result.journal.at("deviated"), true);
  EXPECT_EQ(result.journal.at("status"), "completed");
  EXPECT_EQ(extension(result.journal).at("verdict"), "deviated");
  EXPECT_EQ(extension(result.journal).at("reason"), json::value(result.reason));
  const json::object* fell = record_named(result.journal.at("run").as_array(), "p95 fell");
  ASSERT_TRUE(fell);
  EXPECT_EQ(fell->at("tolerance_met"), false);
  EXPECT_EQ(fell->at("sre-lab").at("judgement"), "not_met");
  // The rest of the run still happened: the rollback and the steady state after it.
  EXPECT_EQ(sent_keys(target),
            (std::vector<std::string>{"POST /chaos/configure", "POST /chaos/reset"}));
  EXPECT_EQ(result.journal.at("steady_states").at("after").at("steady_state_met"), true);
}

TEST(Runner, SteadyStateNotMetBeforeMeansNothingIsInjected) {
  std::stop_source stop;
  FakeTarget target(stop);
  target.shape = [](const Moment&, std::uint64_t rate) { return SecondShape{rate, kSlow}; };
  const RunResult result = run(parse(Spec{}), target, stop).result;

  EXPECT_EQ(result.verdict, Verdict::failed);
  EXPECT_EQ(exit_code(result.verdict), 1);
  EXPECT_TRUE(target.sent.empty()) << "sent " << target.sent.front().url;
  EXPECT_TRUE(target.load_stopped);
  EXPECT_NE(result.reason.find("did not hold before the injection"), std::string::npos)
      << result.reason;
  EXPECT_NE(result.reason.find("p95"), std::string::npos) << result.reason;
  const json::object& journal = result.journal;
  EXPECT_EQ(journal.at("status"), "failed");
  EXPECT_EQ(journal.at("deviated"), false);
  EXPECT_EQ(journal.at("steady_states").at("before").at("steady_state_met"), false);
  EXPECT_TRUE(journal.at("steady_states").at("after").is_null());
  EXPECT_TRUE(journal.at("run").as_array().empty());
  EXPECT_TRUE(journal.at("rollbacks").as_array().empty());
  EXPECT_EQ(phase_names(journal), (std::vector<std::string>{"baseline"}));
  EXPECT_DOUBLE_EQ(journal.at("duration").as_double(), 10);
}

TEST(Runner, AFailingActionAbortsAndTheRollbacksStillRun) {
  Spec spec;
  spec.method += R"(
  - type: action
    name: leak memory
    provider: {type: http, url: "${service_url}/chaos/leak", method: POST})";
  std::stop_source stop;
  FakeTarget target(stop);
  http::HttpAnswer refused;
  refused.status = 422;
  refused.body = R"({"error": "db_latency_ms must be at most 10000"})";
  target.answers["POST /chaos/configure"] = refused;
  const RunResult result = run(parse(spec), target, stop).result;

  EXPECT_EQ(result.verdict, Verdict::aborted);
  EXPECT_EQ(exit_code(result.verdict), 1);
  EXPECT_NE(result.reason.find("'inject db latency'"), std::string::npos) << result.reason;
  EXPECT_NE(result.reason.find("422"), std::string::npos) << result.reason;
  // Nothing after the failed action, then the rollback.
  EXPECT_EQ(sent_keys(target),
            (std::vector<std::string>{"POST /chaos/configure", "POST /chaos/reset"}));
  EXPECT_TRUE(target.load_stopped);
  const json::object& journal = result.journal;
  EXPECT_EQ(journal.at("status"), "aborted");
  EXPECT_EQ(journal.at("deviated"), false);
  const json::array& method = journal.at("run").as_array();
  ASSERT_EQ(method.size(), 1u);  // the probes after it were never judged
  EXPECT_EQ(method[0].at("status"), "failed");
  EXPECT_EQ(method[0].at("output").at("status"), 422);
  EXPECT_EQ(method[0].at("output").at("body").at("error"), "db_latency_ms must be at most 10000");
  EXPECT_NE(std::string(method[0].at("exception").at(0).as_string()).find("expected 200"),
            std::string::npos);
  ASSERT_EQ(journal.at("rollbacks").as_array().size(), 1u);
  EXPECT_EQ(journal.at("rollbacks").at(0).at("status"), "succeeded");
  EXPECT_TRUE(journal.at("steady_states").at("after").is_null());
}

TEST(Runner, AStopDuringTheInjectionRunsTheRollbacksAndNothingElse) {
  Spec spec;
  spec.method += R"(
  - type: action
    name: leak memory
    provider: {type: http, url: "${service_url}/chaos/leak", method: POST}
    pauses: {before: 10})";
  std::stop_source stop;
  FakeTarget target(stop);
  target.stop_after = {"POST /chaos/configure", 5};  // Ctrl-C 5 s into the injection
  const RunResult result = run(parse(spec), target, stop).result;

  EXPECT_EQ(result.verdict, Verdict::interrupted);
  EXPECT_EQ(exit_code(result.verdict), 130);
  EXPECT_NE(result.reason.find("the rollbacks ran"), std::string::npos) << result.reason;
  ASSERT_EQ(sent_keys(target),
            (std::vector<std::string>{"POST /chaos/configure", "POST /chaos/reset"}));
  EXPECT_DOUBLE_EQ(target.sent[1].at_ms - target.sent[0].at_ms, 5000);
  EXPECT_TRUE(target.load_stopped);
  const json::object& journal = result.journal;
  EXPECT_EQ(journal.at("status"), "interrupted");
  EXPECT_EQ(journal.at("deviated"), false);
  EXPECT_DOUBLE_EQ(journal.at("duration").as_double(), 15);
  EXPECT_TRUE(journal.at("steady_states").at("after").is_null());
  ASSERT_EQ(journal.at("rollbacks").as_array().size(), 1u);
  EXPECT_EQ(journal.at("run").as_array().size(), 1u);  // the action; no probe was judged
  EXPECT_EQ(phase_names(journal), (std::vector<std::string>{"baseline", "injection", "recovery"}));
}

TEST(Runner, AStopDuringTheBaselineInjectsNothing) {
  std::stop_source stop;
  FakeTarget target(stop);
  target.shape = [&stop](const Moment& moment, std::uint64_t rate) {
    if (moment.load_s >= 4) stop.request_stop();
    return SecondShape{rate, kFast};
  };
  const RunResult result = run(parse(Spec{}), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::interrupted);
  EXPECT_EQ(exit_code(result.verdict), 130);
  EXPECT_NE(result.reason.find("nothing had been injected"), std::string::npos) << result.reason;
  EXPECT_TRUE(target.sent.empty());
  EXPECT_TRUE(target.load_stopped);
  EXPECT_EQ(result.journal.at("status"), "interrupted");
  EXPECT_TRUE(result.journal.at("steady_states").at("before").is_null());
}

TEST(Runner, GuardrailAddsDurationToFaultsWithoutOne) {
  Spec spec;
  spec.method = R"(
  - type: action
    name: inject db latency
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST,
               arguments: {db_latency_ms: 200}}
  - type: action
    name: fail the cache for 7 s
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST,
               arguments: {cache_fail: true, duration_s: 7}}
    pauses: {before: 5}
  - type: action
    name: null duration
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST,
               arguments: {db_fail_rate: 0.5, duration_s: null}}
    pauses: {before: 2.5}
  - type: action
    name: no arguments
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST})";
  std::stop_source stop;
  FakeTarget target(stop);
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::held) << result.reason;

  ASSERT_EQ(target.sent.size(), 5u);
  // 20 s of injection left, plus the 10 s margin.
  EXPECT_EQ(json::parse(target.sent[0].body),
            (json::value{{"db_latency_ms", 200}, {"duration_s", 30.0}}));
  // Given by the file: sent as written.
  EXPECT_EQ(json::parse(target.sent[1].body),
            (json::value{{"cache_fail", true}, {"duration_s", 7}}));
  // 12.5 s left at 7.5 s into the injection: rounded up.
  EXPECT_EQ(json::parse(target.sent[2].body),
            (json::value{{"db_fail_rate", 0.5}, {"duration_s", 23.0}}));
  EXPECT_EQ(json::parse(target.sent[3].body), (json::value{{"duration_s", 23.0}}));

  const json::array& method = result.journal.at("run").as_array();
  ASSERT_EQ(method.size(), 4u);
  EXPECT_EQ(method[0].at("output").at("duration_s_added"), 30.0);
  EXPECT_FALSE(method[1].at("output").as_object().contains("duration_s_added"));
  EXPECT_EQ(method[2].at("output").at("duration_s_added"), 23.0);
  EXPECT_EQ(method[3].at("output").at("duration_s_added"), 23.0);
}

TEST(Runner, GuardrailLeavesOtherCallsAlone) {
  Spec spec;
  spec.method = R"(
  - type: action
    name: configure by GET is no fault
    provider: {type: http, url: "${service_url}/chaos/configure", method: GET,
               arguments: {verbose: 1}}
  - type: action
    name: clear the cache
    provider: {type: http, url: "${service_url}/chaos/clear_cache", method: POST,
               arguments: {all: true}}
  - type: probe
    name: the configure endpoint answers
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST,
               arguments: {db_latency_ms: 0}}
    tolerance: 200)";
  std::stop_source stop;
  FakeTarget target(stop);
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::held) << result.reason;
  ASSERT_EQ(target.sent.size(), 4u);
  EXPECT_EQ(target.sent[0].url, "http://127.0.0.1:8000/chaos/configure?verbose=1");
  EXPECT_EQ(target.sent[0].body, "");
  EXPECT_EQ(json::parse(target.sent[1].body), (json::value{{"all", true}}));
  // Probes do not set faults: no guardrail for them.
  EXPECT_EQ(json::parse(target.sent[2].body), (json::value{{"db_latency_ms", 0}}));
}

// The first 3 s after the reset are still slow (the pool drains): `settle` leaves them out.
SecondShape slow_to_recover(const Moment& moment, std::uint64_t rate) {
  const bool slow = moment.injected && (!moment.reset || moment.since_reset_s <= 3);
  return SecondShape{rate, slow ? kSlow : kFast};
}

TEST(Runner, SettleLeavesTheFirstRecoverySecondsOut) {
  Spec spec;
  spec.phases = "{baseline: 10, injection: 20, recovery: 20, settle: 5}";
  std::stop_source stop;
  FakeTarget target(stop);
  target.shape = slow_to_recover;
  const RunResult result = run(parse(spec), target, stop).result;

  EXPECT_EQ(result.verdict, Verdict::held) << result.reason;
  const json::object& journal = result.journal;
  EXPECT_EQ(phase_names(journal),
            (std::vector<std::string>{"baseline", "injection", "settling", "recovery"}));
  EXPECT_EQ(seconds_by_phase(journal),
            (std::map<std::string, int>{
                {"baseline", 10}, {"injection", 20}, {"settling", 5}, {"recovery", 15}}));
  const json::object& after =
      journal.at("steady_states").at("after").at("probes").at(0).as_object();
  EXPECT_EQ(after.at("tolerance_met"), true);
  EXPECT_EQ(after.at("sre-lab").at("samples"), 750u);  // 15 s at 50/s
  const json::value& recovery = extension(journal).at("phases").at(3);
  EXPECT_DOUBLE_EQ(recovery.at("start").as_double(), 35);
  EXPECT_DOUBLE_EQ(recovery.at("end").as_double(), 50);
}

TEST(Runner, WithoutSettleTheSlowRecoveryDeviates) {
  std::stop_source stop;
  FakeTarget target(stop);
  target.shape = slow_to_recover;
  const RunResult result = run(parse(Spec{}), target, stop).result;

  EXPECT_EQ(result.verdict, Verdict::deviated);
  EXPECT_EQ(exit_code(result.verdict), 1);
  EXPECT_NE(result.reason.find("did not come back after the rollbacks"), std::string::npos)
      << result.reason;
  const json::object& journal = result.journal;
  EXPECT_EQ(journal.at("deviated"), true);
  EXPECT_EQ(journal.at("steady_states").at("after").at("steady_state_met"), false);
  EXPECT_EQ(phase_names(journal), (std::vector<std::string>{"baseline", "injection", "recovery"}));
}

TEST(Runner, TooFewSamplesAreInconclusive) {
  Spec spec;
  spec.rate = "1";  // 10 answers in the baseline, 20 in the injection
  std::stop_source stop;
  FakeTarget target(stop);
  const RunResult result = run(parse(spec), target, stop).result;

  EXPECT_EQ(result.verdict, Verdict::inconclusive) << result.reason;
  EXPECT_EQ(exit_code(result.verdict), 3);
  EXPECT_EQ(to_string(result.verdict), "inconclusive");
  EXPECT_EQ(result.journal.at("status"), "completed");
  EXPECT_EQ(result.journal.at("deviated"), false);
  const json::object& before =
      result.journal.at("steady_states").at("before").at("probes").at(0).as_object();
  EXPECT_EQ(before.at("sre-lab").at("judgement"), "inconclusive");
  EXPECT_EQ(before.at("sre-lab").at("samples"), 10u);
  // An inconclusive steady state does not stop the injection.
  EXPECT_EQ(sent_keys(target),
            (std::vector<std::string>{"POST /chaos/configure", "POST /chaos/reset"}));
}

TEST(Runner, StateProbesPollOnTheTargetsClock) {
  Spec spec;
  spec.method = R"(
  - type: action
    name: inject db latency
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST,
               arguments: {db_latency_ms: 200}}
  - type: probe
    name: breaker opens
    provider: {type: sre-lab, func: resilience,
               arguments: {field: circuit_breaker.state, within: 5}}
    tolerance: [OPEN, HALF_OPEN]
  - type: probe
    name: chaos says so
    provider: {type: sre-lab, func: chaos, arguments: {field: db_latency_ms}}
    tolerance: 200)";
  std::stop_source stop;
  FakeTarget target(stop);
  double injected_at = -1;
  target.state = [&](std::string_view path, const Moment& moment) -> json::value {
    if (path == "/chaos") return {{"db_latency_ms", moment.injected ? 200 : 0}};
    if (path != "/resilience") return nullptr;
    if (injected_at < 0) injected_at = moment.load_s;
    // The breaker opens two seconds after the first poll.
    const bool open = moment.load_s - injected_at >= 2;
    return {{"circuit_breaker", {{"state", open ? "OPEN" : "CLOSED"}}}};
  };
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::held) << result.reason;
  const json::object* breaker = record_named(result.journal.at("run").as_array(), "breaker opens");
  ASSERT_TRUE(breaker);
  EXPECT_EQ(breaker->at("output").at("value"), "OPEN");
  EXPECT_NEAR(breaker->at("output").at("waited_s").as_double(), 2, 1e-6);
  EXPECT_EQ(breaker->at("tolerance_met"), true);
  const json::object* chaos = record_named(result.journal.at("run").as_array(), "chaos says so");
  ASSERT_TRUE(chaos);
  EXPECT_EQ(chaos->at("tolerance_met"), true);
}

TEST(Runner, AStateProbeThatNeverHoldsDeviatesAfterItsWait) {
  Spec spec;
  spec.method = R"(
  - type: probe
    name: breaker opens
    provider: {type: sre-lab, func: resilience,
               arguments: {field: circuit_breaker.state, within: 3}}
    tolerance: OPEN)";
  std::stop_source stop;
  FakeTarget target(stop);
  target.state = [](std::string_view, const Moment&) -> json::value {
    return {{"circuit_breaker", {{"state", "CLOSED"}}}};
  };
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::deviated);
  EXPECT_NE(result.reason.find("'breaker opens'"), std::string::npos) << result.reason;
  const json::object* breaker = record_named(result.journal.at("run").as_array(), "breaker opens");
  ASSERT_TRUE(breaker);
  EXPECT_EQ(breaker->at("output").at("value"), "CLOSED");
  EXPECT_NEAR(breaker->at("output").at("waited_s").as_double(), 3, 0.1 + 1e-6);
}

TEST(Runner, MetricProbesReadTheTimelineOfTheirPhase) {
  Spec spec;
  spec.method = R"(
  - type: action
    name: inject db latency
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST,
               arguments: {db_latency_ms: 200}}
  - type: probe
    name: pool busier
    provider: {type: sre-lab, func: metric, arguments: {series: pool_active, statistic: max}}
    tolerance: {type: rose}
  - type: probe
    name: pool mean
    provider: {type: sre-lab, func: metric, arguments: {series: pool_active}}
    tolerance: {type: range, range: [7, 9]})";
  std::stop_source stop;
  FakeTarget target(stop);
  // One point a second over the whole run: 1 or 2 busy connections, 8 during the injection.
  for (int s = 1; s <= 50; ++s) {
    target.timeline_.time_ms.push_back(kStartMs + s * 1000);
    target.timeline_.values["pool_active"].push_back(s > 10 && s <= 30 ? 8 : 1 + s % 2);
  }
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::held) << result.reason;
  const json::array& method = result.journal.at("run").as_array();
  const json::object* busier = record_named(method, "pool busier");
  ASSERT_TRUE(busier);
  EXPECT_EQ(busier->at("tolerance_met"), true);
  EXPECT_EQ(busier->at("sre-lab").at("samples"), 20u);  // the injection's 20 points
  EXPECT_EQ(busier->at("output").at("value"), 8.0);
  const json::object* mean = record_named(method, "pool mean");
  ASSERT_TRUE(mean);
  EXPECT_EQ(mean->at("tolerance_met"), true);
  const json::object& timeline = extension(result.journal).at("timeline").as_object();
  EXPECT_EQ(timeline.at("time").as_array().size(), 50u);
}

// A point is sampled a little after its second ends; one sampled just after the baseline ended
// already shows the injection's first action, so it is the injection's, not the baseline's.
TEST(Runner, APointSampledAfterAPhaseEndedBelongsToTheNextPhase) {
  Spec spec;
  spec.method = R"(
  - type: probe
    name: leak grew
    provider: {type: sre-lab, func: metric, arguments: {series: memory_leak_bytes, statistic: max}}
    tolerance: {type: rose})";
  std::stop_source stop;
  FakeTarget target(stop);
  for (int s = 1; s <= 50; ++s) {
    const double sampled = kStartMs + s * 1000 + 300;
    target.timeline_.time_ms.push_back(sampled);
    const bool injected = sampled > kStartMs + 10'000 && sampled <= kStartMs + 30'300;
    target.timeline_.values["memory_leak_bytes"].push_back(injected ? 50.0 * (s - 9) : 0);
  }
  const RunResult result = run(parse(spec), target, stop).result;
  const json::object* grew = record_named(result.journal.at("run").as_array(), "leak grew");
  ASSERT_TRUE(grew);
  EXPECT_EQ(grew->at("tolerance_met"), true);
  EXPECT_EQ(grew->at("sre-lab").at("samples"), 20u);
  const std::string evidence(grew->at("sre-lab").at("evidence").as_string());
  EXPECT_NE(evidence.find("against 0 B in the baseline, over 20 and 9 points"), std::string::npos)
      << evidence;
}

TEST(Runner, GetArgumentsJoinAQueryAlreadyInTheUrl) {
  Spec spec;
  spec.method = R"(
  - type: action
    name: bulk test
    provider: {type: http, url: "${service_url}/products/bulk/test?requests=50", method: GET,
               arguments: {concurrency: 5, label: a b}})";
  std::stop_source stop;
  FakeTarget target(stop);
  run(parse(spec), target, stop);
  ASSERT_FALSE(target.sent.empty());
  EXPECT_EQ(target.sent[0].url,
            "http://127.0.0.1:8000/products/bulk/test?requests=50&concurrency=5&label=a%20b");
}

TEST(Runner, ReasonOfAFailedSteadyStateKeepsTheEvidenceWhateverTheProbesName) {
  Spec spec;
  spec.steady_state = R"(
    - type: probe
      name: "latency: p95 below 50 ms"
      provider: {type: sre-lab, func: latency, arguments: {quantile: p95}}
      tolerance: {type: at-most, value: 0.05})";
  std::stop_source stop;
  FakeTarget target(stop);
  target.shape = [](const Moment&, std::uint64_t rate) { return SecondShape{rate, kSlow}; };
  const RunResult result = run(parse(spec), target, stop).result;
  ASSERT_EQ(result.verdict, Verdict::failed);
  const json::value& before = result.journal.at("steady_states").at("before").at("probes").at(0);
  const std::string evidence(before.at("sre-lab").at("evidence").as_string());
  EXPECT_EQ(
      result.reason,
      "the steady state did not hold before the injection, so nothing was injected: " + evidence);
}

TEST(Runner, ReasonOfASlowRecoveryKeepsTheEvidenceWhateverTheProbesName) {
  Spec spec;
  spec.steady_state = R"(
    - type: probe
      name: "latency: p95 below 50 ms"
      provider: {type: sre-lab, func: latency, arguments: {quantile: p95}}
      tolerance: {type: at-most, value: 0.05})";
  std::stop_source stop;
  FakeTarget target(stop);
  target.shape = slow_to_recover;
  const RunResult result = run(parse(spec), target, stop).result;
  ASSERT_EQ(result.verdict, Verdict::deviated);
  const json::value& after = result.journal.at("steady_states").at("after").at("probes").at(0);
  const std::string evidence(after.at("sre-lab").at("evidence").as_string());
  EXPECT_EQ(result.reason, "the steady state did not come back after the rollbacks: " + evidence);
}

TEST(Runner, ASteadyStateProbeThatCannotReadItsFieldDoesNotHold) {
  Spec spec;
  spec.steady_state += R"(
    - type: probe
      name: breaker closed
      provider: {type: sre-lab, func: resilience, arguments: {field: circuit_breaker.state}}
      tolerance: CLOSED)";
  std::stop_source stop;
  FakeTarget target(stop);  // no state scripted: GET /resilience fails
  const RunResult result = run(parse(spec), target, stop).result;
  const json::value& before = result.journal.at("steady_states").at("before");
  EXPECT_EQ(before.at("steady_state_met"), false);
  EXPECT_EQ(before.at("probes").at(1).at("status"), "failed");
  // The journal says the steady state was not met: the verdict cannot say it held.
  EXPECT_EQ(result.verdict, Verdict::failed) << result.reason;
  EXPECT_NE(result.reason.find("GET /resilience answered 404"), std::string::npos) << result.reason;
  EXPECT_EQ(before.at("probes").at(1).at("tolerance_met"), false);
  EXPECT_TRUE(target.sent.empty());
}

TEST(Runner, AStopWhileASteadyStateProbeWaitsIsAnInterruption) {
  Spec spec;
  spec.steady_state += R"(
    - type: probe
      name: breaker closed
      provider: {type: sre-lab, func: resilience,
                 arguments: {field: circuit_breaker.state, within: 10}}
      tolerance: CLOSED)";
  std::stop_source stop;
  FakeTarget target(stop);
  target.state = [&stop](std::string_view, const Moment& moment) -> json::value {
    if (moment.load_s >= 12) stop.request_stop();  // Ctrl-C while the probe waits
    return {{"circuit_breaker", {{"state", "OPEN"}}}};
  };
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::interrupted) << result.reason;
  EXPECT_EQ(exit_code(result.verdict), 130);
  EXPECT_NE(result.reason.find("nothing had been injected"), std::string::npos) << result.reason;
  EXPECT_TRUE(target.sent.empty());
}

TEST(Runner, AStopWhileTheRecoveryProbeWaitsIsAnInterruption) {
  Spec spec;
  spec.steady_state += R"(
    - type: probe
      name: breaker closed
      provider: {type: sre-lab, func: resilience,
                 arguments: {field: circuit_breaker.state, within: 10}}
      tolerance: CLOSED)";
  std::stop_source stop;
  FakeTarget target(stop);
  target.state = [&stop](std::string_view, const Moment& moment) -> json::value {
    if (moment.load_s >= 52) stop.request_stop();  // Ctrl-C while the recovery probe waits
    return {{"circuit_breaker", {{"state", moment.reset ? "OPEN" : "CLOSED"}}}};
  };
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::interrupted) << result.reason;
  EXPECT_EQ(exit_code(result.verdict), 130);
  EXPECT_NE(result.reason.find("the rollbacks ran"), std::string::npos) << result.reason;
  EXPECT_EQ(result.journal.at("status"), "interrupted");
  EXPECT_EQ(sent_keys(target),
            (std::vector<std::string>{"POST /chaos/configure", "POST /chaos/reset"}));
}

// ---------------------------------------------------------------------------------------------
// dependency faults

std::vector<json::value> dependency_bodies(const FakeTarget& target) {
  std::vector<json::value> bodies;
  for (const auto& s : target.sent)
    if (s.url == "http://127.0.0.1:8000/chaos/dependency") bodies.push_back(json::parse(s.body));
  return bodies;
}

const std::string kPauseRedis = R"(
  - type: action
    name: pause redis
    provider: {type: sre-lab, func: dependency, arguments: {redis: pause}})";

// func: dependency is a POST to service_url's /chaos/dependency; a pause or a stop without
// duration_s gets the guardrail (an http action on that path too), a kill or a stated duration
// is sent as written; a rollback that resumes leaves the runner nothing to undo.
TEST(Runner, DependencyActionsPostToTheServiceWithAGuardrail) {
  Spec spec;
  spec.method = kPauseRedis + R"(
  - type: action
    name: stop postgres for 5 s
    provider: {type: sre-lab, func: dependency, arguments: {postgres: stop, duration_s: 5}}
    pauses: {before: 5}
  - type: action
    name: kill redis
    provider: {type: sre-lab, func: dependency, arguments: {redis: kill}}
  - type: action
    name: pause postgres by hand
    provider: {type: http, url: "${service_url}/chaos/dependency", method: POST,
               arguments: {postgres: pause}})";
  spec.rollbacks = R"(
  - type: action
    name: resume postgres
    provider: {type: sre-lab, func: dependency, arguments: {postgres: resume}})";
  std::stop_source stop;
  FakeTarget target(stop);
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::held) << result.reason;

  EXPECT_EQ(dependency_bodies(target),
            (std::vector<json::value>{{{"redis", "pause"}, {"duration_s", 30.0}},
                                      {{"postgres", "stop"}, {"duration_s", 5.0}},
                                      {{"redis", "kill"}},
                                      {{"postgres", "pause"}, {"duration_s", 25.0}},
                                      {{"postgres", "resume"}}}));
  const json::array& method = result.journal.at("run").as_array();
  ASSERT_EQ(method.size(), 4u);
  EXPECT_EQ(method[0].at("status"), "succeeded");
  EXPECT_EQ(method[0].at("output").at("duration_s_added"), 30.0);
  EXPECT_EQ(method[0].at("output").at("status"), 200);
  EXPECT_EQ(method[0].at("activity").at("provider").at("func"), "dependency");
  EXPECT_FALSE(method[1].at("output").as_object().contains("duration_s_added"));
  EXPECT_FALSE(method[2].at("output").as_object().contains("duration_s_added"));
  // Redis was killed last (up restarts it), Postgres resumed by the file: nothing to undo.
  EXPECT_EQ(result.journal.at("rollbacks").as_array().size(), 1u);
}

// Whatever the rollbacks forgot: the runner resumes what was left paused and starts what was
// left stopped, after the file's rollbacks, each a rollback of its own in the journal.
TEST(Runner, TheRunnerBringsBackWhatTheExperimentLeftDown) {
  Spec spec;
  spec.method = R"(
  - type: action
    name: pause redis, stop postgres
    provider: {type: sre-lab, func: dependency, arguments: {redis: pause, postgres: stop}}
  - type: action
    name: pause redis again by hand
    provider: {type: http, url: "${service_url}/chaos/dependency", method: POST,
               arguments: {redis: pause, duration_s: 60}})";
  std::stop_source stop;
  FakeTarget target(stop);
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::held) << result.reason;

  EXPECT_EQ(sent_keys(target),
            (std::vector<std::string>{"POST /chaos/dependency", "POST /chaos/dependency",
                                      "POST /chaos/reset", "POST /chaos/dependency",
                                      "POST /chaos/dependency"}));
  const auto bodies = dependency_bodies(target);
  ASSERT_EQ(bodies.size(), 4u);
  EXPECT_EQ(bodies[2], (json::value{{"postgres", "start"}}));
  EXPECT_EQ(bodies[3], (json::value{{"redis", "resume"}}));
  const json::array& rollbacks = result.journal.at("rollbacks").as_array();
  ASSERT_EQ(rollbacks.size(), 3u);
  EXPECT_EQ(rollbacks[0].at("activity").at("name"), "reset chaos");
  EXPECT_EQ(rollbacks[1].at("activity").at("name"),
            "start postgres (the experiment left it stopped)");
  EXPECT_EQ(rollbacks[1].at("activity").at("provider").at("arguments"),
            (json::value{{"postgres", "start"}}));
  EXPECT_EQ(rollbacks[1].at("activity").at("sre-lab").at("added_by_the_runner"), true);
  EXPECT_EQ(rollbacks[1].at("status"), "succeeded");
  EXPECT_EQ(rollbacks[2].at("activity").at("name"), "resume redis (the experiment left it paused)");
}

// A Ctrl-C in the injection still brings the paused dependency back.
TEST(Runner, AStopAfterAPauseStillResumes) {
  Spec spec;
  spec.method = kPauseRedis + R"(
  - type: action
    name: slow the database
    provider: {type: http, url: "${service_url}/chaos/configure", method: POST}
    pauses: {before: 2})";
  std::stop_source stop;
  FakeTarget target(stop);
  target.stop_after = {"POST /chaos/dependency", 1};
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::interrupted);
  EXPECT_EQ(sent_keys(target),
            (std::vector<std::string>{"POST /chaos/dependency", "POST /chaos/reset",
                                      "POST /chaos/dependency"}));
  EXPECT_EQ(dependency_bodies(target).back(), (json::value{{"redis", "resume"}}));
}

// Refused (a service without `up` answers 409): the run aborts with the service's reason, and
// what was never paused is not resumed.
TEST(Runner, ARefusedDependencyActionAbortsWithTheServicesReason) {
  Spec spec;
  spec.method = kPauseRedis;
  std::stop_source stop;
  FakeTarget target(stop);
  http::HttpAnswer refused;
  refused.status = 409;
  refused.body = R"({"error": "Conflict", "detail": "dependency faults need sre-lab up"})";
  target.answers["POST /chaos/dependency"] = refused;
  const RunResult result = run(parse(spec), target, stop).result;
  EXPECT_EQ(result.verdict, Verdict::aborted);
  EXPECT_NE(result.reason.find("'pause redis' failed: POST "
                               "http://127.0.0.1:8000/chaos/dependency answered 409, expected "
                               "200: dependency faults need sre-lab up"),
            std::string::npos)
      << result.reason;
  EXPECT_EQ(sent_keys(target),
            (std::vector<std::string>{"POST /chaos/dependency", "POST /chaos/reset"}));
}

TEST(FirstDependencyAction, NamesTheFirstActionThatOrdersADependencyAbout) {
  EXPECT_EQ(first_dependency_action(parse(Spec{})), "");
  Spec by_func;
  by_func.rollbacks += R"(
  - type: action
    name: start postgres
    provider: {type: sre-lab, func: dependency, arguments: {postgres: start}})";
  const Experiment with_func = parse(by_func);
  EXPECT_EQ(first_dependency_action(with_func),
            "action 'start postgres' (line " + std::to_string(with_func.rollbacks[1].line) + ")");
  Spec by_http;
  by_http.method += R"(
  - type: action
    name: kill redis by hand
    provider: {type: http, url: "${service_url}/chaos/dependency", method: POST,
               arguments: {redis: kill}})";
  EXPECT_NE(first_dependency_action(parse(by_http)).find("'kill redis by hand'"),
            std::string::npos);
  Spec reading;  // GET /chaos/dependency only reads the supervisor's view
  reading.method += R"(
  - type: probe
    name: supervised
    provider: {type: http, url: "${service_url}/chaos/dependency"}
    tolerance: 200)";
  EXPECT_EQ(first_dependency_action(parse(reading)), "");
}

// ---------------------------------------------------------------------------------------------
// remote_targets

TEST(RemoteTargets, ListsWhatIsNotOnLoopback) {
  const auto experiment_at = [](const std::string& service, const std::string& load,
                                const std::string& extra_url) {
    Spec spec;
    spec.configuration = "  service_url: \"" + service + "\"\n  load_url: \"" + load + "\"";
    spec.rollbacks += R"(
  - type: action
    name: elsewhere
    provider: {type: http, url: ")" +
                      extra_url + R"(", method: POST})";
    return parse(spec);
  };
  struct Case {
    const char* service;
    const char* load;
    const char* extra;
    std::vector<std::string> remote;
  } cases[] = {
      {"http://127.0.0.1:8000", "http://127.0.0.1:8080", "http://127.0.0.1:9000/x", {}},
      {"http://localhost:8000", "http://localhost:8080", "http://localhost/x", {}},
      {"http://[::1]:8000", "http://[::1]:8080", "http://[::1]:9000/x", {}},
      {"http://127.0.0.2:8000", "http://127.0.0.1:8080", "http://127.9.9.9/x", {}},
      {"http://10.0.0.5:8000",
       "http://127.0.0.1:8080",
       "http://127.0.0.1:9000/x",
       {"http://10.0.0.5:8000"}},
      {"http://127.0.0.1:8000",
       "http://shop.example.com:8080",
       "http://192.168.1.20/x",
       {"http://shop.example.com:8080", "http://192.168.1.20/x"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.service);
    const std::string remote = remote_targets(experiment_at(c.service, c.load, c.extra));
    if (c.remote.empty()) {
      EXPECT_EQ(remote, "");
      continue;
    }
    for (const auto& url : c.remote) EXPECT_NE(remote.find(url), std::string::npos) << remote;
    EXPECT_EQ(remote.find("127.0.0.1"), std::string::npos) << remote;
  }
}

TEST(RemoteTargets, TheServiceUrlCountsWithoutAnyActivityUsingIt) {
  Spec spec;
  spec.configuration = R"(  service_url: "http://203.0.113.7:8000")";
  spec.method = R"(
  - type: probe
    name: p95
    provider: {type: sre-lab, func: latency}
    tolerance: {type: at-most, value: 1})";
  spec.rollbacks = " []";
  EXPECT_EQ(remote_targets(parse(spec)), "http://203.0.113.7:8000");
}

TEST(Verdicts, ExitCodesAndNames) {
  const struct {
    Verdict verdict;
    const char* name;
    int code;
  } cases[] = {{Verdict::held, "held", 0},
               {Verdict::deviated, "deviated", 1},
               {Verdict::inconclusive, "inconclusive", 3},
               {Verdict::failed, "failed", 1},
               {Verdict::aborted, "aborted", 1},
               {Verdict::interrupted, "interrupted", 130}};
  for (const auto& c : cases) {
    EXPECT_EQ(to_string(c.verdict), c.name);
    EXPECT_EQ(exit_code(c.verdict), c.code);
  }
}

}  // namespace
}  // namespace srelab::experiment
