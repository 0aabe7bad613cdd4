#include "catalog/admin_documents.hpp"

#include <boost/json/array.hpp>
#include <cstdio>
#include <ctime>

#include "core/json_fields.hpp"

namespace srelab::catalog {
namespace {

constexpr std::size_t mebibyte = std::size_t{1} << 20;

std::string iso_time(Clock::wall_time time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

double seconds(Clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

// A steady time point shown as wall time, through its distance from now.
std::string wall_of(const Clock& clock, Clock::time_point at) {
  return iso_time(clock.wall() +
                  std::chrono::duration_cast<Clock::wall_time::duration>(at - clock.now()));
}

boost::json::array window_json(const std::vector<resilience::CallRecord>& window) {
  boost::json::array calls;
  for (const auto& call : window)
    calls.push_back(boost::json::object{
        {"outcome", call.failed ? "failure" : "success"},
        {"slow", call.slow},
        {"duration_ms", std::chrono::duration<double, std::milli>(call.duration).count()}});
  return calls;
}

}  // namespace

boost::json::object chaos_document(chaos::ChaosState& faults, LeakSize leak,
                                   std::size_t db_queries_in_flight, const Clock& clock) {
  boost::json::object body;
  body["settings"] = chaos::to_json(faults.current());
  if (auto expires = faults.expires_at()) {
    body["expires_at"] = wall_of(clock, *expires);
    body["expires_in_s"] = seconds(*expires - clock.now());
  } else {
    body["expires_at"] = nullptr;
    body["expires_in_s"] = nullptr;
  }
  body["leak"] = boost::json::object{{"size_mb", leak.bytes / mebibyte},
                                     {"size_bytes", leak.bytes},
                                     {"cap_mb", leak.cap_bytes / mebibyte}};
  body["db_queries_in_flight"] = db_queries_in_flight;
  return body;
}

boost::json::object resilience_document(const resilience::BreakerSnapshot& breaker,
                                        const resilience::ResilienceSettings& settings,
                                        const postgres::PoolCounts& pool,
                                        std::size_t stale_copies_in_process, const Clock& clock) {
  boost::json::object state;
  state["state"] = resilience::to_string(breaker.state);
  state["forced"] = breaker.state == resilience::BreakerState::forced_open;
  state["failure_rate"] = breaker.failure_rate;
  state["slow_call_rate"] = breaker.slow_call_rate;
  state["calls_in_window"] = breaker.window.size();
  state["window"] = window_json(breaker.window);
  state["rejected_calls"] = breaker.rejected_calls;
  state["half_open_in_flight"] = breaker.half_open_in_flight;
  if (breaker.state == resilience::BreakerState::open)
    state["open_until"] = wall_of(clock, breaker.open_until);
  boost::json::array transitions;
  for (const auto& transition : breaker.transitions)
    transitions.push_back(boost::json::object{{"at", wall_of(clock, transition.at)},
                                              {"from", resilience::to_string(transition.from)},
                                              {"to", resilience::to_string(transition.to)},
                                              {"reason", transition.reason},
                                              {"window", window_json(transition.window)}});
  state["transitions"] = std::move(transitions);

  boost::json::object body;
  body["circuit_breaker"] = std::move(state);
  body["settings"] = resilience::to_json(settings);
  body["pool"] = boost::json::object{
      {"size", pool.size}, {"active", pool.active}, {"idle", pool.idle}, {"waiting", pool.waiting}};
  body["stale_copies_in_process"] = stale_copies_in_process;
  return body;
}

std::optional<bool> parse_clear_cache_body(std::string_view body, FieldError& error) {
  auto object = parse_json_object(body, error);
  if (!object) return std::nullopt;
  JsonFields fields(*object, {"include_stale"});
  bool include_stale = false;
  if (fields.boolean("include_stale", include_stale)) return include_stale;
  error = *fields.error();
  return std::nullopt;
}

std::optional<int> parse_leak_body(std::string_view body, FieldError& error) {
  auto object = parse_json_object(body, error);
  if (!object) return std::nullopt;
  JsonFields fields(*object, {"mb"});
  int mb = 10;
  if (fields.integer("mb", 1, 256, mb)) return mb;
  error = *fields.error();
  return std::nullopt;
}

}  // namespace srelab::catalog
