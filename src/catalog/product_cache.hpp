// The cache in front of the repository: an interface at the process boundary (fake in unit
// tests). RedisProductCache is the real one: "product:{id}" holds the product JSON for the cache
// TTL; "stale:product:{id}" holds "<fetched-at unix ms>|<json>" much longer, for the fallback.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>

#include "catalog/operation_context.hpp"
#include "chaos/chaos_state.hpp"
#include "core/clock.hpp"
#include "core/errc.hpp"
#include "redis/client.hpp"
#include "telemetry/metrics/histogram.hpp"
#include "telemetry/tracing/client_span.hpp"

namespace srelab::catalog {

struct StaleEntry {
  std::string json;
  Clock::wall_time fetched_at;
};

class ProductCache {
 public:
  virtual ~ProductCache() = default;
  // nullopt on a miss; an error when the cache cannot answer.
  virtual boost::asio::awaitable<result<std::optional<std::string>>> get(
      std::int32_t id, OperationContext& context) = 0;
  // Stores the fresh copy for `ttl` and the stale copy for `stale_ttl`.
  virtual boost::asio::awaitable<result<void>> put(std::int32_t id, std::string_view json,
                                                   std::chrono::seconds ttl,
                                                   std::chrono::seconds stale_ttl,
                                                   Clock::wall_time fetched_at,
                                                   OperationContext& context) = 0;
  virtual boost::asio::awaitable<result<std::optional<StaleEntry>>> get_stale(
      std::int32_t id, OperationContext& context) = 0;
};

std::string product_cache_key(std::int32_t id);
std::string stale_cache_key(std::int32_t id);

// Chaos on the Redis path: the verdict's latency is waited out on the client side before the
// command is sent (Redis is single-threaded: a server-side sleep would stall every client, not
// just this call), and an injected failure is a real error reply from Redis.
// Each command is a client span of `peer` (peer_endpoints.hpp), named redis.command; the
// lookup's time (get(), injected latency included) goes to `lookup_duration` when given.
class RedisProductCache final : public ProductCache {
 public:
  RedisProductCache(redis::Client& client, chaos::ChaosState& chaos, telemetry::PeerEndpoint peer,
                    telemetry::Histogram* lookup_duration = nullptr)
      : client_(client), chaos_(chaos), peer_(std::move(peer)), lookup_duration_(lookup_duration) {}
  boost::asio::awaitable<result<std::optional<std::string>>> get(
      std::int32_t id, OperationContext& context) override;
  boost::asio::awaitable<result<void>> put(std::int32_t id, std::string_view json,
                                           std::chrono::seconds ttl, std::chrono::seconds stale_ttl,
                                           Clock::wall_time fetched_at,
                                           OperationContext& context) override;
  boost::asio::awaitable<result<std::optional<StaleEntry>>> get_stale(
      std::int32_t id, OperationContext& context) override;

  // Deletes the fresh copies (and the stale ones when asked) with SCAN + DEL; how many were
  // removed.
  boost::asio::awaitable<result<std::size_t>> clear(bool include_stale);

 private:
  // Applies the chaos verdict of one command: waits its latency, then, when it fails, asks
  // Redis for an error reply. errc::ok when the command may go ahead.
  boost::asio::awaitable<boost::system::error_code> inject(OperationContext& context);

  // A client span for one command, started now.
  telemetry::Span command_span(OperationContext& context, std::string_view command,
                               std::string_view key) const;
  // What the command's outcome says on its span, which it finishes: the chaos that touched it,
  // the error (its stack's innermost code frame is `where`, the calling command's function).
  void finish_command_span(telemetry::Span& span, const OperationContext& context,
                           const boost::system::error_code& error,
                           std::source_location where = std::source_location::current()) const;

  redis::Client& client_;
  chaos::ChaosState& chaos_;
  telemetry::PeerEndpoint peer_;
  telemetry::Histogram* lookup_duration_;  // catalog.cache.duration; null: not recorded
};

}  // namespace srelab::catalog
