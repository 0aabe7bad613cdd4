// Where products are stored (the source of truth): an interface at the process boundary, so the
// service can be unit-tested with a fake; PgProductRepository is the real one.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>

#include "catalog/product.hpp"
#include "core/errc.hpp"
#include "core/operation_context.hpp"
#include "postgres/pool.hpp"

namespace srelab::catalog {

class ProductRepository {
 public:
  virtual ~ProductRepository() = default;
  // nullopt when no product has this id.
  virtual boost::asio::awaitable<result<std::optional<Product>>> find(
      std::int32_t id, OperationContext& context) = 0;
};

// Reads products through the shared Postgres pool with the named query "product.by_id".
class PgProductRepository final : public ProductRepository {
 public:
  explicit PgProductRepository(postgres::Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<result<std::optional<Product>>> find(std::int32_t id,
                                                              OperationContext& context) override;

 private:
  postgres::Pool& pool_;
};

}  // namespace srelab::catalog
