// The catalog's HTTP surface: GET /products/{id}, GET /products/bulk/test, /healthz, /readyz,
// and GET /metrics (Prometheus text format 0.0.4), rendered from `registry`. The bulk test runs
// behind `admin_guard` (http/admin_access.hpp).
// Handlers are plain functions of (RequestContext) → Response; http/ does everything else.
#pragma once

#include "catalog/product_service.hpp"
#include "catalog/readiness.hpp"
#include "core/clock.hpp"
#include "http/middleware.hpp"
#include "http/router.hpp"
#include "postgres/pool.hpp"
#include "telemetry/metrics/registry.hpp"

namespace srelab::catalog {

void add_catalog_routes(http::Router& router, ProductService& products, Readiness& readiness,
                        const postgres::Pool& pool, const Clock& clock,
                        const http::MiddlewarePtr& admin_guard, telemetry::Registry& registry);

}  // namespace srelab::catalog
