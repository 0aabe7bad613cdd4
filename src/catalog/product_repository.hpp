// Where products are stored (the source of truth): an interface at the process boundary, so the
// service can be unit-tested with a fake; PgProductRepository is the real one.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>

#include "catalog/operation_context.hpp"
#include "catalog/product.hpp"
#include "chaos/chaos_state.hpp"
#include "core/errc.hpp"
#include "postgres/pool.hpp"
#include "resilience/saturation.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::catalog {

class ProductRepository {
 public:
  virtual ~ProductRepository() = default;
  // nullopt when no product has this id. errc::pool_exhausted when no connection freed up.
  virtual boost::asio::awaitable<result<std::optional<Product>>> find(
      std::int32_t id, OperationContext& context) = 0;
};

// Reads products through the shared Postgres pool with the named query "product.by_id". Chaos
// travels the real path: injected latency (plus saturation) is a pg_sleep inside the same
// statement, so the pooled connection is held and pg_stat_activity shows it busy; an injected
// failure is a real Postgres error raised by that statement after the latency.
class PgProductRepository final : public ProductRepository {
 public:
  PgProductRepository(postgres::Pool& pool, chaos::ChaosState& chaos,
                      resilience::Saturation& saturation,
                      telemetry::Histogram* query_duration = nullptr)
      : pool_(pool), chaos_(chaos), saturation_(saturation), query_duration_(query_duration) {}
  boost::asio::awaitable<result<std::optional<Product>>> find(std::int32_t id,
                                                              OperationContext& context) override;

  // Queries sent to Postgres so far: what "no DB work while the breaker is open" is checked by.
  std::uint64_t queries_sent() const { return queries_sent_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> queries_sent_{0};
  postgres::Pool& pool_;
  chaos::ChaosState& chaos_;
  resilience::Saturation& saturation_;
  telemetry::Histogram* query_duration_;  // catalog.db.query.duration; null: not recorded
};

}  // namespace srelab::catalog
