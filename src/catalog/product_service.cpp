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

constexpr std::string_view kBreakerStateTag = "resilience.circuit_breaker.state";

// The breaker's answer to this call, as a span of its own: where a trace shows the request
// was turned away before it reached the database.
bool decide_on_breaker(resilience::CircuitBreaker& breaker, OperationContext& context) {
  telemetry::Span span = context.child_span("resilience.circuit_breaker", "permit");
  const std::string_view before = resilience::to_string(breaker.state());
  const bool permitted = breaker.try_acquire();
  if (span.recording()) {
    span.set_tag(kBreakerStateTag, before);
    span.set_tag("resilience.circuit_breaker.decision", permitted ? "permitted" : "rejected");
  }
  return permitted;
}

void tag_breaker_state(OperationContext& context, const resilience::CircuitBreaker& breaker) {
  if (context.span && context.span->recording())
    context.span->set_tag(kBreakerStateTag, resilience::to_string(breaker.state()));
}

constexpr std::string_view kLogger = "catalog.product_service";

}  // namespace

// One line per transition (the call that caused it sees it); repeats are rate-limited by the
// logger, so a flapping breaker does not flood the log.
void ProductService::log_breaker_change(resilience::BreakerState before,
                                        const OperationContext& context) {
  if (!logger_) return;
  const resilience::BreakerState after = resilience_.breaker().state();
  if (after == before) return;
  const std::string message = "circuit breaker " + std::string(resilience::to_string(before)) +
                              " -> " + std::string(resilience::to_string(after));
  logger_->log(
      after == resilience::BreakerState::closed ? telemetry::LogLevel::info
                                                : telemetry::LogLevel::warning,
      kLogger, message, context.span,
      {telemetry::string_field("resilience.circuit_breaker.from", resilience::to_string(before)),
       telemetry::string_field("resilience.circuit_breaker.state", resilience::to_string(after))});
}

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

  resilience::CircuitBreaker& breaker = resilience_.breaker();
  const resilience::BreakerState breaker_before = breaker.state();
  // Reasons are named locals, never temporaries in the co_await expression: GCC 12 can destroy
  // such a temporary twice.
  const bool permitted = decide_on_breaker(breaker, context);
  tag_breaker_state(context, breaker);
  log_breaker_change(breaker_before, context);
  if (!permitted) {
    const std::string reason =
        "the circuit breaker is " + std::string(resilience::to_string(breaker.state()));
    co_return co_await fallback(id, cache_reachable, errc::circuit_open, reason, context, failure);
  }

  const auto started = clock_.now();
  auto found = co_await repository_.find(id, context);
  const auto repository_time = clock_.now() - started;
  if (!found) {
    if (found.error() == errc::pool_exhausted) {
      breaker.release();
      failure = {found.error(), "no database connection freed up within the pool timeout"};
      if (logger_)
        logger_->warning(
            kLogger, "database pool exhausted", context.span,
            {telemetry::integer_field("product.id", id),
             telemetry::integer_field("db.pool.active",
                                      static_cast<std::int64_t>(context.pool_active)),
             telemetry::integer_field("db.pool.size", static_cast<std::int64_t>(context.pool_size)),
             telemetry::integer_field("db.pool.waiting",
                                      static_cast<std::int64_t>(context.pool_waiting))});
      co_return found.error();
    }
    const resilience::BreakerState before_record = breaker.state();
    breaker.record_failure(repository_time);
    tag_breaker_state(context, breaker);
    if (logger_)
      logger_->error(kLogger, "database query failed", context.span,
                     {telemetry::integer_field("product.id", id),
                      telemetry::string_field("error.message", context.db_error.empty()
                                                                   ? found.error().message()
                                                                   : context.db_error)});
    log_breaker_change(before_record, context);
    const std::string reason =
        "database: " + (context.db_error.empty() ? found.error().message() : context.db_error);
    co_return co_await fallback(id, cache_reachable, found.error(), reason, context, failure);
  }
  const resilience::BreakerState before_record = breaker.state();
  breaker.record_success(repository_time);
  tag_breaker_state(context, breaker);
  log_breaker_change(before_record, context);
  if (!*found) {
    failure = {errc::not_found, "product " + std::to_string(id) + " does not exist"};
    co_return errc::not_found;
  }

  std::string json = render_product_json(**found);
  stale_copies_.put(id, json, clock_.now());
  // Fill only a cache that just answered: while Redis is down, each fill would fail anyway.
  if (cache_reachable)
    (void)co_await cache_.put(id, json, settings_.cache_ttl, settings_.stale_ttl, clock_.wall(),
                              context);
  co_return ProductView{std::move(json), Source::database, repository_time, 0, {}};
}

boost::asio::awaitable<result<ProductView>> ProductService::fallback(
    std::int32_t id, bool cache_reachable, boost::system::error_code cause,
    const std::string& reason, OperationContext& context, ProductFailure& failure) {
  failure = {cause, reason};
  if (!resilience_.fallback_enabled()) co_return cause;

  // The fallback's own span; the stale read below hangs under it.
  telemetry::Span span = context.child_span("logic.fallback", "stale_copy");
  if (span.recording()) {
    span.set_tag("app.fallback_used", "true");
    span.set_tag(kBreakerStateTag, resilience::to_string(resilience_.breaker().state()));
    span.set_tag("app.fallback_reason", reason);
  }
  telemetry::Span* const operation_span = context.span;
  if (span.recording()) context.span = &span;
  auto found = co_await stale_copy(id, cache_reachable, context);
  context.span = operation_span;
  if (found) {
    if (metrics_) metrics_->fallback.inc();
    if (span.recording()) span.set_tag("app.fallback_source", found->second);
    if (logger_)
      logger_->warning(kLogger, "served a stale copy (fallback)", &span,
                       {telemetry::integer_field("product.id", id),
                        telemetry::string_field("app.fallback_reason", reason),
                        telemetry::string_field("app.fallback_source", found->second)});
    ProductView view = std::move(found->first);
    view.fallback_reason = reason;
    co_return view;
  }
  failure.detail = reason + ", and no stale copy of product " + std::to_string(id) + " exists";
  span.set_error("fallback.no_stale_copy", failure.detail);
  if (logger_)
    logger_->error(kLogger, "fallback found no stale copy", &span,
                   {telemetry::integer_field("product.id", id),
                    telemetry::string_field("app.fallback_reason", reason)});
  co_return cause;
}

boost::asio::awaitable<std::optional<std::pair<ProductView, std::string_view>>>
ProductService::stale_copy(std::int32_t id, bool cache_reachable, OperationContext& context) {
  if (cache_reachable) {
    auto stale = co_await cache_.get_stale(id, context);
    if (stale && *stale) {
      ProductView view{std::move((*stale)->json),
                       Source::fallback_emergency,
                       {},
                       seconds_between((*stale)->fetched_at, clock_.wall()),
                       {}};
      co_return std::make_pair(std::move(view), std::string_view("redis"));
    }
  }
  if (auto copy = stale_copies_.get(id)) {
    ProductView view{std::move(copy->json),
                     Source::fallback_emergency,
                     {},
                     seconds_between(copy->fetched_at, clock_.now()),
                     {}};
    co_return std::make_pair(std::move(view), std::string_view("memory"));
  }
  co_return std::nullopt;
}

}  // namespace srelab::catalog
