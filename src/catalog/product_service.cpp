#include "catalog/product_service.hpp"

#include <optional>
#include <utility>

namespace srelab::catalog {

boost::asio::awaitable<result<ProductView>> ProductService::get(std::int32_t id,
                                                                OperationContext& context) {
  auto cached = co_await cache_.get(id);
  if (cached && *cached) co_return ProductView{std::move(**cached), Source::cache, {}};

  const auto started = clock_.now();
  auto found = co_await repository_.find(id, context);
  const auto repository_time = clock_.now() - started;
  if (!found) co_return found.error();
  if (!*found) co_return errc::not_found;

  std::string json = render_product_json(**found);
  // Fill only a cache that just answered: while Redis is down, each fill would fail anyway.
  if (cached) (void)co_await cache_.put(id, json, settings_.cache_ttl);
  co_return ProductView{std::move(json), Source::database, repository_time};
}

}  // namespace srelab::catalog
