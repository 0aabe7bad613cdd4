#include "catalog/product_repository.hpp"

#include <array>
#include <string>

namespace srelab::catalog {
namespace {

constexpr postgres::Query product_by_id{
    "product.by_id",
    "SELECT id, name, description, category, price::text FROM products WHERE id = $1"};

}  // namespace

boost::asio::awaitable<result<std::optional<Product>>> PgProductRepository::find(
    std::int32_t id, OperationContext& /*context*/) {
  auto lease = co_await pool_.acquire();
  if (!lease) co_return lease.error();

  const std::array<std::string, 1> params{std::to_string(id)};
  auto rows = co_await lease->connection().execute(product_by_id, params);
  if (!rows) co_return rows.error();
  if (rows->rows() == 0) co_return std::optional<Product>{};

  Product product;
  product.id = id;
  product.name = rows->value(0, 1);
  product.description = rows->value(0, 2);
  product.category = rows->value(0, 3);
  product.price = rows->value(0, 4);
  co_return std::optional<Product>{std::move(product)};
}

}  // namespace srelab::catalog
