// An experiment as its file states it, parsed and checked: the Chaos Toolkit experiment format
// (title, description, tags, configuration, steady-state-hypothesis, method, rollbacks) with
// CTK's `http` provider and sre-lab's own providers (`type: sre-lab`: a load run, latency and
// answer-share probes on the load's samples, a metric probe on the console's timeline, state
// probes on /resilience and /chaos, a dependency fault), and the sre-lab extension that says which
// background load runs and how long each phase lasts. docs/experiments.md documents every field.
//
// parse_experiment() reads JSON or YAML (both through yaml-cpp, so that every error names its
// line), substitutes ${name} from the configuration (a whole-string reference keeps the value's
// type), and rejects unknown fields by name and line. The runner (experiment/runner) and the
// report writers take only this finalized form.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "load/load_plan.hpp"

namespace srelab::experiment {

// How a probe's output is judged (CTK's tolerance, plus sre-lab's statistical kinds).
struct Tolerance {
  enum class Kind {
    equals,    // CTK scalar (bool, number, string): the output (http probe: its status) equals it
    one_of,    // CTK list: the output equals one of `expected`'s elements
    range,     // CTK {type: range, range: [low, high], target?}: low <= value <= high
    regex,     // CTK {type: regex, pattern, target?}: the output (or its target) matches
    at_least,  // sre-lab {type: at-least, value}: the statistic's interval lies at or above value
    at_most,   // sre-lab {type: at-most, value}: ... at or below value
    rose,      // sre-lab {type: rose}: this phase's samples are larger than the baseline's
    fell,      // sre-lab {type: fell}: ... smaller than the baseline's
  };
  Kind kind = Kind::equals;
  boost::json::value expected;  // equals: the scalar; one_of: an array of scalars
  double low = 0, high = 0;     // range
  double value = 0;             // at_least, at_most
  std::string pattern;          // regex (ECMAScript syntax)
  std::string target;           // range, regex on an http probe: "status" or "body"; else empty
  int line = 0;
};

// CTK's http provider. GET sends `arguments` as the query string, other methods as a JSON body.
struct HttpCall {
  std::string url;  // absolute http:// URL (after substitution)
  std::string method = "GET";
  std::map<std::string, std::string> headers;
  boost::json::value arguments;  // null, or an object
  double timeout_s = 30;
  std::optional<int> expected_status;  // the call fails when the status differs
};

// sre-lab's providers. `of` names the samples a probe reads: empty for the phase's background
// load, or the name of a `load` action or a bulk test (an http action on
// /products/bulk/test) run earlier in the same list; activities sharing that name add up.
// `against` names the samples rose / fell compare with: empty for the baseline phase.
struct LoadCall {  // func: load — a load run in the foreground, arguments as `sre-lab load`'s flags
  load::LoadPlan plan;
};
struct LatencyProbe {  // func: latency — a latency quantile of the answers, in seconds
  double quantile = 0.95;
  std::string of;
  std::string against;
};
struct AnswersProbe {  // func: answers — the share (0..1) of the requests whose answer matches
  std::optional<int> status;          // e.g. 503
  std::optional<int> status_class;    // 2..5, written "5xx"
  std::optional<std::string> source;  // the body's "source", e.g. fallback_emergency
  bool failed = false;                // true: no answer at all, or a status outside 2xx/3xx
  std::string of;
  std::string against;
};
struct MetricProbe {  // func: metric — a console timeline series over the phase
  enum class Statistic { last, first, min, max, mean, increase };
  std::string series;  // a key of console::kSeries, e.g. pool_active, gateway_latency_p95
  Statistic statistic = Statistic::mean;
};
struct StateProbe {  // func: resilience | chaos — a field of GET /resilience or GET /chaos
  enum class Endpoint { resilience, chaos };
  Endpoint endpoint = Endpoint::resilience;
  std::string field;    // dotted path into the answer, e.g. "circuit_breaker.state"
  double within_s = 0;  // > 0: polled every 100 ms until the tolerance holds or this passes
};

// func: dependency — POST /chaos/dependency on service_url (under `sre-lab up`): kill, stop,
// start, pause or resume Redis and/or Postgres.
struct DependencyCall {
  std::vector<std::pair<std::string, std::string>> actions;  // ("redis", "pause"); redis first
  std::optional<double> duration_s;  // the guardrail; none: the runner adds one to a pause/stop
};

using Provider = std::variant<HttpCall, LoadCall, LatencyProbe, AnswersProbe, MetricProbe,
                              StateProbe, DependencyCall>;

struct Activity {
  enum class Type { action, probe };
  Type type = Type::action;
  std::string name;
  Provider provider;
  std::optional<Tolerance> tolerance;  // probes only; required in the steady-state hypothesis
  double pause_before_s = 0;
  double pause_after_s = 0;
  boost::json::value written;  // the activity as written, after substitution: for the journal
  int line = 0;
};

struct SteadyStateHypothesis {
  std::string title;
  std::vector<Activity> probes;
};

// The sre-lab extension: the background load under every phase and the phases' lengths.
struct Phases {
  double warmup_s = 0;      // load before the baseline, judged by nothing: a cold cache fills
  double baseline_s = 10;   // load before the method: the steady state is judged on it
  double injection_s = 20;  // from the method's first action: its probes are judged on it
  double recovery_s = 20;   // from the rollbacks: the steady state is judged again on it...
  double settle_s = 0;      // ...leaving out its first settle_s seconds
};

// The sre-lab extension's `variants`: the experiment runs once per variant, its configuration
// overridden by the variant's vars, and the reports put the runs side by side.
struct Variant {
  std::string name;
  std::map<std::string, std::string> vars;  // configuration entry → value, as --var takes it
};

struct Experiment {
  std::string title;
  std::string description;
  std::vector<std::string> tags;
  boost::json::object configuration;  // after --var overrides
  std::optional<SteadyStateHypothesis> steady_state;
  std::vector<Activity> method;
  std::vector<Activity> rollbacks;
  // The sre-lab extension's `before`: actions that prepare the lab before the load starts (e.g.
  // clear the cache, so that its entries' age, and so when they expire, is the run's own).
  std::vector<Activity> before;
  std::optional<load::LoadPlan> load;  // the background load; none: phases run without one
  Phases phases;
  std::vector<Variant> variants;
  std::string service_url;     // configuration `service_url`, default http://127.0.0.1:8000
  boost::json::value written;  // the whole file as JSON, after substitution: for the journal
};

// Turns a load provider's arguments (flag name → text, e.g. "rate" → "150") into a plan, or an
// error naming the flag; the app supplies it (the same checks as `sre-lab load`'s flags).
using LoadPlanBuilder = std::function<std::optional<load::LoadPlan>(
    const std::map<std::string, std::string>& flags, std::string& error)>;

struct ParseResult {
  std::optional<Experiment> experiment;
  std::string error;  // "FILE:LINE: what is wrong" when experiment is empty
};

// `text` is the file's content, `file_name` only names it in errors. `vars` override
// configuration entries (CTK's --var); a var naming no entry is an error.
ParseResult parse_experiment(std::string_view text, std::string_view file_name,
                             const std::map<std::string, std::string>& vars,
                             const LoadPlanBuilder& build_plan);

}  // namespace srelab::experiment
