#include "catalog/admin_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdio>
#include <ctime>

#include "catalog/answers.hpp"
#include "chaos/chaos_settings.hpp"
#include "core/json_fields.hpp"
#include "core/json_string.hpp"
#include "http/responses.hpp"
#include "resilience/resilience_settings.hpp"

namespace srelab::catalog {
namespace {

using boost::asio::awaitable;
constexpr std::size_t mebibyte = std::size_t{1} << 20;

http::Response json_ok(const boost::json::object& body) {
  return http::json_response(http::Status::ok, to_json_text(body));
}

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

boost::json::object chaos_document(ChaosControls& chaos, const Clock& clock) {
  boost::json::object body;
  body["settings"] = chaos::to_json(chaos.faults().current());
  if (auto expires = chaos.faults().expires_at()) {
    body["expires_at"] = wall_of(clock, *expires);
    body["expires_in_s"] = seconds(*expires - clock.now());
  } else {
    body["expires_at"] = nullptr;
    body["expires_in_s"] = nullptr;
  }
  const std::size_t leak = chaos.ballast().size_bytes();
  body["leak"] = boost::json::object{{"size_mb", leak / mebibyte},
                                     {"size_bytes", leak},
                                     {"cap_mb", chaos.ballast().cap_bytes() / mebibyte}};
  body["db_queries_in_flight"] = chaos.saturation().in_flight();
  return body;
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

boost::json::object resilience_document(const AdminTargets& targets) {
  const Clock& clock = targets.clock;
  const resilience::BreakerSnapshot breaker = targets.resilience.breaker().snapshot();
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

  const postgres::PoolCounts pool = targets.pool.counts();
  boost::json::object body;
  body["circuit_breaker"] = std::move(state);
  body["settings"] = resilience::to_json(targets.resilience.settings());
  body["pool"] = boost::json::object{
      {"size", pool.size}, {"active", pool.active}, {"idle", pool.idle}, {"waiting", pool.waiting}};
  body["stale_copies_in_process"] = targets.stale_copies.size();
  return body;
}

awaitable<http::Response> configure_chaos(ChaosControls& chaos, const Clock& clock,
                                          const http::RequestContext& request) {
  FieldError error;
  auto merged =
      chaos::merge_chaos_settings(chaos.faults().current(), request.request.body(), error);
  if (!merged) co_return http::field_error(error);
  chaos.configure(*merged);
  co_return json_ok(chaos_document(chaos, clock));
}

awaitable<http::Response> clear_cache(StaleCopies& stale_copies, RedisProductCache& cache,
                                      const http::RequestContext& request) {
  FieldError error;
  auto object = parse_json_object(request.request.body(), error);
  if (!object) co_return http::field_error(error);
  JsonFields fields(*object, {"include_stale"});
  bool include_stale = false;
  if (!fields.boolean("include_stale", include_stale)) co_return http::field_error(*fields.error());
  auto removed = co_await cache.clear(include_stale);
  if (!removed)
    co_return error_response(removed.error(), "clearing the cache: " + removed.error().message());
  const std::size_t in_process = include_stale ? stale_copies.clear() : 0;
  co_return json_ok(boost::json::object{{"removed", *removed},
                                        {"include_stale", include_stale},
                                        {"stale_copies_removed_in_process", in_process}});
}

awaitable<http::Response> add_leak(chaos::MemoryBallast& ballast,
                                   const http::RequestContext& request) {
  FieldError error;
  auto object = parse_json_object(request.request.body(), error);
  if (!object) co_return http::field_error(error);
  JsonFields fields(*object, {"mb"});
  int mb = 10;
  if (!fields.integer("mb", 1, 256, mb)) co_return http::field_error(*fields.error());
  if (!ballast.add(static_cast<std::size_t>(mb) * mebibyte)) {
    co_return http::json_error(http::Status::conflict, "Leak Cap Reached",
                               "adding " + std::to_string(mb) + " MB would pass the cap of " +
                                   std::to_string(ballast.cap_bytes() / mebibyte) + " MB (now " +
                                   std::to_string(ballast.size_bytes() / mebibyte) +
                                   " MB); DELETE /chaos/leak frees it");
  }
  co_return json_ok(boost::json::object{{"added_mb", mb},
                                        {"size_mb", ballast.size_bytes() / mebibyte},
                                        {"cap_mb", ballast.cap_bytes() / mebibyte}});
}

awaitable<http::Response> configure_resilience(const AdminTargets& targets,
                                               const http::RequestContext& request) {
  FieldError error;
  auto merged = resilience::merge_resilience_settings(targets.resilience.settings(),
                                                      request.request.body(), error);
  if (!merged) co_return http::field_error(error);
  targets.resilience.apply(*merged);
  co_return json_ok(resilience_document(targets));
}

}  // namespace

void add_admin_routes(http::Router& router, const AdminTargets& targets, RedisProductCache& cache,
                      const http::MiddlewarePtr& admin_guard) {
  auto add = [&](http::Verb verb, const char* path, http::Handler handler) {
    router.add(verb, path, std::move(handler), {admin_guard});
  };
  // References to the shared parts, which outlive the router (not to `targets`, which may not).
  add(http::Verb::get, "/chaos",
      [&chaos = targets.chaos, &clock = targets.clock](http::RequestContext&)
          -> awaitable<http::Response> { co_return json_ok(chaos_document(chaos, clock)); });
  add(http::Verb::post, "/chaos/configure",
      [&chaos = targets.chaos, &clock = targets.clock](http::RequestContext& request) {
        return configure_chaos(chaos, clock, request);
      });
  add(http::Verb::post, "/chaos/reset",
      [&chaos = targets.chaos,
       &clock = targets.clock](http::RequestContext&) -> awaitable<http::Response> {
        chaos.reset();
        co_return json_ok(chaos_document(chaos, clock));
      });
  add(http::Verb::post, "/chaos/clear_cache",
      [&stale_copies = targets.stale_copies, &cache](http::RequestContext& request) {
        return clear_cache(stale_copies, cache, request);
      });
  add(http::Verb::post, "/chaos/leak",
      [&ballast = targets.chaos.ballast()](http::RequestContext& request) {
        return add_leak(ballast, request);
      });
  add(http::Verb::delete_, "/chaos/leak",
      [&ballast = targets.chaos.ballast()](http::RequestContext&) -> awaitable<http::Response> {
        const std::size_t freed = ballast.clear();
        co_return json_ok(boost::json::object{{"freed_mb", freed / mebibyte}, {"size_mb", 0}});
      });
  add(http::Verb::get, "/resilience",
      [targets](http::RequestContext&) -> awaitable<http::Response> {
        co_return json_ok(resilience_document(targets));
      });
  add(http::Verb::post, "/resilience/configure",
      [targets](http::RequestContext& request) { return configure_resilience(targets, request); });
  // Closes the breaker with an empty window (unless a forced mode is configured); the settings
  // stay. Without it, a learner would wait out open_wait_s between experiments.
  add(http::Verb::post, "/resilience/reset",
      [targets](http::RequestContext&) -> awaitable<http::Response> {
        targets.resilience.reset_breaker();
        co_return json_ok(resilience_document(targets));
      });
}

}  // namespace srelab::catalog
