// A realistic journal of a db-latency run, for the report tests: 10 s of baseline at 150
// requests/s, 20 s of 1 s added to every database query, 10 s of recovery. The protected run has
// the circuit breaker (it opens, the fallback serves stale copies, 8 % of answers are 503); the
// unprotected one has none (p95 above 1 s, a quarter of the requests fail or time out, the
// steady state is not back after the rollback). Built in code so that each number a test checks
// follows from a line here.
#pragma once

#include <boost/json.hpp>
#include <cmath>
#include <string>

namespace srelab::experiment::fixture {

namespace json = boost::json;

struct Run {
  bool breaker = true;
};

inline json::object judged(const char* phase, const char* judgement, const char* statement,
                           json::value value, const char* unit, json::value interval,
                           json::value samples, const char* evidence) {
  return {{"phase", phase}, {"judgement", judgement}, {"statement", statement},
          {"value", value}, {"unit", unit},           {"interval", interval},
          {"level", 0.95},  {"samples", samples},     {"evidence", evidence}};
}

inline json::object probe_run(const char* name, json::object lab, double duration = 0.01) {
  return {{"activity",
           {{"type", "probe"},
            {"name", name},
            {"provider", {{"type", "sre-lab"}, {"func", "latency"}}}}},
          {"status", "succeeded"},
          {"output", lab["value"]},
          {"start", "2026-12-02T04:10:10.2"},
          {"end", "2026-12-02T04:10:10.21"},
          {"duration", duration},
          {"tolerance_met", lab["judgement"].as_string() == "met"},
          {"sre-lab", lab}};
}

inline json::object action_run(const char* name, const char* url, json::value output) {
  return {{"activity",
           {{"type", "action"},
            {"name", name},
            {"provider", {{"type", "http"}, {"url", url}, {"method", "POST"}}}}},
          {"status", "succeeded"},
          {"output", output},
          {"start", "2026-12-02T04:10:10.0"},
          {"end", "2026-12-02T04:10:10.004"},
          {"duration", 0.004}};
}

// Second t (1..40) of the background load.
inline json::object load_point(const Run& run, int t) {
  const bool injection = t > 10 && t <= 30;
  const char* phase = t <= 10 ? "baseline" : injection ? "injection" : "recovery";
  if (!injection) {
    // The first recovery seconds still drain the slow queries: one with the breaker; five
    // without, where the pool's queue had grown long.
    const bool draining = t > 30 && t <= (run.breaker ? 31 : 35);
    return {{"t", t},
            {"phase", phase},
            {"sent", 150},
            {"answered", 150},
            {"p50", 0.0012},
            {"p95", draining ? 0.35 : 0.0021},
            {"p99", draining ? 0.9 : 0.004},
            {"max", draining ? 1.1 : 0.01},
            {"statuses", {{"200", 150}}},
            {"sources", {{"cache", 135}, {"database", 15}}},
            {"failed", 0}};
  }
  const double wobble = 0.01 * (t % 5);
  if (run.breaker)
    return {{"t", t},
            {"phase", phase},
            {"sent", 150},
            {"answered", 150},
            {"p50", 0.0015},
            {"p95", 0.6 + wobble},
            {"p99", 1.02 + wobble},
            {"max", 1.3},
            {"statuses", {{"200", 138}, {"503", 12}}},
            {"sources", {{"cache", 125}, {"database", 5}, {"fallback_emergency", 8}}},
            {"failed", 0}};
  return {{"t", t},
          {"phase", phase},
          {"sent", 150},
          {"answered", 140},
          {"p50", 0.0016},
          {"p95", 1.05 + wobble},
          {"p99", 2.5 + wobble},
          {"max", 3.0},
          {"statuses", {{"200", 110}, {"503", 30}}},
          {"sources", {{"cache", 100}, {"database", 10}}},
          {"failed", 10}};
}

inline json::object timeline(const Run& run) {
  json::array time, p95, p99, gw_p95, errors, hits, breaker, active, size, waiting, leak, rss;
  for (int t = 1; t <= 40; ++t) {
    const bool injection = t > 10 && t <= 30;
    time.push_back(t);
    // The first sample only sets the counters' baseline: no latency yet.
    p95.push_back(t == 1 ? json::value(nullptr) : json::value(injection ? 0.98 : 0.0019));
    p99.push_back(t == 1 ? json::value(nullptr) : json::value(injection ? 1.01 : 0.0035));
    gw_p95.push_back(t == 1 ? json::value(nullptr) : json::value(injection ? 1.0 : 0.0024));
    errors.push_back(injection ? (run.breaker ? 0.08 : 0.21) : 0.0);
    hits.push_back(0.9);
    const int state = !injection ? (t == 31 ? 1 : 0) : t < 13 ? 0 : (t == 20 || t == 27) ? 1 : 2;
    breaker.push_back(state);
    active.push_back(injection ? 10 : 1);
    size.push_back(10);
    waiting.push_back(injection ? 6 : 0);
    leak.push_back(0);
    rss.push_back(50331648);
  }
  json::object values{
      {"latency_p95", p95},          {"latency_p99", p99},      {"gateway_latency_p95", gw_p95},
      {"error_rate", errors},        {"cache_hit_rate", hits},  {"pool_active", active},
      {"pool_size", size},           {"pool_waiting", waiting}, {"memory_leak_bytes", leak},
      {"resident_memory_bytes", rss}};
  if (run.breaker) values["breaker_state"] = breaker;
  return {{"time", time}, {"values", values}};
}

inline json::object extension(const Run& run) {
  json::array load;
  for (int t = 1; t <= 40; ++t) load.push_back(load_point(run, t));
  const char* trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  return {{"name", "sre-lab"},
          {"version", "0.1.0"},
          {"verdict", run.breaker ? "held" : "deviated"},
          {"reason", run.breaker ? "Every hypothesis was met: the steady state held before and "
                                   "after, and the breaker opened during the injection."
                                 : "The steady state was not met after the rollback: p95 stayed "
                                   "above 50 ms."},
          {"service_url", "http://127.0.0.1:8000"},
          {"load_url", "http://127.0.0.1:8080"},
          {"phases",
           {{{"name", "baseline"}, {"start", 0.0}, {"end", 10.0}},
            {{"name", "injection"}, {"start", 10.0}, {"end", 30.0}},
            {{"name", "recovery"}, {"start", 30.0}, {"end", 40.0}}}},
          {"load", load},
          {"timeline", timeline(run)},
          {"slowest_traces",
           {{{"trace_id", trace},
             {"duration_s", 1.31},
             {"status", 503},
             {"phase", "injection"},
             {"url", std::string("http://127.0.0.1:8000/console#trace=") + trace}}}},
          {"console_url", "http://127.0.0.1:8000/console"}};
}

inline json::value db_latency_journal(Run run = {}) {
  const json::object baseline_p95 =
      judged("baseline", "met", "p95 of the answers at most 50 ms", 0.0021, "s",
             json::array{0.0020, 0.0022}, 1500,
             "p95 2.1 ms (95 % interval 2.0–2.2 ms) over 1,500 answers");
  const json::object errors = judged("baseline", "met", "share of 5xx answers at most 1 %", 0.0,
                                     "ratio", json::array{0.0, 0.0025}, 1500,
                                     "0 of 1,500 answers were 5xx (95 % interval 0–0.25 %)");
  json::object recovery_p95 =
      run.breaker ? judged("recovery", "met", "p95 of the answers at most 50 ms", 0.0023, "s",
                           json::array{0.0021, 0.0026}, 1200,
                           "p95 2.3 ms (95 % interval 2.1–2.6 ms) over 1,200 answers")
                  : judged("recovery", "not_met", "p95 of the answers at most 50 ms", 0.35, "s",
                           json::array{0.2, 0.6}, 1200,
                           "p95 350 ms (95 % interval 200–600 ms) over 1,200 answers");
  json::array method{
      action_run("inject 1 s of database latency", "http://127.0.0.1:8000/chaos/configure",
                 json::object{{"status", 200}, {"body", {{"db_latency_ms", 1000}}}}),
      probe_run("p95 rose", judged("injection", "met",
                                   "p95 during the injection above the "
                                   "baseline's",
                                   run.breaker ? 0.61 : 1.07, "s",
                                   json::array{run.breaker ? 0.58 : 1.04, run.breaker ? 0.64 : 1.1},
                                   3000, "p95 rose from 2.1 ms to 610 ms (rank test p < 0.001)"))};
  if (run.breaker)
    method.push_back(
        probe_run("breaker opens",
                  judged("injection", "met", "the breaker is OPEN within 5 s", "OPEN", "", nullptr,
                         nullptr, "GET /resilience said OPEN after 2.4 s"),
                  2.4));
  json::object failed_rollback =
      action_run("clear the cache", "http://127.0.0.1:8000/chaos/clear_cache", nullptr);
  failed_rollback["status"] = "failed";
  failed_rollback["exception"] = json::array{"HTTPError: 500 Internal Server Error", "  body: {}"};
  return json::object{
      {"chaoslib-version", nullptr},
      {"platform", "Linux-6.1.0-x86_64"},
      {"node", "lab-host"},
      {"experiment",
       {{"title", "Database latency: does the breaker keep answers fast?"},
        {"description",
         "When every query takes 1 s more, the circuit breaker opens and the\n"
         "fallback keeps p95 of the answers low."},
        {"tags", {"db", "latency", "breaker"}}}},
      {"start", "2026-12-02T04:10:00.123456"},
      {"end", "2026-12-02T04:10:40.523456"},
      {"duration", 40.4},
      {"status", "completed"},
      {"deviated", !run.breaker},
      {"steady_states",
       {{"before",
         {{"steady_state_met", true},
          {"probes",
           {probe_run("p95 under 50 ms", baseline_p95), probe_run("few errors", errors)}}}},
        {"after",
         {{"steady_state_met", run.breaker},
          {"probes", {probe_run("p95 under 50 ms", recovery_p95)}}}},
        {"during", json::array{}}}},
      {"run", method},
      {"rollbacks",
       {action_run("clear the chaos", "http://127.0.0.1:8000/chaos/configure",
                   json::object{{"status", 200}}),
        failed_rollback}},
      {"extensions", {extension(run)}}};
}

}  // namespace srelab::experiment::fixture
