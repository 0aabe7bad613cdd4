// The product path's decision: cache-aside over the repository, behind a circuit breaker, with
// graceful degradation. A hit answers from the cache. A miss asks the breaker; a permitted call
// reads the repository and fills the cache (fresh copy for the TTL, stale copy for much longer).
// When the breaker rejects or the database fails, the fallback serves a stale copy (Redis, else
// the in-process copy) as source "fallback_emergency"; with none, an emergency record (the id,
// every other field unavailable) as the same source, or, when the resilience settings say
// `fallback_without_copy: error`, the failure stands.
// Pool exhaustion is answered as such (503 Pool Exhausted), neither counted by the breaker nor
// covered by the fallback: it is this service's own queue overflowing, not the database failing,
// and the guide's pool experiment is about seeing exactly that.
// Every lookup ends in one ProductOutcome (product_outcome.hpp). A plain class over the two
// process-boundary interfaces (ProductRepository, ProductCache) and the shared breaker, fallback
// switch and stale copies, so its unit test drives it with hand-written fakes: no pool, no
// network. One per worker thread; routes.cpp and the bulk test call it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "catalog/catalog_metrics.hpp"
#include "catalog/operation_context.hpp"
#include "catalog/product_cache.hpp"
#include "catalog/product_outcome.hpp"
#include "catalog/product_repository.hpp"
#include "catalog/resilience_controls.hpp"
#include "catalog/stale_copies.hpp"
#include "core/clock.hpp"
#include "resilience/circuit_breaker.hpp"
#include "telemetry/logging/logger.hpp"

namespace srelab::catalog {

struct ProductServiceSettings {
  std::chrono::seconds cache_ttl{60};
  std::chrono::seconds stale_ttl{24 * 3600};
};

class ProductService {
 public:
  // `metrics` and `logger` may be null (unit tests that do not look at them).
  ProductService(ProductRepository& repository, ProductCache& cache, ResilienceControls& resilience,
                 StaleCopies& stale_copies, const Clock& clock, ProductServiceSettings settings,
                 const CatalogMetrics* metrics = nullptr, telemetry::Logger* logger = nullptr)
      : repository_(repository),
        cache_(cache),
        resilience_(resilience),
        stale_copies_(stale_copies),
        clock_(clock),
        settings_(settings),
        metrics_(metrics),
        logger_(logger) {}

  boost::asio::awaitable<ProductOutcome> get(std::int32_t id, OperationContext& context);

  // For the bulk test, which reports the breaker around its lookups and times them.
  const resilience::CircuitBreaker& breaker() const { return resilience_.breaker(); }
  const Clock& clock() const { return clock_; }

 private:
  bool permitted(OperationContext& context);
  ProductFailure pool_exhausted(std::int32_t id, ProductFailure failure,
                                const OperationContext& context);
  // Records the failure on the breaker; the cause the fallback then answers for.
  ProductFailure database_failed(std::int32_t id, const ProductFailure& failure,
                                 Clock::duration repository_time, OperationContext& context);
  boost::asio::awaitable<ProductOutcome> fallback(std::int32_t id, bool cache_reachable,
                                                  const ProductFailure& cause,
                                                  OperationContext& context);
  ProductView emergency_record(std::int32_t id, const ProductFailure& cause, telemetry::Span& span);
  // A stale copy of the product (Redis first, then the in-process copy) and where it came from.
  boost::asio::awaitable<std::optional<std::pair<ProductView, std::string_view>>> stale_copy(
      std::int32_t id, bool cache_reachable, OperationContext& context);
  void log_breaker_change(resilience::BreakerState before, const OperationContext& context);

  ProductRepository& repository_;
  ProductCache& cache_;
  ResilienceControls& resilience_;
  StaleCopies& stale_copies_;
  const Clock& clock_;
  ProductServiceSettings settings_;
  const CatalogMetrics* metrics_;
  telemetry::Logger* logger_;
};

}  // namespace srelab::catalog
