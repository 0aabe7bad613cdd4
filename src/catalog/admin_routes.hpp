// The endpoints a learner breaks and defends the service with: /chaos (configure, reset,
// clear_cache, leak, dependency), /resilience (state, flight recorder, configure, reset) and
// /lab/reset (all of it back to a fresh service's state), all behind the admin guard
// (http/admin_access.hpp).
#pragma once

#include "catalog/chaos_controls.hpp"
#include "catalog/dependency_controller.hpp"
#include "catalog/product_cache.hpp"
#include "catalog/resilience_controls.hpp"
#include "catalog/stale_copies.hpp"
#include "core/clock.hpp"
#include "http/middleware.hpp"
#include "http/router.hpp"
#include "postgres/pool.hpp"

namespace srelab::catalog {

// What the admin endpoints turn and show, shared by every worker; each part outlives the router.
struct AdminTargets {
  ChaosControls& chaos;
  ResilienceControls& resilience;
  StaleCopies& stale_copies;
  const postgres::Pool& pool;  // shown beside the breaker
  const Clock& clock;
  DependencyController* dependencies = nullptr;  // null: not under `sre-lab up`
};

// `cache` is the receiving worker's Redis cache (clear_cache and /lab/reset run through it).
void add_admin_routes(http::Router& router, const AdminTargets& targets, RedisProductCache& cache,
                      const http::MiddlewarePtr& admin_guard);

}  // namespace srelab::catalog
