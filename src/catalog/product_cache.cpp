#include "catalog/product_cache.hpp"

#include <charconv>

namespace srelab::catalog {

std::string product_cache_key(std::int32_t id) {
  char buffer[32] = "product:";
  auto [end, ec] = std::to_chars(buffer + 8, buffer + sizeof buffer, id);
  (void)ec;  // 24 bytes always hold an int32
  return std::string(buffer, end);
}

boost::asio::awaitable<result<std::optional<std::string>>> RedisProductCache::get(std::int32_t id) {
  co_return co_await client_.get(product_cache_key(id));
}

boost::asio::awaitable<result<void>> RedisProductCache::put(std::int32_t id, std::string_view json,
                                                            std::chrono::seconds ttl) {
  co_return co_await client_.set(product_cache_key(id), json, ttl);
}

}  // namespace srelab::catalog
