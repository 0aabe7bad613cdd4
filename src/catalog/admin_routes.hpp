// The endpoints a learner breaks and defends the service with: /chaos (configure, reset,
// clear_cache, leak) and /resilience (state, flight recorder, configure, reset), all behind
// AdminAccess.
#pragma once

#include "catalog/admin_access.hpp"
#include "catalog/controls.hpp"
#include "catalog/product_cache.hpp"
#include "http/router.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::catalog {

// `cache` is the receiving worker's Redis cache (clear_cache runs through it).
void add_admin_routes(http::Router& router, Controls& controls, RedisProductCache& cache,
                      const AdminAccess& access, telemetry::Registry& registry);

}  // namespace srelab::catalog
