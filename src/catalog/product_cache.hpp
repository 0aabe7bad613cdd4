// The cache in front of the repository: an interface at the process boundary (fake in unit
// tests); RedisProductCache is the real one, keys "product:{id}", values the product JSON.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/errc.hpp"
#include "redis/client.hpp"

namespace srelab::catalog {

class ProductCache {
 public:
  virtual ~ProductCache() = default;
  // nullopt on a miss; an error when the cache cannot answer.
  virtual boost::asio::awaitable<result<std::optional<std::string>>> get(std::int32_t id) = 0;
  virtual boost::asio::awaitable<result<void>> put(std::int32_t id, std::string_view json,
                                                   std::chrono::seconds ttl) = 0;
};

std::string product_cache_key(std::int32_t id);

class RedisProductCache final : public ProductCache {
 public:
  explicit RedisProductCache(redis::Client& client) : client_(client) {}
  boost::asio::awaitable<result<std::optional<std::string>>> get(std::int32_t id) override;
  boost::asio::awaitable<result<void>> put(std::int32_t id, std::string_view json,
                                           std::chrono::seconds ttl) override;

 private:
  redis::Client& client_;
};

}  // namespace srelab::catalog
