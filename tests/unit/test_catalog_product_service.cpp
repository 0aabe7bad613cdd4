// ProductService's decisions — cache-aside, breaker, fallback — with a hand-written fake
// repository and cache, on a manual clock. No network, no pool.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <map>

#include "catalog/product_service.hpp"

namespace srelab::catalog {
namespace {

using boost::asio::awaitable;
using namespace std::chrono_literals;

class FakeRepository final : public ProductRepository {
 public:
  awaitable<result<std::optional<Product>>> find(std::int32_t id, OperationContext&) override {
    ++calls;
    clock->advance(7ms);
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
  awaitable<result<std::optional<std::string>>> get(std::int32_t id, OperationContext&) override {
    if (down) co_return errc::cache_unavailable;
    auto it = entries.find(id);
    if (it == entries.end()) co_return std::optional<std::string>{};
    co_return std::optional<std::string>{it->second};
  }
  awaitable<result<void>> put(std::int32_t id, std::string_view json, std::chrono::seconds ttl,
                              std::chrono::seconds stale_ttl, Clock::wall_time fetched_at,
                              OperationContext&) override {
    ++puts;
    last_ttl = ttl;
    last_stale_ttl = stale_ttl;
    if (down) co_return errc::cache_unavailable;
    entries[id] = std::string(json);
    stale[id] = StaleEntry{std::string(json), fetched_at};
    co_return result<void>{};
  }
  awaitable<result<std::optional<StaleEntry>>> get_stale(std::int32_t id,
                                                         OperationContext&) override {
    if (down) co_return errc::cache_unavailable;
    auto it = stale.find(id);
    if (it == stale.end()) co_return std::optional<StaleEntry>{};
    co_return std::optional<StaleEntry>{it->second};
  }

  std::map<std::int32_t, std::string> entries;
  std::map<std::int32_t, StaleEntry> stale;
  bool down = false;
  int puts = 0;
  std::chrono::seconds last_ttl{}, last_stale_ttl{};
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
    product.id = 2;
    repository_.products[2] = product;
    repository_.clock = &clock_;
  }

  result<ProductView> get(std::int32_t id) {
    ProductFailure failure;
    return get(id, failure);
  }
  result<ProductView> get(std::int32_t id, ProductFailure& failure) {
    std::optional<result<ProductView>> out;
    boost::asio::io_context context;
    boost::asio::co_spawn(
        context,
        [&]() -> awaitable<void> {
          OperationContext operation{};
          operation.started = clock_.now();
          out = co_await service_.get(id, operation, failure);
        },
        boost::asio::detached);
    context.run();
    return *out;
  }
  void fail_database(int times) {
    repository_.failure = errc::db_query_failed;
    for (int i = 0; i < times; ++i) (void)get(1000 + i);
  }
  resilience::BreakerState breaker() { return resilience_.breaker().state(); }

  ManualClock clock_;
  FakeRepository repository_;
  FakeCache cache_;
  ResilienceControls resilience_{resilience::ResilienceSettings{}, clock_};
  StaleCopies stale_copies_{10'000};
  ProductService service_{repository_,   cache_, resilience_,
                          stale_copies_, clock_, ProductServiceSettings{60s, 3600s}};
};

TEST_F(ProductServiceTest, MissReadsTheRepositoryThenFillsTheCache) {
  auto first = get(1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->source, Source::database);
  EXPECT_EQ(first->repository_time, 7ms);
  EXPECT_EQ(cache_.puts, 1);
  EXPECT_EQ(cache_.last_ttl, 60s);
  EXPECT_EQ(cache_.last_stale_ttl, 3600s);
  EXPECT_EQ(cache_.entries.at(1), first->json);

  auto second = get(1);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->source, Source::cache);
  EXPECT_EQ(second->json, first->json);
  EXPECT_EQ(repository_.calls, 1) << "a hit must not touch the repository";
}

TEST_F(ProductServiceTest, MissingProductIsNotFoundAndNotCached) {
  ProductFailure failure;
  auto missing = get(404, failure);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), errc::not_found);
  EXPECT_NE(failure.detail.find("404"), std::string::npos);
  EXPECT_EQ(cache_.puts, 0);
  EXPECT_EQ(breaker(), resilience::BreakerState::closed) << "not found is a success for the DB";
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

TEST_F(ProductServiceTest, FiveDatabaseFailuresOpenTheBreakerAndThenNoCallIsMade) {
  fail_database(5);
  EXPECT_EQ(breaker(), resilience::BreakerState::open);
  const int calls = repository_.calls;
  ProductFailure failure;
  auto rejected = get(7, failure);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error(), errc::circuit_open);
  EXPECT_NE(failure.detail.find("no stale copy"), std::string::npos) << failure.detail;
  EXPECT_EQ(repository_.calls, calls);
}

TEST_F(ProductServiceTest, FallbackServesTheStaleCopyFromRedisWithItsAge) {
  ASSERT_TRUE(get(1));
  cache_.entries.clear();  // the fresh copy expired; the stale one stays
  clock_.advance(30s);
  fail_database(5);
  auto view = get(1);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->source, Source::fallback_emergency);
  EXPECT_NEAR(view->stale_age_s, 30.0, 0.1);
  EXPECT_NE(view->fallback_reason.find("OPEN"), std::string::npos) << view->fallback_reason;
}

TEST_F(ProductServiceTest, FallbackUsesTheInProcessCopyWhenRedisIsDownToo) {
  ASSERT_TRUE(get(2));
  cache_.down = true;
  repository_.failure = errc::db_unavailable;
  auto view = get(2);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->source, Source::fallback_emergency);
  EXPECT_NE(view->fallback_reason.find("database"), std::string::npos);
}

TEST_F(ProductServiceTest, WithoutTheFallbackTheDatabaseErrorStands) {
  ASSERT_TRUE(get(1));
  cache_.entries.clear();
  auto settings = resilience_.settings();
  settings.fallback_enabled = false;
  resilience_.apply(settings);
  repository_.failure = errc::db_query_failed;
  auto view = get(1);
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error(), errc::db_query_failed);
}

TEST_F(ProductServiceTest, PoolExhaustionIsNeitherABreakerFailureNorAFallback) {
  ASSERT_TRUE(get(1));
  cache_.entries.clear();
  repository_.failure = errc::pool_exhausted;
  for (int i = 0; i < 10; ++i) {
    auto view = get(1);
    ASSERT_FALSE(view);
    EXPECT_EQ(view.error(), errc::pool_exhausted);
  }
  EXPECT_EQ(breaker(), resilience::BreakerState::closed);
  EXPECT_EQ(resilience_.breaker().snapshot().window.size(), 1u)
      << "only the first, successful call was recorded";
}

}  // namespace
}  // namespace srelab::catalog
