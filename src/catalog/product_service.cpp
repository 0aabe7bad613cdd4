#include "catalog/product_service.hpp"

#include <optional>
#include <utility>

namespace srelab::catalog {
namespace {

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

double seconds_between(Clock::wall_time from, Clock::wall_time to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

boost::asio::awaitable<result<ProductView>> ProductService::get(std::int32_t id,
                                                                OperationContext& context,
                                                                ProductFailure& failure) {
  auto cached = co_await cache_.get(id, context);
  if (cached && *cached) {
    if (metrics_) metrics_->cache_hit.inc();
    co_return ProductView{std::move(**cached), Source::cache, {}, 0, {}};
  }
  if (metrics_) metrics_->cache_miss.inc();
  const bool cache_reachable = cached.has_value();

  resilience::CircuitBreaker& breaker = controls_.breaker();
  // Reasons are named locals, never temporaries in the co_await expression: GCC 12 can destroy
  // such a temporary twice.
  if (!breaker.try_acquire()) {
    const std::string reason =
        "the circuit breaker is " + std::string(resilience::to_string(breaker.state()));
    co_return co_await fallback(id, cache_reachable, errc::circuit_open, reason, context, failure);
  }

  const Clock& clock = controls_.clock();
  const auto started = clock.now();
  auto found = co_await repository_.find(id, context);
  const auto repository_time = clock.now() - started;
  if (!found) {
    if (found.error() == errc::pool_exhausted) {
      breaker.release();
      failure = {found.error(), "no database connection freed up within the pool timeout"};
      co_return found.error();
    }
    breaker.record(true, repository_time);
    const std::string reason =
        "database: " + (context.db_error.empty() ? found.error().message() : context.db_error);
    co_return co_await fallback(id, cache_reachable, found.error(), reason, context, failure);
  }
  breaker.record(false, repository_time);
  if (!*found) {
    failure = {errc::not_found, "product " + std::to_string(id) + " does not exist"};
    co_return errc::not_found;
  }

  std::string json = render_product_json(**found);
  controls_.stale_copies().put(id, json, clock.now());
  // Fill only a cache that just answered: while Redis is down, each fill would fail anyway.
  if (cache_reachable)
    (void)co_await cache_.put(id, json, settings_.cache_ttl, settings_.stale_ttl, clock.wall(),
                              context);
  co_return ProductView{std::move(json), Source::database, repository_time, 0, {}};
}

boost::asio::awaitable<result<ProductView>> ProductService::fallback(
    std::int32_t id, bool cache_reachable, boost::system::error_code cause,
    const std::string& reason, OperationContext& context, ProductFailure& failure) {
  failure = {cause, reason};
  if (!controls_.fallback_enabled()) co_return cause;

  const Clock& clock = controls_.clock();
  if (cache_reachable) {
    auto stale = co_await cache_.get_stale(id, context);
    if (stale && *stale) {
      if (metrics_) metrics_->fallback.inc();
      co_return ProductView{std::move((*stale)->json),
                            Source::fallback_emergency,
                            {},
                            seconds_between((*stale)->fetched_at, clock.wall()),
                            reason};
    }
  }
  if (auto copy = controls_.stale_copies().get(id)) {
    if (metrics_) metrics_->fallback.inc();
    co_return ProductView{std::move(copy->json),
                          Source::fallback_emergency,
                          {},
                          seconds_between(copy->fetched_at, clock.now()),
                          reason};
  }
  failure.detail = reason + ", and no stale copy of product " + std::to_string(id) + " exists";
  co_return cause;
}

}  // namespace srelab::catalog
