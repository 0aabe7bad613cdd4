// parse_experiment(): every field of the Chaos Toolkit format and of sre-lab's providers, read
// from YAML and from JSON alike; ${name} substitution and --var overrides; refs; and a table of
// bad files, each with the line its error must name. Load plans come from a fake builder that
// knows the flags rate, duration, ids and target.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <charconv>
#include <map>
#include <string>
#include <vector>

#include "common/fake_load_plans.hpp"
#include "experiment/experiment_spec.hpp"
#include "load/flag_values.hpp"

namespace srelab::experiment {
namespace {

using namespace std::chrono_literals;

// Builds plans from the flags it knows, as the app's builder does from all of them; keeps every
// call's flags for the tests to look at.
struct FakePlans {
  std::vector<std::map<std::string, std::string>> calls;

  LoadPlanBuilder builder() {
    return [this](const std::map<std::string, std::string>& flags, std::string& error) {
      calls.push_back(flags);
      return build(flags, error);
    };
  }

  static std::optional<load::LoadPlan> build(const std::map<std::string, std::string>& flags,
                                             std::string& error) {
    return testing::fake_load_plan(flags, error);
  }
};

ParseResult parse(std::string_view text, const std::map<std::string, std::string>& vars = {}) {
  FakePlans plans;
  return parse_experiment(text, "exp.yaml", vars, plans.builder());
}

Experiment parse_ok(std::string_view text, const std::map<std::string, std::string>& vars = {}) {
  auto result = parse(text, vars);
  EXPECT_TRUE(result.experiment) << result.error;
  return result.experiment ? std::move(*result.experiment) : Experiment{};
}

// Everything parse_experiment() typed, as JSON: two files that mean the same give the same text.
boost::json::value typed(const load::LoadPlan& plan) {
  return {{"target", plan.target.text()},
          {"rate", plan.rate ? boost::json::value(*plan.rate) : nullptr},
          {"duration_ms", plan.duration.count()},
          {"ids", plan.ids.text()}};
}

boost::json::value typed(const Tolerance& t) {
  return {{"kind", static_cast<int>(t.kind)},
          {"expected", t.expected},
          {"low", t.low},
          {"high", t.high},
          {"value", t.value},
          {"pattern", t.pattern},
          {"target", t.target},
          {"line", t.line}};
}

boost::json::value typed(const Provider& provider) {
  if (const auto* http = std::get_if<HttpCall>(&provider)) {
    boost::json::object headers;
    for (const auto& [name, value] : http->headers) headers[name] = value;
    return {{"http", http->url},
            {"method", http->method},
            {"headers", headers},
            {"arguments", http->arguments},
            {"timeout", http->timeout_s},
            {"expected_status",
             http->expected_status ? boost::json::value(*http->expected_status) : nullptr}};
  }
  if (const auto* load = std::get_if<LoadCall>(&provider)) return {{"load", typed(load->plan)}};
  if (const auto* latency = std::get_if<LatencyProbe>(&provider))
    return {{"latency", latency->quantile}, {"of", latency->of}};
  if (const auto* answers = std::get_if<AnswersProbe>(&provider)) {
    return {{"answers", answers->status.value_or(0)},
            {"class", answers->status_class.value_or(0)},
            {"source", answers->source.value_or("-")},
            {"failed", answers->failed},
            {"of", answers->of}};
  }
  if (const auto* metric = std::get_if<MetricProbe>(&provider))
    return {{"metric", metric->series}, {"statistic", static_cast<int>(metric->statistic)}};
  const auto& state = std::get<StateProbe>(provider);
  return {{"state", static_cast<int>(state.endpoint)},
          {"field", state.field},
          {"within", state.within_s}};
}

boost::json::value typed(const std::vector<Activity>& activities) {
  boost::json::array array;
  for (const auto& a : activities) {
    array.push_back({{"type", static_cast<int>(a.type)},
                     {"name", a.name},
                     {"provider", typed(a.provider)},
                     {"tolerance", a.tolerance ? typed(*a.tolerance) : nullptr},
                     {"before", a.pause_before_s},
                     {"after", a.pause_after_s},
                     {"written", a.written},
                     {"line", a.line}});
  }
  return array;
}

std::string typed(const Experiment& e) {
  boost::json::array tags(e.tags.begin(), e.tags.end());
  boost::json::value value = {
      {"title", e.title},
      {"description", e.description},
      {"tags", tags},
      {"configuration", e.configuration},
      {"steady_state", e.steady_state
                           ? boost::json::value{{"title", e.steady_state->title},
                                                {"probes", typed(e.steady_state->probes)}}
                           : nullptr},
      {"method", typed(e.method)},
      {"rollbacks", typed(e.rollbacks)},
      {"load", e.load ? typed(*e.load) : nullptr},
      {"phases",
       {e.phases.warmup_s, e.phases.baseline_s, e.phases.injection_s, e.phases.recovery_s,
        e.phases.settle_s}},
      {"service_url", e.service_url},
      {"written", e.written}};
  return boost::json::serialize(value);
}

// Every field, in YAML; kFullJson below is the same experiment, line for line where it can be.
constexpr std::string_view kFullYaml = R"(version: "1.0.0"
title: Database latency opens the breaker
description: Three seconds of DB latency; the breaker opens and fallbacks answer.
tags: [db, breaker]
contributions:
  availability: high
configuration:
  rate: 150
  latency_ms: 3000
  dry: false
  service_url: "http://127.0.0.1:9000"
  label: catalog
steady-state-hypothesis:
  title: The service answers fast
  probes:
    - type: probe
      name: p95 below 50 ms
      provider:
        type: sre-lab
        func: latency
        arguments:
          quantile: p95
      tolerance:
        type: at-most
        value: 0.05
    - type: probe
      name: health
      provider:
        type: http
        url: ${service_url}/healthz
        method: get
        headers:
          Accept: application/json
        timeout: [1, 2.5]
        expected_status: 200
      tolerance: 200
method:
  - type: action
    name: inject db latency
    provider:
      type: http
      url: ${service_url}/chaos/configure
      method: POST
      arguments:
        db_latency_ms: ${latency_ms}
        label: ${label}-run
        dry: ${dry}
    pauses:
      before: 1
      after: 2.5
  - type: action
    name: burst
    provider:
      type: sre-lab
      func: load
      arguments:
        rate: ${rate}
        duration: 30s
        ids: "uniform:1-100"
  - type: probe
    name: burst p99
    provider:
      type: sre-lab
      func: latency
      arguments: {quantile: 0.99, of: burst}
    tolerance: {type: range, range: [0, 3.5]}
  - type: probe
    name: fallbacks
    provider:
      type: sre-lab
      func: answers
      arguments: {source: fallback_emergency, of: burst}
    tolerance: {type: at-least, value: 0.5}
  - type: probe
    name: 5xx share
    provider: {type: sre-lab, func: answers, arguments: {status: 5xx}}
    tolerance: {type: at-most, value: 0.01}
  - type: probe
    name: pool busy
    provider: {type: sre-lab, func: metric, arguments: {series: pool_active, statistic: max}}
    tolerance: {type: rose}
  - type: probe
    name: breaker open
    provider: {type: sre-lab, func: resilience, arguments: {field: circuit_breaker.state, within: 5}}
    tolerance: [OPEN, HALF_OPEN]
  - type: probe
    name: chaos latency
    provider: {type: sre-lab, func: chaos, arguments: {field: db_latency_ms}}
    tolerance: {type: regex, pattern: "^[0-9]+$"}
  - ref: health
rollbacks:
  - type: action
    name: clear chaos
    provider:
      type: http
      url: ${service_url}/chaos/configure
      method: POST
      arguments: {db_latency_ms: 0}
  - type: action
    name: answers again
    provider: {type: http, url: "${service_url}/products/1", timeout: 2,
               expected_status: 200}
  - ref: clear chaos
extensions:
  - name: sre-lab
    load: {rate: "${rate}", duration: 2m}
    phases: {warmup: 3, baseline: 5, injection: 20, recovery: 15, settle: 2}
  - name: someone-else
    anything: [1, 2]
)";

constexpr std::string_view kFullJson = R"({"version": "1.0.0",
"title": "Database latency opens the breaker",
"description": "Three seconds of DB latency; the breaker opens and fallbacks answer.",
"tags": ["db", "breaker"],
"contributions": {
  "availability": "high"},
"configuration": {
  "rate": 150,
  "latency_ms": 3000,
  "dry": false,
  "service_url": "http://127.0.0.1:9000",
  "label": "catalog"},
"steady-state-hypothesis": {
  "title": "The service answers fast",
  "probes": [
    { "type": "probe",
      "name": "p95 below 50 ms",
      "provider": {
        "type": "sre-lab",
        "func": "latency",
        "arguments": {
          "quantile": "p95"}},
      "tolerance": {
        "type": "at-most",
        "value": 0.05}},
    { "type": "probe",
      "name": "health",
      "provider": {
        "type": "http",
        "url": "${service_url}/healthz",
        "method": "get",
        "headers": {
          "Accept": "application/json"},
        "timeout": [1, 2.5],
        "expected_status": 200},
      "tolerance": 200}]},
"method": [
  { "type": "action",
    "name": "inject db latency",
    "provider": {
      "type": "http",
      "url": "${service_url}/chaos/configure",
      "method": "POST",
      "arguments": {
        "db_latency_ms": "${latency_ms}",
        "label": "${label}-run",
        "dry": "${dry}"}},
    "pauses": {
      "before": 1,
      "after": 2.5}},
  { "type": "action",
    "name": "burst",
    "provider": {
      "type": "sre-lab",
      "func": "load",
      "arguments": {
        "rate": "${rate}",
        "duration": "30s",
        "ids": "uniform:1-100"}}},
  { "type": "probe",
    "name": "burst p99",
    "provider": {
      "type": "sre-lab",
      "func": "latency",
      "arguments": {"quantile": 0.99, "of": "burst"}},
    "tolerance": {"type": "range", "range": [0, 3.5]}},
  { "type": "probe",
    "name": "fallbacks",
    "provider": {
      "type": "sre-lab",
      "func": "answers",
      "arguments": {"source": "fallback_emergency", "of": "burst"}},
    "tolerance": {"type": "at-least", "value": 0.5}},
  { "type": "probe",
    "name": "5xx share",
    "provider": {"type": "sre-lab", "func": "answers", "arguments": {"status": "5xx"}},
    "tolerance": {"type": "at-most", "value": 0.01}},
  { "type": "probe",
    "name": "pool busy",
    "provider": {"type": "sre-lab", "func": "metric", "arguments": {"series": "pool_active", "statistic": "max"}},
    "tolerance": {"type": "rose"}},
  { "type": "probe",
    "name": "breaker open",
    "provider": {"type": "sre-lab", "func": "resilience", "arguments": {"field": "circuit_breaker.state", "within": 5}},
    "tolerance": ["OPEN", "HALF_OPEN"]},
  { "type": "probe",
    "name": "chaos latency",
    "provider": {"type": "sre-lab", "func": "chaos", "arguments": {"field": "db_latency_ms"}},
    "tolerance": {"type": "regex", "pattern": "^[0-9]+$"}},
  { "ref": "health"}],
"rollbacks": [
  { "type": "action",
    "name": "clear chaos",
    "provider": {
      "type": "http",
      "url": "${service_url}/chaos/configure",
      "method": "POST",
      "arguments": {"db_latency_ms": 0}}},
  { "type": "action",
    "name": "answers again",
    "provider": {"type": "http", "url": "${service_url}/products/1", "timeout": 2,
                 "expected_status": 200}},
  { "ref": "clear chaos"}],
"extensions": [
  { "name": "sre-lab",
    "load": {"rate": "${rate}", "duration": "2m"},
    "phases": {"warmup": 3, "baseline": 5, "injection": 20, "recovery": 15, "settle": 2}},
  { "name": "someone-else",
    "anything": [1, 2]}]
}
)";

TEST(ExperimentSpec, ReadsEveryField) {
  FakePlans plans;
  auto result = parse_experiment(kFullYaml, "full.yaml", {}, plans.builder());
  ASSERT_TRUE(result.experiment) << result.error;
  const Experiment& e = *result.experiment;
  EXPECT_EQ(e.title, "Database latency opens the breaker");
  EXPECT_EQ(e.description, "Three seconds of DB latency; the breaker opens and fallbacks answer.");
  EXPECT_EQ(e.tags, (std::vector<std::string>{"db", "breaker"}));
  EXPECT_EQ(e.service_url, "http://127.0.0.1:9000");
  EXPECT_EQ(e.configuration.at("rate"), 150);
  EXPECT_EQ(e.configuration.at("dry"), false);
  EXPECT_EQ(e.configuration.at("load_url"), "http://127.0.0.1:8080");  // built in

  ASSERT_TRUE(e.steady_state);
  EXPECT_EQ(e.steady_state->title, "The service answers fast");
  ASSERT_EQ(e.steady_state->probes.size(), 2u);
  const Activity& p95 = e.steady_state->probes[0];
  EXPECT_EQ(p95.type, Activity::Type::probe);
  EXPECT_EQ(p95.name, "p95 below 50 ms");
  EXPECT_EQ(p95.line, 16);
  EXPECT_DOUBLE_EQ(std::get<LatencyProbe>(p95.provider).quantile, 0.95);
  EXPECT_EQ(std::get<LatencyProbe>(p95.provider).of, "");
  ASSERT_TRUE(p95.tolerance);
  EXPECT_EQ(p95.tolerance->kind, Tolerance::Kind::at_most);
  EXPECT_DOUBLE_EQ(p95.tolerance->value, 0.05);
  EXPECT_EQ(p95.tolerance->line, 24);

  const Activity& health = e.steady_state->probes[1];
  const auto& get = std::get<HttpCall>(health.provider);
  EXPECT_EQ(get.url, "http://127.0.0.1:9000/healthz");
  EXPECT_EQ(get.method, "GET");
  EXPECT_EQ(get.headers.at("Accept"), "application/json");
  EXPECT_DOUBLE_EQ(get.timeout_s, 2.5);  // [connect, read]: the larger
  EXPECT_EQ(get.expected_status, 200);
  EXPECT_TRUE(get.arguments.is_null());
  EXPECT_EQ(health.tolerance->kind, Tolerance::Kind::equals);
  EXPECT_EQ(health.tolerance->expected, 200);

  ASSERT_EQ(e.method.size(), 9u);
  const Activity& inject = e.method[0];
  EXPECT_EQ(inject.type, Activity::Type::action);
  EXPECT_FALSE(inject.tolerance);
  EXPECT_DOUBLE_EQ(inject.pause_before_s, 1);
  EXPECT_DOUBLE_EQ(inject.pause_after_s, 2.5);
  const auto& post = std::get<HttpCall>(inject.provider);
  EXPECT_EQ(post.method, "POST");
  EXPECT_EQ(post.timeout_s, 30);
  EXPECT_FALSE(post.expected_status);
  EXPECT_EQ(boost::json::serialize(post.arguments),
            R"({"db_latency_ms":3000,"label":"catalog-run","dry":false})");
  EXPECT_EQ(inject.written.at("provider").at("url"), "http://127.0.0.1:9000/chaos/configure");

  const auto& burst = std::get<LoadCall>(e.method[1].provider).plan;
  EXPECT_EQ(burst.rate, 150);
  EXPECT_EQ(burst.duration, 30s);
  EXPECT_EQ(burst.ids.text(), "uniform:1-100");
  EXPECT_EQ(burst.target.text(), "http://127.0.0.1:8080");  // load_url
  EXPECT_EQ(plans.calls[0],
            (std::map<std::string, std::string>{{"duration", "30s"},
                                                {"ids", "uniform:1-100"},
                                                {"rate", "150"},
                                                {"target", "http://127.0.0.1:8080"}}));

  const auto& p99 = std::get<LatencyProbe>(e.method[2].provider);
  EXPECT_DOUBLE_EQ(p99.quantile, 0.99);
  EXPECT_EQ(p99.of, "burst");
  EXPECT_EQ(e.method[2].tolerance->kind, Tolerance::Kind::range);
  EXPECT_EQ(e.method[2].tolerance->low, 0);
  EXPECT_EQ(e.method[2].tolerance->high, 3.5);

  const auto& fallbacks = std::get<AnswersProbe>(e.method[3].provider);
  EXPECT_EQ(fallbacks.source, "fallback_emergency");
  EXPECT_EQ(fallbacks.of, "burst");
  EXPECT_FALSE(fallbacks.status || fallbacks.status_class || fallbacks.failed);
  EXPECT_EQ(e.method[3].tolerance->kind, Tolerance::Kind::at_least);
  EXPECT_EQ(e.method[3].tolerance->value, 0.5);

  const auto& errors = std::get<AnswersProbe>(e.method[4].provider);
  EXPECT_EQ(errors.status_class, 5);
  EXPECT_FALSE(errors.status);

  const auto& pool = std::get<MetricProbe>(e.method[5].provider);
  EXPECT_EQ(pool.series, "pool_active");
  EXPECT_EQ(pool.statistic, MetricProbe::Statistic::max);
  EXPECT_EQ(e.method[5].tolerance->kind, Tolerance::Kind::rose);

  const auto& breaker = std::get<StateProbe>(e.method[6].provider);
  EXPECT_EQ(breaker.endpoint, StateProbe::Endpoint::resilience);
  EXPECT_EQ(breaker.field, "circuit_breaker.state");
  EXPECT_EQ(breaker.within_s, 5);
  EXPECT_EQ(e.method[6].tolerance->kind, Tolerance::Kind::one_of);
  EXPECT_EQ(boost::json::serialize(e.method[6].tolerance->expected), R"(["OPEN","HALF_OPEN"])");

  const auto& chaos = std::get<StateProbe>(e.method[7].provider);
  EXPECT_EQ(chaos.endpoint, StateProbe::Endpoint::chaos);
  EXPECT_EQ(chaos.within_s, 0);
  EXPECT_EQ(e.method[7].tolerance->kind, Tolerance::Kind::regex);
  EXPECT_EQ(e.method[7].tolerance->pattern, "^[0-9]+$");

  // {ref: health}: the steady state's probe, placed here.
  EXPECT_EQ(e.method[8].name, "health");
  EXPECT_EQ(e.method[8].line, 90);
  EXPECT_EQ(e.method[8].written, health.written);
  EXPECT_EQ(std::get<HttpCall>(e.method[8].provider).url, get.url);

  ASSERT_EQ(e.rollbacks.size(), 3u);
  EXPECT_EQ(std::get<HttpCall>(e.rollbacks[0].provider).arguments.at("db_latency_ms"), 0);
  EXPECT_EQ(std::get<HttpCall>(e.rollbacks[1].provider).expected_status, 200);
  EXPECT_EQ(std::get<HttpCall>(e.rollbacks[1].provider).timeout_s, 2);
  EXPECT_EQ(e.rollbacks[2].name, "clear chaos");

  ASSERT_TRUE(e.load);
  EXPECT_EQ(e.load->rate, 150);  // "${rate}" quoted: still the number's text for the flag
  EXPECT_EQ(e.load->duration, 120s);
  EXPECT_EQ(e.phases.baseline_s, 5);
  EXPECT_EQ(e.phases.injection_s, 20);
  EXPECT_EQ(e.phases.recovery_s, 15);
  EXPECT_EQ(e.phases.settle_s, 2);
  EXPECT_EQ(e.phases.warmup_s, 3);

  // The journal's copy: after substitution, other extensions kept, configuration final.
  EXPECT_EQ(e.written.at("version"), "1.0.0");
  EXPECT_EQ(e.written.at("contributions").at("availability"), "high");
  EXPECT_EQ(e.written.at("extensions").at(1).at("anything").at(1), 2);
  EXPECT_EQ(e.written.at("configuration"), e.configuration);
  EXPECT_EQ(e.written.at("method").at(0).at("provider").at("arguments").at("db_latency_ms"), 3000);
}

TEST(ExperimentSpec, JsonReadsAsYamlDoes) {
  const Experiment yaml = parse_ok(kFullYaml);
  const Experiment json = parse_ok(kFullJson);
  // Lines differ only where the JSON closes its objects; drop them from the comparison.
  auto without_lines = [](std::string text) {
    for (auto at = text.find("\"line\":"); at != std::string::npos;
         at = text.find("\"line\":", at + 1)) {
      auto end = text.find_first_not_of("0123456789", at + 7);
      text.replace(at + 7, end - at - 7, "0");
    }
    return text;
  };
  EXPECT_EQ(without_lines(typed(yaml)), without_lines(typed(json)));
  EXPECT_EQ(yaml.written, json.written);
  EXPECT_EQ(json.steady_state->probes[0].line, 16);
  EXPECT_EQ(json.method[8].line, 90);
}

TEST(ExperimentSpec, PlainAndQuotedScalars) {
  const Experiment e = parse_ok(R"(title: t
description: "true"
tags: ["1", yes, "null"]
contributions: {a: 1.5e3, b: ~, c: null, d: TRUE, e: .5, f: "2", g: 1_000, h: -3, i: +4}
method:
  - {type: action, name: a, provider: {type: http, url: "http://x:1/"}}
)");
  EXPECT_EQ(e.description, "true");
  EXPECT_EQ(e.tags, (std::vector<std::string>{"1", "yes", "null"}));
  EXPECT_EQ(boost::json::serialize(e.written.at("contributions")),
            R"({"a":1.5E3,"b":null,"c":null,"d":true,"e":5E-1,"f":"2","g":"1_000","h":-3,"i":4})");
}

TEST(ExperimentSpec, Defaults) {
  const Experiment e = parse_ok(R"(title: t
method:
  - type: action
    name: load
    provider: {type: sre-lab, func: load}
  - type: probe
    name: q
    provider: {type: sre-lab, func: latency}
  - type: probe
    name: failed
    provider: {type: sre-lab, func: answers, arguments: {failed: true, of: load}}
  - type: probe
    name: teapots
    provider: {type: sre-lab, func: answers, arguments: {status: 418}}
  - type: probe
    name: mean
    provider: {type: sre-lab, func: metric, arguments: {series: gateway_latency_p95}}
    tolerance: {type: fell}
)");
  EXPECT_EQ(e.service_url, "http://127.0.0.1:8000");
  EXPECT_EQ(boost::json::serialize(e.configuration),
            R"({"service_url":"http://127.0.0.1:8000","load_url":"http://127.0.0.1:8080"})");
  EXPECT_FALSE(e.steady_state);
  EXPECT_FALSE(e.load);
  EXPECT_EQ(e.phases.baseline_s, 10);
  EXPECT_EQ(e.phases.injection_s, 20);
  EXPECT_EQ(e.phases.recovery_s, 20);
  EXPECT_EQ(e.phases.settle_s, 0);
  EXPECT_TRUE(e.rollbacks.empty());
  EXPECT_EQ(std::get<LoadCall>(e.method[0].provider).plan.target.text(), "http://127.0.0.1:8080");
  EXPECT_DOUBLE_EQ(std::get<LatencyProbe>(e.method[1].provider).quantile, 0.95);
  EXPECT_FALSE(e.method[1].tolerance);  // the method's probes are journaled, not judged
  EXPECT_TRUE(std::get<AnswersProbe>(e.method[2].provider).failed);
  EXPECT_EQ(std::get<AnswersProbe>(e.method[2].provider).of, "load");
  EXPECT_EQ(std::get<AnswersProbe>(e.method[3].provider).status, 418);
  EXPECT_EQ(std::get<MetricProbe>(e.method[4].provider).statistic, MetricProbe::Statistic::mean);
  EXPECT_EQ(e.method[4].tolerance->kind, Tolerance::Kind::fell);
  EXPECT_EQ(e.written.at("configuration"), e.configuration);
}

constexpr std::string_view kSubstituted = R"(title: ${who} at ${rate}/s
configuration:
  rate: 150
  who: catalog
  baseline_s: 2.5
  strict: true
  load_url: http://127.0.0.1:9090
method:
  - type: probe
    name: ${who}
    provider: {type: http, url: "http://x/${rate}/${strict}", expected_status: "${code}"}
    tolerance: ${strict}
extensions:
  - name: sre-lab
    load:
      rate: ${rate}
    phases: {baseline: "${baseline_s}"}
)";

TEST(ExperimentSpec, SubstitutesTypedAndInsideStrings) {
  const Experiment e = parse_ok(
      std::string(kSubstituted).insert(std::string(kSubstituted).find("  who:"), "  code: 204\n"));
  EXPECT_EQ(e.title, "catalog at 150/s");
  EXPECT_EQ(e.method[0].name, "catalog");
  const auto& call = std::get<HttpCall>(e.method[0].provider);
  EXPECT_EQ(call.url, "http://x/150/true");
  EXPECT_EQ(call.expected_status, 204);  // a number, so an integer status
  EXPECT_EQ(e.method[0].tolerance->expected, true);
  EXPECT_EQ(e.phases.baseline_s, 2.5);
  EXPECT_EQ(e.load->rate, 150);
  EXPECT_EQ(e.load->target.text(), "http://127.0.0.1:9090");
  EXPECT_EQ(e.written.at("method").at(0).at("tolerance"), true);
  EXPECT_EQ(e.written.at("title"), "catalog at 150/s");

  // Without the `code` entry: the unknown name is an error at its line.
  auto result = parse(kSubstituted);
  EXPECT_FALSE(result.experiment);
  EXPECT_EQ(result.error.substr(0, 12), "exp.yaml:11:") << result.error;
  EXPECT_NE(result.error.find("unknown name ${code}"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("baseline_s, strict"), std::string::npos) << result.error;
}

TEST(ExperimentSpec, VarsOverrideEntriesWithTheirType) {
  const std::string text =
      std::string(kSubstituted).insert(std::string(kSubstituted).find("  who:"), "  code: 204\n");
  const Experiment e = parse_ok(text, {{"rate", "2.5"},
                                       {"strict", "false"},
                                       {"who", "gateway"},
                                       {"service_url", "http://10.0.0.1:8001"}});
  EXPECT_EQ(e.configuration.at("rate"), 2.5);
  EXPECT_EQ(e.load->rate, 2.5);
  EXPECT_EQ(e.method[0].tolerance->expected, false);
  EXPECT_EQ(e.title, "gateway at 2.5/s");
  EXPECT_EQ(e.service_url, "http://10.0.0.1:8001");
  EXPECT_EQ(e.written.at("configuration").at("who"), "gateway");

  struct Bad {
    std::map<std::string, std::string> vars;
    std::string error;
  };
  for (const auto& [vars, error] : std::vector<Bad>{
           {{{"nope", "1"}},
            "--var nope: no configuration entry nope (entries: rate, code, who, baseline_s, "
            "strict, load_url, service_url)"},
           {{{"rate", "fast"}}, "--var rate: rate is a number, got 'fast'"},
           {{{"strict", "yes"}}, "--var strict: strict is true or false, got 'yes'"},
           {{{"load_url", "https://x"}}, "--var load_url: load_url must be a URL http://HOST:PORT"},
       }) {
    auto result = parse(text, vars);
    EXPECT_FALSE(result.experiment);
    EXPECT_EQ(result.error.substr(0, error.size()), error);
  }
}

TEST(ExperimentSpec, RefsCopyEarlierActivities) {
  const Experiment e = parse_ok(R"(title: t
method:
  - type: action
    name: burst
    provider: {type: sre-lab, func: load, arguments: {rate: 10}}
  - type: probe
    name: burst p95
    provider: {type: sre-lab, func: latency, arguments: {of: burst}}
    tolerance: {type: at-most, value: 0.1}
  - ref: burst
  - ref: burst p95
rollbacks:
  - ref: burst
)");
  ASSERT_EQ(e.method.size(), 4u);
  EXPECT_EQ(e.method[2].name, "burst");
  EXPECT_EQ(e.method[2].line, 10);
  EXPECT_EQ(std::get<LoadCall>(e.method[2].provider).plan.rate, 10);
  EXPECT_EQ(e.method[3].tolerance->value, 0.1);
  ASSERT_EQ(e.rollbacks.size(), 1u);
  EXPECT_EQ(e.rollbacks[0].written, e.method[0].written);
}

TEST(ExperimentSpec, BulkTestsAreSamplesAndAgainstNamesTheOtherSide) {
  const Experiment e = parse_ok(R"(title: t
method:
  - type: action
    name: one at a time
    provider: {type: http, url: "${service_url}/products/bulk/test", arguments: {concurrency: 1}}
  - type: action
    name: all at once
    provider: {type: http, url: "${service_url}/products/bulk/test"}
  - type: probe
    name: slower
    provider: {type: sre-lab, func: latency, arguments: {of: all at once, against: one at a time}}
    tolerance: {type: rose}
  - type: probe
    name: fewer hits
    provider: {type: sre-lab, func: answers, arguments: {source: cache, against: one at a time}}
    tolerance: {type: fell}
)");
  const auto& latency = std::get<LatencyProbe>(e.method[2].provider);
  EXPECT_EQ(latency.of, "all at once");
  EXPECT_EQ(latency.against, "one at a time");
  const auto& answers = std::get<AnswersProbe>(e.method[3].provider);
  EXPECT_EQ(answers.of, "");
  EXPECT_EQ(answers.against, "one at a time");
}

TEST(ExperimentSpec, BeforeHoldsActionsThatMayCopyTheMethods) {
  const Experiment e = parse_ok(R"(title: t
method:
  - type: action
    name: clear the cache
    provider: {type: http, url: "${service_url}/chaos/clear_cache", method: POST}
extensions:
  - name: sre-lab
    before:
      - ref: clear the cache
      - type: action
        name: reset
        provider: {type: http, url: "${service_url}/chaos/reset", method: POST}
)");
  ASSERT_EQ(e.before.size(), 2u);
  EXPECT_EQ(e.before[0].name, "clear the cache");
  EXPECT_EQ(std::get<HttpCall>(e.before[1].provider).url, "http://127.0.0.1:8000/chaos/reset");
}

TEST(ExperimentSpec, VariantsNameTheirVars) {
  const Experiment e = parse_ok(R"(title: t
configuration: {mode: normal, fallback: true}
method:
  - type: action
    name: a
    provider: {type: http, url: "${service_url}/resilience/configure", method: POST,
               arguments: {mode: "${mode}", fallback_enabled: "${fallback}"}}
extensions:
  - name: sre-lab
    variants:
      - {name: with, vars: {mode: normal}}
      - {name: without, vars: {mode: disabled, fallback: false}}
)");
  ASSERT_EQ(e.variants.size(), 2u);
  EXPECT_EQ(e.variants[0].name, "with");
  EXPECT_EQ(e.variants[1].vars.at("mode"), "disabled");
  EXPECT_EQ(e.variants[1].vars.at("fallback"), "false");
  // A variant runs as the file with its vars: the typed substitution applies.
  const auto off = parse(R"(title: t
configuration: {mode: normal, fallback: true}
method:
  - type: action
    name: a
    provider: {type: http, url: "${service_url}/resilience/configure", method: POST,
               arguments: {mode: "${mode}", fallback_enabled: "${fallback}"}}
)",
                         e.variants[1].vars);
  ASSERT_TRUE(off.experiment) << off.error;
  const auto& body = std::get<HttpCall>(off.experiment->method[0].provider).arguments;
  EXPECT_EQ(body.at("mode"), "disabled");
  EXPECT_EQ(body.at("fallback_enabled"), false);
}

TEST(ExperimentSpec, AliasesCopyTheirAnchor) {
  const Experiment e = parse_ok(R"(title: t
method:
  - &clear {type: action, name: clear, provider: {type: http, url: "http://x/"}}
rollbacks:
  - *clear
)");
  ASSERT_EQ(e.rollbacks.size(), 1u);
  EXPECT_EQ(e.rollbacks[0].name, "clear");
  EXPECT_EQ(e.rollbacks[0].line, 5);

  // Aliases of aliases grow as powers: the reader stops well before memory does.
  std::string bomb = "title: t\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 8; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) bomb += (j ? ", " : "") + prev;
    bomb += "]\n";
  }
  auto result = parse(bomb);
  EXPECT_FALSE(result.experiment);
  EXPECT_NE(result.error.find("the file expands to too many nodes"), std::string::npos)
      << result.error;
}

// func: dependency, in the rollbacks too; the orders come in the endpoint's order (redis first).
TEST(ExperimentSpec, DependencyActionsCarryTheirOrders) {
  const Experiment e = parse_ok(R"(title: t
configuration: {pause_s: 40}
method:
  - type: action
    name: cut the database and the cache off
    provider: {type: sre-lab, func: dependency,
               arguments: {postgres: stop, redis: pause, duration_s: "${pause_s}"}}
  - type: action
    name: kill the cache
    provider: {type: sre-lab, func: dependency, arguments: {redis: kill}}
rollbacks:
  - type: action
    name: bring the database back
    provider: {type: sre-lab, func: dependency, arguments: {postgres: start}}
)");
  ASSERT_EQ(e.method.size(), 2u);
  const auto* both = std::get_if<DependencyCall>(&e.method[0].provider);
  ASSERT_NE(both, nullptr);
  using Orders = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(both->actions, (Orders{{"redis", "pause"}, {"postgres", "stop"}}));
  EXPECT_EQ(both->duration_s, 40);
  const auto* kill = std::get_if<DependencyCall>(&e.method[1].provider);
  ASSERT_NE(kill, nullptr);
  EXPECT_EQ(kill->actions, (Orders{{"redis", "kill"}}));
  EXPECT_FALSE(kill->duration_s);
  ASSERT_EQ(e.rollbacks.size(), 1u);
  const auto* start = std::get_if<DependencyCall>(&e.rollbacks[0].provider);
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->actions, (Orders{{"postgres", "start"}}));
}

struct BadFile {
  const char* name;
  std::string text;
  int line;  // 0: the error names no line
  std::string message;
};

// Lines 1-6 of a file whose method is a single valid action; cases append to it or replace it.
const std::string kHead = "title: t\n";
const std::string kAction =
    "method:\n"
    "  - type: action\n"
    "    name: a\n"
    "    provider: {type: http, url: \"http://x/\"}\n";
std::string probe(const std::string& name, const std::string& provider,
                  const std::string& more = "") {
  return "  - type: probe\n    name: " + name + "\n    provider: " + provider + "\n" + more;
}
std::string action(const std::string& name, const std::string& provider) {
  return "  - type: action\n    name: " + name + "\n    provider: " + provider + "\n";
}

const std::vector<BadFile>& bad_files() {
  static const std::vector<BadFile> files = {
      {"not yaml", "title: [a\nmethod: 1\n", 2, "end of sequence flow not found"},
      {"not json", "{\"title\": \"t\",\n \"method\": [}\n", 2, ""},
      {"empty", "", 0, "the file is empty"},
      {"comments only", "# nothing\n", 0, "the file is empty"},
      {"a list", "- title: t\n", 1, "the top level must be an object"},
      {"a scalar", "hello\n", 1, "the top level must be an object of the experiment's fields"},
      {"two documents", kHead + kAction + "---\ntitle: u\n", 6, "more than one YAML document"},
      {"duplicate key", kHead + "title: u\n" + kAction, 2,
       "duplicate key 'title' (first at line 1)"},
      {"unknown top-level field", kHead + "titel: t\n" + kAction, 2,
       "unknown field 'titel' in the experiment (accepted: version, title, description, tags, "
       "contributions, configuration, steady-state-hypothesis, method, rollbacks, extensions)"},
      {"secrets", kHead + kAction + "secrets:\n  k: {}\n", 6,
       "'secrets' in the experiment is not supported by sre-lab"},
      {"controls", kHead + "controls: []\n" + kAction, 2,
       "'controls' in the experiment is not supported by sre-lab"},
      {"runtime", kHead + "runtime: {}\n" + kAction, 2, "'runtime' in the experiment is not"},
      {"missing title", kAction, 1, "missing field 'title' in the experiment"},
      {"title a number", "title: 5\n" + kAction, 1,
       "'title' in the experiment must be a non-empty string, got 5"},
      {"tags not strings", kHead + "tags: [a, 1]\n" + kAction, 2,
       "'tags' in the experiment must be a list of strings, got ['a', 1]"},
      {"version a list", kHead + "version: [1]\n" + kAction, 2, "'version' in the experiment"},
      {"contributions a list", kHead + "contributions: [a]\n" + kAction, 2,
       "'contributions' in the experiment must be an object"},
      {"missing method", kHead, 1, "missing field 'method' in the experiment"},
      {"empty method", kHead + "method: []\n", 2,
       "'method' in the experiment must be a list of at least one activity, got []"},
      {"rollbacks an object", kHead + kAction + "rollbacks: {a: 1}\n", 6,
       "'rollbacks' in the experiment must be a list of activities, got an object"},
      {"configuration env", kHead + "configuration:\n  key: {type: env, key: KEY}\n" + kAction, 3,
       "configuration entry 'key' is a CTK typed entry (type: ...), not supported by sre-lab"},
      {"configuration a list", kHead + "configuration:\n  key: [1]\n" + kAction, 3,
       "configuration entry 'key' must be a string, a number or true/false, got [1]"},
      {"service_url not a target",
       kHead + "configuration:\n  service_url: http://x/api\n" + kAction, 3,
       "configuration entry 'service_url' must be a URL http://HOST:PORT"},
      {"unknown ${name}", kHead + kAction + "description: at ${when}\n", 6,
       "unknown name ${when} in 'at ${when}' (configuration entries: service_url, load_url)"},
      {"unclosed ${", kHead + kAction + "description: at ${when\n", 6, "'${' without its '}'"},
      {"typed substitution checked after",
       kHead + "configuration: {word: x}\n" + kAction +
           "extensions:\n  - name: sre-lab\n    phases: {baseline: \"${word}\"}\n",
       9,
       "'baseline' in the phases of the sre-lab extension must be a number of seconds > 0, got "
       "'x'"},
      {"activity not an object", kHead + "method:\n  - 5\n", 3,
       "activity #1 of the method must be an object, got 5"},
      {"activity without type", kHead + "method:\n  - name: a\n    provider: {type: http}\n", 3,
       "missing field 'type' in activity 'a'"},
      {"activity of a bad type", kHead + "method:\n  - name: a\n    type: task\n", 4,
       "'type' in activity 'a' must be action or probe, got 'task'"},
      {"activity with an empty name",
       kHead + "method:\n  - type: action\n    name: \"\"\n    provider: {type: http}\n", 4,
       "'name' in activity #1 of the method must be a non-empty string, got ''"},
      {"activity without provider", kHead + "method:\n  - type: action\n    name: a\n", 3,
       "missing field 'provider' in action 'a'"},
      {"unknown field in an activity",
       kHead + "method:\n" +
           probe("p95 below 50 ms", "{type: sre-lab, func: latency}", "    tolernce: 1\n"),
       6,
       "unknown field 'tolernce' in probe 'p95 below 50 ms' (accepted: type, name, provider, "
       "tolerance, pauses)"},
      {"background", kHead + kAction + "    background: true\n", 6,
       "'background' in action 'a' is not supported by sre-lab"},
      {"activity controls", kHead + kAction + "    controls: []\n", 6,
       "'controls' in action 'a' is not supported by sre-lab"},
      {"tolerance on an action", kHead + kAction + "    tolerance: 200\n", 6,
       "'tolerance' in action 'a': only probes have a tolerance"},
      {"pauses negative", kHead + kAction + "    pauses: {before: -1}\n", 6,
       "'before' in the pauses of action 'a' must be a number of seconds >= 0, got -1"},
      {"pauses unknown", kHead + kAction + "    pauses:\n      during: 1\n", 7,
       "unknown field 'during' in the pauses of action 'a' (accepted: before, after)"},
      {"steady-state probe without tolerance",
       kHead + kAction + "steady-state-hypothesis:\n  title: ok\n  probes:\n" +
           probe("h", "{type: http, url: \"http://x/\"}"),
       9, "missing field 'tolerance' in probe 'h' (every probe of the steady-state hypothesis"},
      {"steady-state action",
       kHead + kAction + "steady-state-hypothesis:\n  title: ok\n  probes:\n" +
           "  - type: action\n    name: a\n    provider: {type: http, url: \"http://x/\"}\n",
       9, "'type' in action 'a' must be probe (the steady-state hypothesis holds probes)"},
      {"steady-state without title", kHead + kAction + "steady-state-hypothesis:\n  probes: []\n",
       7, "missing field 'title' in the steady-state hypothesis"},
      {"steady-state unknown field",
       kHead + kAction + "steady-state-hypothesis:\n  title: x\n  probs: []\n", 8,
       "unknown field 'probs' in the steady-state hypothesis (accepted: title, probes)"},
      {"provider python",
       kHead + kAction.substr(0, kAction.find("    provider")) +
           "    provider: {type: python, module: m, func: f}\n",
       5, "provider type 'python' (in action 'a') is not supported by sre-lab"},
      {"provider of no type",
       kHead + kAction.substr(0, kAction.find("    provider")) + "    provider: {type: grpc}\n", 5,
       "'type' in the provider of action 'a' must be http or sre-lab, got 'grpc'"},
      {"http without url", kHead + "method:\n" + probe("h", "{type: http}"), 5,
       "missing field 'url' in the provider of probe 'h'"},
      {"http url not absolute", kHead + "method:\n" + probe("h", "{type: http, url: /healthz}"), 5,
       "'url' in the provider of probe 'h' must be an absolute http:// URL, got '/healthz'"},
      {"http https", kHead + "method:\n" + probe("h", "{type: http, url: \"https://x/\"}"), 5,
       "must be an absolute http:// URL"},
      {"http method",
       kHead + "method:\n" + probe("h", "{type: http, url: \"http://x/\", method: FETCH}"), 5,
       "'method' in the provider of probe 'h' must be one of GET, POST, PUT, PATCH, DELETE, "
       "HEAD, got 'FETCH'"},
      {"http header a number",
       kHead + "method:\n" +
           probe("h",
                 "\n      type: http\n      url: http://x/\n"
                 "      headers:\n        X-Count: 5"),
       9, "header 'X-Count' in the provider of probe 'h' must be a string, got 5"},
      {"http timeout zero",
       kHead + "method:\n" + probe("h", "{type: http, url: \"http://x/\", timeout: 0}"), 5,
       "'timeout' in the provider of probe 'h' must be a number of seconds > 0, or [connect, "
       "read] seconds, got 0"},
      {"http timeout three",
       kHead + "method:\n" + probe("h", "{type: http, url: \"http://x/\", timeout: [1, 2, 3]}"), 5,
       "'timeout' in the provider of probe 'h' must be a number of seconds > 0"},
      {"http status",
       kHead + "method:\n" + probe("h", "{type: http, url: \"http://x/\", expected_status: 700}"),
       5,
       "'expected_status' in the provider of probe 'h' must be an HTTP status, 100..599, got 700"},
      {"http arguments a list",
       kHead + "method:\n" + probe("h", "{type: http, url: \"http://x/\", arguments: [1]}"), 5,
       "'arguments' in the provider of probe 'h' must be an object, got [1]"},
      {"http unknown field",
       kHead + "method:\n" + probe("h", "{type: http, url: \"http://x/\", verify_tls: false}"), 5,
       "unknown field 'verify_tls' in the provider of probe 'h' (accepted: type, url, method, "
       "headers, arguments, timeout, expected_status)"},
      {"sre-lab without func", kHead + "method:\n" + probe("p", "{type: sre-lab}"), 5,
       "missing field 'func' in the provider of probe 'p'"},
      {"sre-lab unknown func", kHead + "method:\n" + probe("p", "{type: sre-lab, func: cpu}"), 5,
       "'func' in the provider of probe 'p' must be a probe's func: latency, answers, metric, "
       "resilience, chaos, got 'cpu'"},
      {"load as a probe", kHead + "method:\n" + probe("p", "{type: sre-lab, func: load}"), 5,
       "must be a probe's func"},
      {"latency as an action",
       kHead + "method:\n  - type: action\n    name: a\n    provider:\n      type: sre-lab\n"
               "      func: latency\n",
       7,
       "'func' in the provider of action 'a' must be an action's func: load, dependency, got "
       "'latency'"},
      {"dependency as a probe",
       kHead + "method:\n" + probe("p", "{type: sre-lab, func: dependency}"), 5,
       "must be a probe's func"},
      {"dependency unknown",
       kHead + "method:\n" +
           action("d", "{type: sre-lab, func: dependency, arguments: {mysql: pause}}"),
       5,
       "unknown field 'mysql' in the arguments of action 'd' (accepted: redis, postgres, "
       "duration_s)"},
      {"dependency unknown verb",
       kHead + "method:\n" +
           action("d", "{type: sre-lab, func: dependency, arguments: {redis: restart}}"),
       5,
       "'redis' in the arguments of action 'd' must be one of kill, stop, start, pause, resume, "
       "got 'restart'"},
      {"dependency verb not a word",
       kHead + "method:\n" +
           action("d", "{type: sre-lab, func: dependency, arguments: {postgres: [stop]}}"),
       5, "'postgres' in the arguments of action 'd' must be one of kill, stop, start, pause"},
      {"dependency duration zero",
       kHead + "method:\n" +
           action("d",
                  "{type: sre-lab, func: dependency, arguments: {redis: pause, duration_s: 0}}"),
       5,
       "'duration_s' in the arguments of action 'd' must be a number of seconds in (0, 86400], "
       "got 0"},
      {"dependency duration too long",
       kHead + "method:\n" +
           action("d",
                  "{type: sre-lab, func: dependency, arguments: {redis: pause, duration_s: "
                  "86401}}"),
       5, "'duration_s' in the arguments of action 'd' must be a number of seconds in (0, 86400]"},
      {"dependency duration a word",
       kHead + "method:\n" +
           action("d",
                  "{type: sre-lab, func: dependency, arguments: {redis: stop, duration_s: "
                  "long}}"),
       5, "must be a number of seconds in (0, 86400], got 'long'"},
      {"dependency none named",
       kHead + "method:\n" +
           action("d", "{type: sre-lab, func: dependency, arguments: {duration_s: 5}}"),
       5,
       "the arguments of action 'd' must name redis or postgres (or both) with an action: kill, "
       "stop, start, pause, resume"},
      {"dependency without arguments",
       kHead + "method:\n" + action("d", "{type: sre-lab, func: dependency}"), 5,
       "the arguments of action 'd' must name redis or postgres"},
      {"unknown provider argument",
       kHead + "method:\n" +
           probe("p", "{type: sre-lab, func: latency, arguments: {quantil: 0.9}}"),
       5,
       "unknown field 'quantil' in the arguments of probe 'p' (accepted: quantile, of, against)"},
      {"quantile out of range",
       kHead + "method:\n" + probe("p", "{type: sre-lab, func: latency, arguments: {quantile: 1}}"),
       5,
       "'quantile' in the arguments of probe 'p' must be a number in (0, 1) or a percentile like "
       "p95, got 1"},
      {"quantile p100",
       kHead + "method:\n" +
           probe("p", "{type: sre-lab, func: latency, arguments: {quantile: p100}}"),
       5, "must be a number in (0, 1) or a percentile like p95, got 'p100'"},
      {"unknown of",
       kHead + kAction + probe("p", "{type: sre-lab, func: latency, arguments: {of: warm}}"), 8,
       "'of' in the arguments of probe 'p' must be the name of a load action or bulk test "
       "earlier in the method (there is none), got 'warm'"},
      {"unknown against",
       kHead + "method:\n  - {type: action, name: l, provider: {type: sre-lab, func: load}}\n" +
           probe("p", "{type: sre-lab, func: latency, arguments: {of: l, against: k}}"),
       6,
       "'against' in the arguments of probe 'p' must be the name of a load action or bulk "
       "test earlier in the method (l), got 'k'"},
      {"a probe before the load",
       kHead + kAction +
           "extensions:\n  - name: sre-lab\n    before:\n      - type: probe\n        name: p\n"
           "        provider: {type: sre-lab, func: chaos, arguments: {field: x}}\n",
       9, "must be action (what runs before the load prepares the lab"},
      {"variants not a list",
       kHead + kAction + "extensions:\n  - name: sre-lab\n    variants: {a: 1}\n", 8,
       "'variants' in the sre-lab extension must be a non-empty list of {name, vars}"},
      {"variant sets an unknown entry",
       kHead + "configuration: {mode: normal}\n" + kAction +
           "extensions:\n  - name: sre-lab\n    variants:\n      - name: off\n        vars:\n"
           "          mood: disabled\n",
       12, "variant 'off' sets 'mood', which is not a configuration entry"},
      {"of a later load",
       kHead + "method:\n" +
           probe("p", "{type: sre-lab, func: answers, arguments: {of: l, failed: true}}") +
           "  - {type: action, name: l, provider: {type: sre-lab, func: load}}\n",
       5, "'of' in the arguments of probe 'p' must be the name of a load action or bulk test"},
      {"answers with two",
       kHead + "method:\n" +
           probe("p",
                 "{type: sre-lab, func: answers, arguments: {status: "
                 "503, source: cache}}"),
       5, "the arguments of probe 'p' must give exactly one of status, source, failed: true"},
      {"answers with none", kHead + "method:\n" + probe("p", "{type: sre-lab, func: answers}"), 5,
       "must give exactly one of status, source, failed: true"},
      {"answers status class",
       kHead + "method:\n" +
           probe("p",
                 "{type: sre-lab, func: answers, arguments: {status: "
                 "6xx}}"),
       5,
       "'status' in the arguments of probe 'p' must be an HTTP status 100..599, or a class "
       "1xx..5xx, got '6xx'"},
      {"answers failed false",
       kHead + "method:\n" +
           probe("p",
                 "{type: sre-lab, func: answers, arguments: {failed: "
                 "false}}"),
       5, "'failed' in the arguments of probe 'p' must be true (or left out), got false"},
      {"answers empty source",
       kHead + "method:\n" +
           probe("p",
                 "{type: sre-lab, func: answers, arguments: {source: "
                 "\"\"}}"),
       5, "'source' in the arguments of probe 'p' must be a non-empty string, got ''"},
      {"metric without series", kHead + "method:\n" + probe("p", "{type: sre-lab, func: metric}"),
       5, "missing field 'series' in the arguments of probe 'p'"},
      {"unknown series",
       kHead + "method:\n" +
           probe("p",
                 "{type: sre-lab, func: metric, arguments: {series: "
                 "pool_used}}"),
       5,
       "'series' in the arguments of probe 'p' must be a console series: requests_per_second, "
       "error_rate"},
      {"unknown statistic",
       kHead + "method:\n" +
           probe("p",
                 "{type: sre-lab, func: metric, arguments: {series: "
                 "pool_active, statistic: median}}"),
       5,
       "'statistic' in the arguments of probe 'p' must be one of last, first, min, max, mean, "
       "increase, got 'median'"},
      {"state without field", kHead + "method:\n" + probe("p", "{type: sre-lab, func: chaos}"), 5,
       "missing field 'field' in the arguments of probe 'p'"},
      {"state field path",
       kHead + "method:\n" +
           probe("p",
                 "{type: sre-lab, func: resilience, arguments: {field: "
                 "a..b}}"),
       5, "'field' in the arguments of probe 'p' must be a dotted path"},
      {"state within negative",
       kHead + "method:\n" +
           probe("p", "{type: sre-lab, func: resilience, arguments: {field: a, within: -1}}"),
       5, "'within' in the arguments of probe 'p' must be a number of seconds >= 0, got -1"},
      {"bad load flag",
       kHead + "method:\n  - type: action\n    name: burst\n    provider:\n      type: sre-lab\n"
               "      func: load\n      arguments:\n        rate: -1\n",
       9, "load 'burst': --rate must be a number > 0, got -1"},
      {"unknown load flag",
       kHead + "method:\n  - type: action\n    name: burst\n    provider:\n      type: sre-lab\n"
               "      func: load\n      arguments:\n        rate: 1\n        rampup: 5s\n",
       10,
       "unknown field 'rampup' in the arguments of action 'burst' (accepted: rate, duration, "
       "connections, max-connections, threads, timeout, ids, paths, seed, target)"},
      {"load flag a list",
       kHead + "method:\n  - type: action\n    name: burst\n    provider:\n      type: sre-lab\n"
               "      func: load\n      arguments:\n        ids: [1, 2]\n",
       9, "'ids' in the arguments of action 'burst' must be a number or a string"},
      {"tolerance unknown field",
       kHead + "method:\n" +
           probe("h", "{type: http, url: \"http://x/\"}",
                 "    tolerance:\n      type: range\n      range: [0, 1]\n      targt: body\n"),
       9, "unknown field 'targt' in the tolerance of probe 'h' (accepted: type, range, target)"},
      {"tolerance without type",
       kHead + "method:\n" +
           probe("h", "{type: http, url: \"http://x/\"}", "    tolerance: {range: [0, 1]}\n"),
       6, "missing field 'type' in the tolerance of probe 'h'"},
      {"tolerance jsonpath",
       kHead + "method:\n" +
           probe("h", "{type: http, url: \"http://x/\"}",
                 "    tolerance: {type: jsonpath, path: $.a}\n"),
       6, "tolerance type 'jsonpath' (in probe 'h') is not supported by sre-lab"},
      {"tolerance probe",
       kHead + "method:\n" +
           probe("h", "{type: http, url: \"http://x/\"}",
                 "    tolerance: {type: probe, name: n}\n"),
       6, "tolerance type 'probe' (in probe 'h') is not supported by sre-lab"},
      {"tolerance null",
       kHead + "method:\n" + probe("h", "{type: http, url: \"http://x/\"}", "    tolerance:\n"), 6,
       "the tolerance of probe 'h' must be a value, a list of values, or {type: range|regex}, "
       "got null"},
      {"tolerance an empty list",
       kHead + "method:\n" + probe("h", "{type: http, url: \"http://x/\"}", "    tolerance: []\n"),
       6, "the tolerance of probe 'h' must be a value, a list of values"},
      {"bad regex",
       kHead + "method:\n" +
           probe("h", "{type: http, url: \"http://x/\"}",
                 "    tolerance: {type: regex, pattern: \"(\"}\n"),
       6, "'pattern' in the tolerance of probe 'h' must be a valid ECMAScript regular expression"},
      {"range reversed",
       kHead + "method:\n" +
           probe("h", "{type: http, url: \"http://x/\"}",
                 "    tolerance: {type: range, range: [2, 1]}\n"),
       6, "'range' in the tolerance of probe 'h' must be [low, high] with low <= high, got [2, 1]"},
      {"range of strings",
       kHead + "method:\n" +
           probe("h", "{type: http, url: \"http://x/\"}",
                 "    tolerance: {type: range, range: [a, b]}\n"),
       6, "'range' in the tolerance of probe 'h' must be [low, high], two numbers"},
      {"target of a state probe",
       kHead + "method:\n" +
           probe("s", "{type: sre-lab, func: chaos, arguments: {field: a}}",
                 "    tolerance: {type: regex, pattern: x, target: body}\n"),
       6, "unknown field 'target' in the tolerance of probe 's' (accepted: type, pattern)"},
      {"target header",
       kHead + "method:\n" +
           probe("h", "{type: http, url: \"http://x/\"}",
                 "    tolerance: {type: regex, pattern: x, "
                 "target: headers}\n"),
       6, "'target' in the tolerance of probe 'h' must be status or body, got 'headers'"},
      {"statistic on an http probe",
       kHead + "method:\n" +
           probe("h", "{type: http, url: \"http://x/\"}",
                 "    tolerance: {type: at-most, value: 1}\n"),
       6,
       "'type' in the tolerance of probe 'h' must make it a value, a list of values, or {type: "
       "range|regex}, got 'at-most'"},
      {"equals on a latency probe",
       kHead + "method:\n" + probe("p", "{type: sre-lab, func: latency}", "    tolerance: 0.05\n"),
       6, "the tolerance of probe 'p' must be {type: range|at-least|at-most|rose|fell}"},
      {"regex on a metric probe",
       kHead + "method:\n" +
           probe("p", "{type: sre-lab, func: metric, arguments: {series: pool_active}}",
                 "    tolerance: {type: regex, pattern: x}\n"),
       6, "'type' in the tolerance of probe 'p' must make it {type: range|at-least"},
      {"at-least without value",
       kHead + "method:\n" +
           probe("p", "{type: sre-lab, func: latency}", "    tolerance: {type: at-least}\n"),
       6, "missing field 'value' in the tolerance of probe 'p'"},
      {"rose with a value",
       kHead + "method:\n" +
           probe("p", "{type: sre-lab, func: latency}", "    tolerance: {type: rose, value: 1}\n"),
       6, "unknown field 'value' in the tolerance of probe 'p' (accepted: type)"},
      {"unknown ref", kHead + kAction + "  - ref: nope\n", 6,
       "'ref' in activity #2 of the method must be the name of an activity defined before it, "
       "got 'nope'"},
      {"ref with more", kHead + kAction + "  - ref: a\n    name: b\n", 7,
       "unknown field 'name' in activity #2 of the method (accepted: ref)"},
      {"ref later", kHead + "method:\n  - ref: a\n" + kAction.substr(8), 3,
       "must be the name of an activity defined before it"},
      {"ref to a probe in the rollbacks",
       kHead + "method:\n  - {type: action, name: l, provider: {type: sre-lab, func: load}}\n" +
           probe("p", "{type: sre-lab, func: latency, arguments: {of: l}}") +
           "rollbacks:\n  - ref: p\n",
       8, "ref 'p' in the rollbacks copies a probe: only actions go there"},
      {"a probe in the rollbacks",
       kHead + kAction + "rollbacks:\n" +
           probe("p", "{type: sre-lab, func: resilience, arguments: {field: x}}"),
       7, "must be action (rollbacks undo the method"},
      {"extensions an object", kHead + kAction + "extensions: {name: sre-lab}\n", 6,
       "'extensions' in the experiment must be a list of objects with a 'name', got an object"},
      {"extension without name", kHead + kAction + "extensions:\n  - load: {}\n", 7,
       "missing field 'name' in extension #1"},
      {"extension unknown key", kHead + kAction + "extensions:\n  - name: sre-lab\n    lod: {}\n",
       8,
       "unknown field 'lod' in the sre-lab extension (accepted: name, load, phases, variants, "
       "before)"},
      {"two sre-lab extensions",
       kHead + kAction + "extensions:\n  - name: sre-lab\n  - name: other\n  - name: sre-lab\n", 9,
       "a second sre-lab extension (the first is at line 7)"},
      {"phases injection zero",
       kHead + kAction + "extensions:\n  - name: sre-lab\n    phases: {injection: 0}\n", 8,
       "'injection' in the phases of the sre-lab extension must be a number of seconds > 0, got 0"},
      {"phases unknown",
       kHead + kAction + "extensions:\n  - name: sre-lab\n    phases: {cooldown: 1}\n", 8,
       "unknown field 'cooldown' in the phases of the sre-lab extension (accepted: warmup, "
       "baseline, injection, recovery, settle)"},
      {"extension load rejected",
       kHead + kAction + "extensions:\n  - name: sre-lab\n    load:\n      rate: \"0\"\n", 9,
       "the sre-lab extension's load: --rate must be a number > 0, got 0"},
      {"a key too long to write back",
       kHead + kAction + "contributions: {" + std::string(129, 'k') + ": 1}\n", 6,
       "a key longer than 128 bytes"},
      {"load_url not a target", kHead + "configuration: {load_url: \"x\"}\n" + kAction, 2,
       "configuration entry 'load_url' must be a URL"},
  };
  return files;
}

TEST(ExperimentSpec, BadFilesNameTheLineAndTheField) {
  for (const auto& bad : bad_files()) {
    SCOPED_TRACE(bad.name);
    auto result = parse(bad.text);
    ASSERT_FALSE(result.experiment) << bad.text;
    const std::string where =
        bad.line > 0 ? "exp.yaml:" + std::to_string(bad.line) + ": " : "exp.yaml: ";
    EXPECT_EQ(result.error.substr(0, where.size()), where) << result.error;
    EXPECT_NE(result.error.find(bad.message), std::string::npos) << result.error;
  }
}

TEST(ExperimentSpec, TheFirstErrorWins) {
  auto result = parse(kHead + "titel: x\n" + kAction + "secrets: {}\n");
  EXPECT_EQ(result.error.substr(0, 30), "exp.yaml:2: unknown field 'tit");
}

}  // namespace
}  // namespace srelab::experiment
