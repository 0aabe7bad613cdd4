// ProductService's cache-aside decisions, with a hand-written fake repository and cache.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <map>

#include "catalog/product_service.hpp"

namespace srelab::catalog {
namespace {

using boost::asio::awaitable;

class FakeRepository final : public ProductRepository {
 public:
  awaitable<result<std::optional<Product>>> find(std::int32_t id, OperationContext&) override {
    ++calls;
    clock->advance(std::chrono::milliseconds(7));
    if (failure) co_return failure;
    auto it = products.find(id);
    if (it == products.end()) co_return std::optional<Product>{};
    co_return std::optional<Product>{it->second};
  }

  std::map<std::int32_t, Product> products;
  boost::system::error_code failure;
  int calls = 0;
  ManualClock* clock = nullptr;
};

class FakeCache final : public ProductCache {
 public:
  awaitable<result<std::optional<std::string>>> get(std::int32_t id) override {
    if (down) co_return errc::cache_unavailable;
    auto it = entries.find(id);
    if (it == entries.end()) co_return std::optional<std::string>{};
    co_return std::optional<std::string>{it->second};
  }
  awaitable<result<void>> put(std::int32_t id, std::string_view json,
                              std::chrono::seconds ttl) override {
    ++puts;
    last_ttl = ttl;
    if (down) co_return errc::cache_unavailable;
    entries[id] = std::string(json);
    co_return result<void>{};
  }

  std::map<std::int32_t, std::string> entries;
  bool down = false;
  int puts = 0;
  std::chrono::seconds last_ttl{};
};

class ProductServiceTest : public ::testing::Test {
 protected:
  ProductServiceTest() {
    Product product;
    product.id = 1;
    product.name = "Desk";
    product.description = "A desk";
    product.category = "office";
    product.price = "99.00";
    repository_.products[1] = product;
    repository_.clock = &clock_;
  }

  result<ProductView> get(std::int32_t id) {
    std::optional<result<ProductView>> out;
    boost::asio::io_context context;
    boost::asio::co_spawn(
        context,
        [&]() -> awaitable<void> {
          OperationContext operation{clock_.now()};
          out = co_await service_.get(id, operation);
        },
        boost::asio::detached);
    context.run();
    return *out;
  }

  ManualClock clock_;
  FakeRepository repository_;
  FakeCache cache_;
  ProductService service_{repository_, cache_, clock_,
                          ProductServiceSettings{std::chrono::seconds(60)}};
};

TEST_F(ProductServiceTest, MissReadsTheRepositoryThenFillsTheCache) {
  auto first = get(1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->source, Source::database);
  EXPECT_EQ(first->repository_time, std::chrono::milliseconds(7));
  EXPECT_EQ(cache_.puts, 1);
  EXPECT_EQ(cache_.last_ttl, std::chrono::seconds(60));
  EXPECT_EQ(cache_.entries.at(1), first->json);

  auto second = get(1);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->source, Source::cache);
  EXPECT_EQ(second->json, first->json);
  EXPECT_EQ(repository_.calls, 1) << "a hit must not touch the repository";
}

TEST_F(ProductServiceTest, MissingProductIsNotFoundAndNotCached) {
  auto missing = get(404);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), errc::not_found);
  EXPECT_EQ(cache_.puts, 0);
}

TEST_F(ProductServiceTest, CacheDownServesFromTheRepositoryWithoutFilling) {
  cache_.down = true;
  for (int i = 0; i < 3; ++i) {
    auto view = get(1);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->source, Source::database);
  }
  EXPECT_EQ(repository_.calls, 3);
  EXPECT_EQ(cache_.puts, 0);
}

TEST_F(ProductServiceTest, RepositoryErrorsPassThrough) {
  for (errc failure : {errc::db_unavailable, errc::pool_exhausted, errc::db_timeout}) {
    repository_.failure = failure;
    auto view = get(1);
    ASSERT_FALSE(view);
    EXPECT_EQ(view.error(), failure);
  }
  EXPECT_EQ(cache_.puts, 0);
}

}  // namespace
}  // namespace srelab::catalog
