#include "sim/sim_target.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>
#include <limits>

#include "catalog/admin_answers.hpp"
#include "catalog/bulk_test.hpp"
#include "catalog/dependency_faults.hpp"
#include "chaos/chaos_settings.hpp"
#include "core/json_string.hpp"
#include "core/random.hpp"
#include "http/exchange.hpp"
#include "http/http_url.hpp"
#include "http/responses.hpp"
#include "resilience/resilience_settings.hpp"
#include "sim/twin_timeline.hpp"

namespace srelab::sim {

namespace {

constexpr std::size_t kMebibyte = std::size_t{1} << 20;
constexpr std::size_t kLeakCap = std::size_t{1} << 30;  // ChaosControlsSettings' default
// A fault's share that reaches the first replica alone (a share reaches at least one).
constexpr double kFirstReplicaOnly = 0;

http::HttpAnswer answer_of(const http::Response& response) {
  http::HttpAnswer answer;
  answer.status = static_cast<int>(response.result_int());
  answer.body = response.body();
  answer.content_type = "application/json";
  return answer;
}

http::HttpAnswer json_ok(const boost::json::object& body) {
  return answer_of(http::json_response(http::Status::ok, to_json_text(body)));
}

http::HttpAnswer not_found(std::string_view method, std::string_view path) {
  return answer_of(http::json_error(
      http::Status::not_found, "Not Found",
      std::string(method) + " " + std::string(path) + " is not something the twin answers"));
}

// The twin's replicas share one modelled cache and database that never go away: what a paused or
// killed Redis or Postgres does to the service (timeouts, refusals, the breaker) is not in it.
constexpr std::string_view kNoDependencyFaults =
    "the twin does not model dependency faults (killing, stopping, pausing Redis or Postgres): "
    "run this against the lab, `sre-lab up`";

// POST /chaos/dependency: the service's own 400 for a bad body, else 409 as from a service
// without `up`.
http::HttpAnswer dependency_order(const std::string& body) {
  FieldError error;
  if (!catalog::parse_dependency_body(body, error)) return answer_of(http::field_error(error));
  return answer_of(http::json_error(http::Status::conflict, "Conflict", kNoDependencyFaults));
}

}  // namespace

SimTarget::SimTarget(const Scenario& scenario, double epoch_ms)
    : sim_([&] {
        Scenario driven = scenario;  // the experiment drives traffic and faults
        driven.traffic.clear();
        driven.faults.clear();
        return driven;
      }()),
      epoch_ms_(epoch_ms),
      pool_size_(scenario.replica.pool_size),
      bulk_seed_(scenario.seed ^ 0x9e3779b97f4a7c15ULL) {}

double SimTarget::wall_ms() const {
  return epoch_ms_ + sim_.now_s() * 1000;
}

bool SimTarget::sleep(double seconds, std::stop_token stop) {
  if (stop.stop_requested()) return false;
  if (seconds > 0) advance_to(sim_.now_s() + seconds);
  return !stop.stop_requested();
}

// A second at a time, so each closed second is filed with the first replica's breaker and pool
// as they stood when it closed, as the console samples them, however long the sleep.
void SimTarget::advance_to(double t_s) {
  for (double second = std::floor(sim_.now_s()) + 1; second < t_s; ++second) {
    sim_.run_until(second);
    file_seconds();
  }
  sim_.run_until(t_s);
  file_seconds();
}

// Each closed second: a point of the timeline, and a second of the running load.
void SimTarget::file_seconds() {
  for (SecondRecord& record : sim_.take_seconds()) {
    const SimSecond& second = record.second;
    const load::SecondPoint& point = second.point;
    const double end_s = point.elapsed_s;
    add_timeline_point(timeline_, first_replica_view(second),
                       {epoch_ms_, pool_size_, breaker_chart_state(sim_.breaker(0).state),
                        static_cast<double>(leak_.bytes)},
                       record.replaces_last);

    if (!load_ || end_s <= load_->start_s) continue;
    load::SecondPoint ours = point;
    ours.elapsed_s = end_s - load_->start_s;
    const load::SecondPoint* filed =
        load_->report.add(ours.elapsed_s, ours.tally, record.cumulative);
    if (load_->book && filed) load_->book->add(*filed, record.cumulative);
  }
}

// The second's record sums the pools of all replicas; the lab's timeline shows replica 1's.
SimSecond SimTarget::first_replica_view(SimSecond second) const {
  if (sim_.replicas() == 1) return second;
  const postgres::PoolCounts pool = sim_.pool(0);
  second.pool_active = pool.active;
  second.pool_waiting = pool.waiting;
  return second;
}

experiment::Timeline SimTarget::timeline(double since_ms) {
  experiment::Timeline cut;
  for (std::size_t i = 0; i < timeline_.time_ms.size(); ++i) {
    if (timeline_.time_ms[i] < since_ms) continue;
    cut.time_ms.push_back(timeline_.time_ms[i]);
    for (const auto& [key, values] : timeline_.values) cut.values[key].push_back(values[i]);
  }
  return cut;
}

void SimTarget::start_traffic(const load::LoadPlan& plan, experiment::PhaseBook* book) {
  // Start on a whole simulated second, where the twin closes its records, so every second of
  // the load is a whole second of the twin.
  advance_to(std::ceil(sim_.now_s()));
  load_.emplace(Load{book, sim_.now_s(), load::ReportBook(plan)});
  TrafficSegment traffic;
  traffic.rate = plan.rate.value_or(0);
  traffic.ids = plan.ids;
  sim_.set_traffic(traffic);
}

load::LoadReport SimTarget::stop_traffic() {
  TrafficSegment none;
  none.rate = 0;
  sim_.set_traffic(none);
  // Requests still in flight finish within the client's timeout; their answers belong to the
  // run, as the load generator waits for them too.
  advance_to(std::ceil(sim_.now_s()));
  load::LoadReport report = std::move(load_->report.report());
  report.elapsed_s = sim_.now_s() - load_->start_s;
  load_.reset();
  return report;
}

void SimTarget::start_load(const load::LoadPlan& plan, experiment::PhaseBook& book) {
  start_traffic(plan, &book);
}

load::LoadReport SimTarget::stop_load() {
  if (!load_) return {};
  return stop_traffic();
}

load::LoadReport SimTarget::run_load(const load::LoadPlan& plan, std::stop_token stop) {
  if (load_) {
    load::LoadReport refused;
    refused.plan = plan;
    refused.error = "the twin runs one load at a time, and the experiment's own load is running";
    return refused;
  }
  if (!plan.open_loop()) {
    load::LoadReport refused;
    refused.plan = plan;
    refused.error = "the twin runs open-loop loads only (give a rate)";
    return refused;
  }
  start_traffic(plan, nullptr);
  const double end_s = sim_.now_s() + std::chrono::duration<double>(plan.duration).count();
  while (sim_.now_s() < end_s && !stop.stop_requested())
    advance_to(std::min(end_s, sim_.now_s() + 1));
  load::LoadReport report = stop_traffic();
  report.stopped = stop.stop_requested();
  return report;
}

http::HttpAnswer SimTarget::send(const std::string& method, const std::string& url,
                                 const std::map<std::string, std::string>&, std::string body,
                                 double) {
  const auto parsed = http::parse_http_url(url);
  if (!parsed) {
    http::HttpAnswer answer;
    answer.error = "not an http:// URL: " + url;
    return answer;
  }
  return admin_call(method, parsed->target, body);
}

boost::json::value SimTarget::get_json(std::string_view path, std::string& error) {
  const http::HttpAnswer answer = admin_call("GET", path, {});
  if (answer.status != 200) {
    error = "GET " + std::string(path) + " answered " + std::to_string(answer.status);
    return nullptr;
  }
  return boost::json::parse(answer.body);
}

http::HttpAnswer SimTarget::admin_call(const std::string& method, std::string_view target,
                                       const std::string& body) {
  const std::string_view path = target.substr(0, target.find('?'));
  const std::string_view query =
      path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view{};
  const bool get = method == "GET", post = method == "POST";
  auto fault = [this](FaultEvent::Kind kind, std::string text = {}) {
    apply_to_first_replica(kind, std::move(text));
  };

  if (get && path == "/chaos") return json_ok(chaos_document());
  if (get && path == "/resilience") return json_ok(resilience_document());
  if (get && (path == "/healthz" || path == "/readyz"))
    return json_ok(boost::json::object{{"status", "ok"}});
  if (get && path == "/products/bulk/test") return bulk_test(query);
  if (post && path == "/chaos/configure") {
    FieldError error;  // checked first, for the service's own 4xx answer
    if (!chaos::merge_chaos_settings(sim_.chaos(0), body, error))
      return answer_of(http::field_error(error));
    const chaos::ChaosSettings before = sim_.chaos(0);
    fault(FaultEvent::Kind::chaos, body);
    boost::json::object answer = chaos_document();
    answer["changed"] = catalog::changes(chaos::to_json(before), chaos::to_json(sim_.chaos(0)));
    return json_ok(answer);
  }
  if (post && path == "/chaos/reset") return reset_chaos();
  if (post && path == "/lab/reset") return reset_lab();
  if (post && path == "/chaos/clear_cache") {
    FieldError error;
    const auto include_stale = catalog::parse_clear_cache_body(body, error);
    if (!include_stale) return answer_of(http::field_error(error));
    const std::size_t removed = sim_.cache_size();
    fault(FaultEvent::Kind::clear_cache, body);
    return json_ok(boost::json::object{{"removed", removed},
                                       {"include_stale", *include_stale},
                                       {"stale_copies_removed_in_process", 0}});
  }
  if (path == "/chaos/leak" && (post || method == "DELETE")) {
    if (!post) {
      const std::size_t freed = std::exchange(leak_.bytes, 0);
      return json_ok(boost::json::object{{"freed_mb", freed / kMebibyte}, {"size_mb", 0}});
    }
    FieldError error;
    const auto parsed = catalog::parse_leak_body(body, error);
    if (!parsed) return answer_of(http::field_error(error));
    const int mb = *parsed;
    const std::size_t added = static_cast<std::size_t>(mb) * kMebibyte;
    if (leak_.bytes + added > kLeakCap)
      return answer_of(http::json_error(http::Status::conflict, "Leak Cap Reached",
                                        "adding " + std::to_string(mb) + " MB would pass the cap"));
    leak_.bytes += added;
    return json_ok(boost::json::object{
        {"added_mb", mb}, {"size_mb", leak_.bytes / kMebibyte}, {"cap_mb", kLeakCap / kMebibyte}});
  }
  if (post && path == "/chaos/dependency") return dependency_order(body);
  if (get && path == "/chaos/dependency")
    return json_ok(boost::json::object{{"supervised", false}, {"detail", kNoDependencyFaults}});
  if (post && path == "/resilience/configure") {
    FieldError error;
    if (!resilience::merge_resilience_settings(sim_.resilience(0), body, error))
      return answer_of(http::field_error(error));
    const resilience::ResilienceSettings before = sim_.resilience(0);
    fault(FaultEvent::Kind::resilience, body);
    return json_ok(
        catalog::resilience_configure_answer(before, sim_.resilience(0), sim_.breaker(0).state));
  }
  if (post && path == "/resilience/reset") return reset_resilience();
  return not_found(method, path);
}

http::HttpAnswer SimTarget::bulk_test(std::string_view query) {
  FieldError error;
  const auto params = catalog::parse_bulk_params(query, error);
  if (!params) return answer_of(http::field_error(error));
  const std::uint64_t seed = params->seed.value_or(reportable_seed(bulk_seed_++));
  const std::vector<std::int32_t> ids = catalog::bulk_ids(*params, seed);
  catalog::BulkRunFacts facts;
  facts.pool_size = pool_size_;
  facts.breaker_before = resilience::to_string(sim_.breaker(0).state);
  const double started_s = sim_.now_s();
  const std::vector<BulkLookup> lookups =
      sim_.bulk_lookups(0, ids, static_cast<std::size_t>(params->concurrency));
  file_seconds();
  std::vector<catalog::BulkRow> rows;
  for (std::size_t i = 0; i < lookups.size(); ++i) {
    const BulkLookup& lookup = lookups[i];
    rows.push_back({static_cast<int>(i), ids[i], lookup.status, lookup.source,
                    lookup.latency_s * 1000, lookup.error});
    facts.pool_high_water = std::max(facts.pool_high_water, lookup.pool_active);
  }
  facts.breaker_after = resilience::to_string(sim_.breaker(0).state);
  facts.duration_ms = (sim_.now_s() - started_s) * 1000;
  return answer_of(http::json_response(http::Status::ok,
                                       catalog::render_bulk_answer(*params, seed, rows, facts)));
}

void SimTarget::apply_to_first_replica(FaultEvent::Kind kind, std::string body) {
  FaultEvent event;
  event.kind = kind;
  event.body = std::move(body);
  event.replica_share = kFirstReplicaOnly;
  sim_.apply(event);
}

http::HttpAnswer SimTarget::reset_chaos() {
  const boost::json::object before = chaos::to_json(sim_.chaos(0));
  apply_to_first_replica(FaultEvent::Kind::chaos_reset);
  return json_ok(catalog::with_reset(chaos_document(), before, chaos::to_json(sim_.chaos(0))));
}

http::HttpAnswer SimTarget::reset_resilience() {
  const boost::json::object before = resilience_facts();
  apply_to_first_replica(FaultEvent::Kind::resilience_reset);
  return json_ok(catalog::with_reset(resilience_document(), before, resilience_facts()));
}

// In the service's order (catalog/admin_routes.cpp); Redis is the twin's shared cache.
http::HttpAnswer SimTarget::reset_lab() {
  catalog::LabReset reset;
  reset.chaos_before = chaos::to_json(sim_.chaos(0));
  apply_to_first_replica(FaultEvent::Kind::chaos_reset);
  reset.chaos_after = chaos::to_json(sim_.chaos(0));
  reset.resilience_before = resilience_facts();
  apply_to_first_replica(FaultEvent::Kind::resilience_reset);
  reset.resilience_after = resilience_facts();
  reset.leak_freed_bytes = std::exchange(leak_.bytes, 0);
  reset.stale_copies_removed_in_process = sim_.stale_copies(0);
  reset.cache_keys_removed = sim_.cache_size();
  apply_to_first_replica(FaultEvent::Kind::clear_cache, R"({"include_stale": true})");
  return json_ok(catalog::lab_reset_answer(reset));
}

boost::json::object SimTarget::resilience_facts() {
  return catalog::resilience_facts(sim_.breaker(0), sim_.resilience(0));
}

boost::json::object SimTarget::chaos_document() {
  return catalog::chaos_document(sim_.chaos_state(0), {leak_.bytes, kLeakCap}, sim_.db_in_flight(0),
                                 sim_.clock());
}

boost::json::object SimTarget::resilience_document() {
  return catalog::resilience_document(sim_.breaker(0), sim_.resilience(0), sim_.pool(0),
                                      sim_.stale_copies(0), sim_.clock());
}

}  // namespace srelab::sim
