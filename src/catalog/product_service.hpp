// The product path: cache-aside over the repository. A hit answers from the cache; a miss (or a
// cache that is down) reads the repository and, when the cache answered, fills it with a TTL.
// Per-worker object: it takes its repository, cache and clock through its constructor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "catalog/product.hpp"
#include "catalog/product_cache.hpp"
#include "catalog/product_repository.hpp"
#include "core/clock.hpp"
#include "core/errc.hpp"
#include "core/operation_context.hpp"

namespace srelab::catalog {

struct ProductServiceSettings {
  std::chrono::seconds cache_ttl{60};
};

struct ProductView {
  std::string json;  // the product without "source"
  Source source = Source::cache;
  Clock::duration repository_time{};  // time spent in the repository (0 on a cache hit)
};

class ProductService {
 public:
  ProductService(ProductRepository& repository, ProductCache& cache, const Clock& clock,
                 ProductServiceSettings settings)
      : repository_(repository), cache_(cache), clock_(clock), settings_(settings) {}

  // errc::not_found when the product does not exist; repository errors pass through.
  boost::asio::awaitable<result<ProductView>> get(std::int32_t id, OperationContext& context);

 private:
  ProductRepository& repository_;
  ProductCache& cache_;
  const Clock& clock_;
  ProductServiceSettings settings_;
};

}  // namespace srelab::catalog
