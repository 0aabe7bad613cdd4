#include "catalog/admin_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "catalog/admin_answers.hpp"
#include "catalog/admin_documents.hpp"
#include "catalog/answers.hpp"
#include "catalog/dependency_faults.hpp"
#include "chaos/chaos_settings.hpp"
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

// The documents of admin_documents.hpp, from the live controls.
boost::json::object current_chaos(ChaosControls& chaos, const Clock& clock) {
  return chaos_document(chaos.faults(), {chaos.ballast().size_bytes(), chaos.ballast().cap_bytes()},
                        chaos.saturation().in_flight(), clock);
}

boost::json::object current_resilience(const AdminTargets& targets) {
  return resilience_document(targets.resilience.breaker().snapshot(), targets.resilience.settings(),
                             targets.pool.counts(), targets.stale_copies.size(), targets.clock);
}

boost::json::object resilience_facts_now(const AdminTargets& targets) {
  return resilience_facts(targets.resilience.breaker().snapshot(), targets.resilience.settings());
}

// The chaos document (small, and what the console and experiments read), with what changed.
awaitable<http::Response> configure_chaos(ChaosControls& chaos, const Clock& clock,
                                          const http::RequestContext& request) {
  FieldError error;
  const chaos::ChaosSettings before = chaos.faults().current();
  auto merged = chaos::merge_chaos_settings(before, request.request.body(), error);
  if (!merged) co_return http::field_error(error);
  chaos.configure(*merged);
  boost::json::object answer = current_chaos(chaos, clock);
  answer["changed"] = changes(chaos::to_json(before), chaos::to_json(*merged));
  co_return json_ok(answer);
}

// Every chaos setting to its default; the answer says which, and which were not at it. The leak
// stays (DELETE /chaos/leak, or POST /lab/reset for everything).
http::Response reset_chaos(ChaosControls& chaos, const Clock& clock) {
  const boost::json::object before = chaos::to_json(chaos.faults().current());
  chaos.reset();
  return json_ok(
      with_reset(current_chaos(chaos, clock), before, chaos::to_json(chaos.faults().current())));
}

awaitable<http::Response> clear_cache(StaleCopies& stale_copies, RedisProductCache& cache,
                                      const http::RequestContext& request) {
  FieldError error;
  const auto parsed = parse_clear_cache_body(request.request.body(), error);
  if (!parsed) co_return http::field_error(error);
  const bool include_stale = *parsed;
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
  const auto parsed = parse_leak_body(request.request.body(), error);
  if (!parsed) co_return http::field_error(error);
  const int mb = *parsed;
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
  const resilience::ResilienceSettings before = targets.resilience.settings();
  targets.resilience.apply(*merged);
  co_return json_ok(
      resilience_configure_answer(before, *merged, targets.resilience.breaker().state()));
}

// The settings it started with, and the breaker as new (window, counters, history).
http::Response reset_resilience(const AdminTargets& targets) {
  const boost::json::object before = resilience_facts_now(targets);
  targets.resilience.reset();
  return json_ok(with_reset(current_resilience(targets), before, resilience_facts_now(targets)));
}

// One call that every part of the lab guide can start from, whatever ran before it. The parts
// that cannot fail go first: with the chaos reset, no injected cache fault stands in the way of
// clearing Redis.
awaitable<http::Response> reset_lab(const AdminTargets& targets, RedisProductCache& cache) {
  LabReset reset;
  reset.chaos_before = chaos::to_json(targets.chaos.faults().current());
  targets.chaos.reset();
  reset.chaos_after = chaos::to_json(targets.chaos.faults().current());
  reset.resilience_before = resilience_facts_now(targets);
  targets.resilience.reset();
  reset.resilience_after = resilience_facts_now(targets);
  reset.leak_freed_bytes = targets.chaos.ballast().clear();
  reset.stale_copies_removed_in_process = targets.stale_copies.clear();
  auto removed = co_await cache.clear(/*include_stale=*/true);
  if (!removed)
    co_return error_response(removed.error(),
                             "chaos, resilience, stale copies in process and leak were reset; "
                             "clearing the Redis cache failed: " +
                                 removed.error().message());
  reset.cache_keys_removed = *removed;
  co_return json_ok(lab_reset_answer(reset));
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
          -> awaitable<http::Response> { co_return json_ok(current_chaos(chaos, clock)); });
  add(http::Verb::post, "/chaos/configure",
      [&chaos = targets.chaos, &clock = targets.clock](http::RequestContext& request) {
        return configure_chaos(chaos, clock, request);
      });
  add(http::Verb::post, "/chaos/reset",
      [&chaos = targets.chaos, &clock = targets.clock](http::RequestContext&)
          -> awaitable<http::Response> { co_return reset_chaos(chaos, clock); });
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
  add(http::Verb::get, "/chaos/dependency",
      [dependencies = targets.dependencies](http::RequestContext&) {
        return dependency_status(dependencies);
      });
  add(http::Verb::post, "/chaos/dependency",
      [dependencies = targets.dependencies](http::RequestContext& request) {
        return act_on_dependency(dependencies, request.request.body());
      });
  add(http::Verb::get, "/resilience",
      [targets](http::RequestContext&) -> awaitable<http::Response> {
        co_return json_ok(current_resilience(targets));
      });
  add(http::Verb::post, "/resilience/configure",
      [targets](http::RequestContext& request) { return configure_resilience(targets, request); });
  add(http::Verb::post, "/resilience/reset",
      [targets](http::RequestContext&) -> awaitable<http::Response> {
        co_return reset_resilience(targets);
      });
  add(http::Verb::post, "/lab/reset",
      [targets, &cache](http::RequestContext&) { return reset_lab(targets, cache); });
}

}  // namespace srelab::catalog
