#include "catalog/product_service.hpp"

#include <optional>
#include <string>
#include <utility>

namespace srelab::catalog {
namespace {

ProductView view_of(std::string json, Source source) {
  ProductView view;
  view.json = std::move(json);
  view.source = source;
  return view;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

double seconds_between(Clock::wall_time from, Clock::wall_time to) {
  return std::chrono::duration<double>(to - from).count();
}

constexpr std::string_view kBreakerStateTag = "resilience.circuit_breaker.state";

// The state as the guide filters on it (forced open reads OPEN), and the forcing beside it as a
// metric, the way tracers send a boolean.
void tag_breaker(telemetry::Span& span, resilience::BreakerState state) {
  span.set_tag(kBreakerStateTag, resilience::to_string(state));
  if (state == resilience::BreakerState::forced_open)
    span.set_metric("resilience.circuit_breaker.forced", 1);
}

// The breaker's answer to this call, as a span of its own: where a trace shows the request
// was turned away before it reached the database. Measured, so it gets trace metrics though it
// is not a service's entry span.
bool decide_on_breaker(resilience::CircuitBreaker& breaker, const OperationContext& context) {
  telemetry::Span span = context.child_span("resilience.circuit_breaker", "permit");
  const resilience::BreakerState before = breaker.state();
  const bool permitted = breaker.try_acquire();
  if (span.recording()) {
    span.set_metric("_dd.measured", 1);
    tag_breaker(span, before);
    span.set_tag("resilience.circuit_breaker.decision", permitted ? "permitted" : "rejected");
  }
  return permitted;
}

void tag_breaker_state(const OperationContext& context, const resilience::CircuitBreaker& breaker) {
  if (context.span && context.span->recording()) tag_breaker(*context.span, breaker.state());
}

std::string rejection_reason(resilience::BreakerState state) {
  return "the circuit breaker is " + std::string(resilience::to_string(state)) +
         (state == resilience::BreakerState::forced_open ? " (forced open)" : "");
}

// Only where the fallback answered: a tracer's boolean, sent as the metric 1.
void mark_fallback_used(telemetry::Span& span, std::string_view source) {
  if (!span.recording()) return;
  span.set_metric("app.fallback_used", 1);
  span.set_tag("app.fallback_source", source);
}

std::int64_t as_field(std::size_t count) {
  return static_cast<std::int64_t>(count);
}

constexpr std::string_view kLogger = "catalog.product_service";

}  // namespace

// Failures are named locals, never temporaries in a co_await or co_return expression: GCC 12 can
// destroy such a temporary twice.
boost::asio::awaitable<ProductOutcome> ProductService::get(std::int32_t id,
                                                           OperationContext& context) {
  auto cached = co_await cache_.get(id, context);
  if (cached && *cached) {
    if (metrics_) metrics_->cache_hit.inc();
    ProductView hit = view_of(std::move(**cached), Source::cache);
    co_return hit;
  }
  if (metrics_) metrics_->cache_miss.inc();
  const bool cache_reachable = cached.has_value();

  resilience::CircuitBreaker& breaker = resilience_.breaker();
  if (!permitted(context)) {
    const ProductFailure rejected{errc::circuit_open, rejection_reason(breaker.state()),
                                  std::nullopt};
    co_return co_await fallback(id, cache_reachable, rejected, context);
  }

  const auto started = clock_.now();
  RepositoryOutcome read = co_await repository_.find(id, context);
  const auto repository_time = clock_.now() - started;
  if (!read && read.error().code == errc::pool_exhausted) {
    ProductFailure exhausted = pool_exhausted(id, read.error(), context);
    co_return exhausted;
  }
  if (!read) {
    const ProductFailure cause = database_failed(id, read.error(), repository_time, context);
    co_return co_await fallback(id, cache_reachable, cause, context);
  }
  const resilience::BreakerState before_record = breaker.state();
  breaker.record_success(repository_time);
  tag_breaker_state(context, breaker);
  log_breaker_change(before_record, context);
  if (!read->product) {
    ProductFailure missing{errc::not_found, "product " + std::to_string(id) + " does not exist",
                           read->pool};
    co_return missing;
  }

  std::string json = render_product_json(*read->product);
  stale_copies_.put(id, json, clock_.now());
  // Fill only a cache that just answered: while Redis is down, each fill would fail anyway.
  if (cache_reachable)
    (void)co_await cache_.put(id, json, settings_.cache_ttl, settings_.stale_ttl, clock_.wall(),
                              context);
  ProductView fresh = view_of(std::move(json), Source::database);
  fresh.repository_time = repository_time;
  fresh.pool = read->pool;
  co_return fresh;
}

// Asks the breaker (its own span), tags the operation with the state and logs a transition.
bool ProductService::permitted(OperationContext& context) {
  resilience::CircuitBreaker& breaker = resilience_.breaker();
  const resilience::BreakerState before = breaker.state();
  const bool permitted = decide_on_breaker(breaker, context);
  tag_breaker_state(context, breaker);
  log_breaker_change(before, context);
  return permitted;
}

// The permit goes back unused: an exhausted pool says nothing about the database.
ProductFailure ProductService::pool_exhausted(std::int32_t id, ProductFailure failure,
                                              const OperationContext& context) {
  resilience_.breaker().release();
  if (logger_) {
    const postgres::PoolCounts pool = failure.pool.value_or(postgres::PoolCounts{});
    logger_->warning(kLogger, "database pool exhausted", context.span,
                     {telemetry::integer_field("product.id", id),
                      telemetry::integer_field("db.pool.active", as_field(pool.active)),
                      telemetry::integer_field("db.pool.size", as_field(pool.size)),
                      telemetry::integer_field("db.pool.waiting", as_field(pool.waiting))});
  }
  return failure;
}

ProductFailure ProductService::database_failed(std::int32_t id, const ProductFailure& failure,
                                               Clock::duration repository_time,
                                               OperationContext& context) {
  resilience::CircuitBreaker& breaker = resilience_.breaker();
  const resilience::BreakerState before_record = breaker.state();
  breaker.record_failure(repository_time);
  tag_breaker_state(context, breaker);
  if (logger_)
    logger_->error(kLogger, "database query failed", context.span,
                   {telemetry::integer_field("product.id", id),
                    telemetry::string_field("error.message", failure.reason)});
  log_breaker_change(before_record, context);
  return ProductFailure{failure.code, "database: " + failure.reason, failure.pool};
}

// The fallback answers with a stale copy when it has one; without one, with an emergency record
// (200, the guide's "instead of an error") unless it is set to let the failure stand.
boost::asio::awaitable<ProductOutcome> ProductService::fallback(std::int32_t id,
                                                                bool cache_reachable,
                                                                const ProductFailure& cause,
                                                                OperationContext& context) {
  if (!resilience_.fallback_enabled()) {
    ProductFailure failure = cause;
    co_return failure;
  }

  // The fallback's own span; the stale read below hangs under it.
  telemetry::Span span = context.child_span("logic.fallback", "stale_copy");
  if (span.recording()) {
    span.set_metric("_dd.measured", 1);
    tag_breaker(span, resilience_.breaker().state());
    span.set_tag("app.fallback_reason", cause.reason);
  }
  OperationContext inside = context.under(span);
  auto found = co_await stale_copy(id, cache_reachable, inside);
  if (found) {
    if (metrics_) metrics_->fallback_stale.inc();
    mark_fallback_used(span, found->second);
    if (logger_)
      logger_->warning(kLogger, "served a stale copy (fallback)", &span,
                       {telemetry::integer_field("product.id", id),
                        telemetry::string_field("app.fallback_reason", cause.reason),
                        telemetry::string_field("app.fallback_source", found->second)});
    ProductView view = std::move(found->first);
    view.fallback_reason = cause.reason;
    view.pool = cause.pool;
    co_return view;
  }
  if (resilience_.fallback_without_copy() == resilience::FallbackWithoutCopy::emergency) {
    ProductView view = emergency_record(id, cause, span);
    co_return view;
  }
  ProductFailure failure{
      cause.code, cause.reason + ", and no stale copy of product " + std::to_string(id) + " exists",
      cause.pool};
  span.set_error("fallback.no_stale_copy", failure.reason);
  if (logger_)
    logger_->error(kLogger, "fallback found no stale copy", &span,
                   {telemetry::integer_field("product.id", id),
                    telemetry::string_field("app.fallback_reason", cause.reason)});
  co_return failure;
}

// Nothing known about the product, not even whether it exists (the database cannot be asked):
// an id that has no row gets the same record.
ProductView ProductService::emergency_record(std::int32_t id, const ProductFailure& cause,
                                             telemetry::Span& span) {
  if (metrics_) metrics_->fallback_emergency.inc();
  mark_fallback_used(span, "emergency");
  if (logger_)
    logger_->warning(kLogger, "served an emergency record (fallback, no stale copy)", &span,
                     {telemetry::integer_field("product.id", id),
                      telemetry::string_field("app.fallback_reason", cause.reason),
                      telemetry::string_field("app.fallback_source", "emergency")});
  ProductView view = view_of(render_emergency_json(id), Source::fallback_emergency);
  view.emergency = true;
  view.fallback_reason = cause.reason;
  view.pool = cause.pool;
  return view;
}

boost::asio::awaitable<std::optional<std::pair<ProductView, std::string_view>>>
ProductService::stale_copy(std::int32_t id, bool cache_reachable, OperationContext& context) {
  if (cache_reachable) {
    auto stale = co_await cache_.get_stale(id, context);
    if (stale && *stale) {
      ProductView view = view_of(std::move((*stale)->json), Source::fallback_emergency);
      view.stale_age_s = seconds_between((*stale)->fetched_at, clock_.wall());
      co_return std::make_pair(std::move(view), std::string_view("redis"));
    }
  }
  if (auto copy = stale_copies_.get(id)) {
    ProductView view = view_of(std::move(copy->json), Source::fallback_emergency);
    view.stale_age_s = seconds_between(copy->fetched_at, clock_.now());
    co_return std::make_pair(std::move(view), std::string_view("memory"));
  }
  co_return std::nullopt;
}

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

}  // namespace srelab::catalog
