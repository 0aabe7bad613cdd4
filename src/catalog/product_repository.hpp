// Where products are stored (the source of truth): an interface at the process boundary, so the
// service can be unit-tested with a fake; PgProductRepository is the real one.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <utility>

#include "catalog/operation_context.hpp"
#include "catalog/product.hpp"
#include "catalog/product_outcome.hpp"
#include "chaos/chaos_state.hpp"
#include "core/errc.hpp"
#include "postgres/pool.hpp"
#include "resilience/saturation.hpp"
#include "telemetry/metrics/histogram.hpp"
#include "telemetry/tracing/client_span.hpp"

namespace srelab::catalog {

// A read that reached the database: the product (nullopt when no product has this id) and the
// pool as the read found it.
struct RepositoryRead {
  std::optional<Product> product;
  postgres::PoolCounts pool;
};

// A failed read is a ProductFailure: errc::pool_exhausted when no connection freed up, otherwise
// the database's error with its own words as the reason.
using RepositoryOutcome = boost::system::result<RepositoryRead, ProductFailure>;

class ProductRepository {
 public:
  virtual ~ProductRepository() = default;
  // `context` gives the span the read's spans hang under; the read writes nothing into it.
  virtual boost::asio::awaitable<RepositoryOutcome> find(std::int32_t id,
                                                         const OperationContext& context) = 0;
};

// Reads products through the shared Postgres pool with the named query "product.by_id". Chaos
// travels the real path: injected latency (plus saturation) is a pg_sleep inside the same
// statement, so the pooled connection is held and pg_stat_activity shows it busy; an injected
// failure is a real Postgres error raised by that statement after the latency.
// The query is a client span of `peer` (peer_endpoints.hpp), postgres.query; waiting for a
// connection is the service's own span, postgres.pool.acquire.
class PgProductRepository final : public ProductRepository {
 public:
  PgProductRepository(postgres::Pool& pool, chaos::ChaosState& chaos,
                      resilience::Saturation& saturation, telemetry::PeerEndpoint peer,
                      telemetry::Histogram* query_duration = nullptr)
      : pool_(pool),
        chaos_(chaos),
        saturation_(saturation),
        peer_(std::move(peer)),
        query_duration_(query_duration) {}
  boost::asio::awaitable<RepositoryOutcome> find(std::int32_t id,
                                                 const OperationContext& context) override;

  // Queries sent to Postgres so far: what "no DB work while the breaker is open" is checked by.
  std::uint64_t queries_sent() const { return queries_sent_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> queries_sent_{0};
  postgres::Pool& pool_;
  chaos::ChaosState& chaos_;
  resilience::Saturation& saturation_;
  telemetry::PeerEndpoint peer_;
  telemetry::Histogram* query_duration_;  // catalog.db.query.duration; null: not recorded
};

}  // namespace srelab::catalog
