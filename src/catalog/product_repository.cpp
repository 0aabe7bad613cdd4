#include "catalog/product_repository.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <string>

#include "postgres/sqlstate.hpp"
#include "telemetry/tracing/error_stack.hpp"

namespace srelab::catalog {
namespace {

constexpr postgres::Query product_by_id{
    "product.by_id",
    "SELECT id, name, description, category, price::text FROM products WHERE id = $1",
    "product_by_id"};

// The same lookup with the sleep evaluated first, whether or not the product exists (the LEFT
// JOIN keeps one row), and, when $3 is not empty, an error raised by Postgres once it has slept:
// casting the message to integer fails with SQLSTATE 22P02 and the message in the error text.
// (The cast depends on the sleep's row, so the planner cannot fold it away before sleeping.)
constexpr postgres::Query product_by_id_with_chaos{
    "product.by_id",
    "SELECT p.id, p.name, p.description, p.category, p.price::text, "
    "CAST(NULLIF($3, '') || chaos.slept AS integer) "
    "FROM (SELECT pg_sleep($2::float8)::text AS slept) AS chaos "
    "LEFT JOIN products p ON p.id = $1::integer",
    "product_by_id_chaos"};

constexpr const char* injected_failure_message = "chaos: injected database failure";

// The client library's frames in an error stack (telemetry/tracing/error_stack.hpp).
constexpr std::string_view kQueryDriverFrame = "libpq (postgres::Connection::execute)";
constexpr std::string_view kPoolFrame = "postgres::Pool::acquire";

// A type name per failure: the server's condition name when it gave a SQLSTATE
// ("postgres.InvalidTextRepresentation", "postgres.QueryCanceled"), else one for the code.
std::string postgres_error_type(const boost::system::error_code& error, std::string_view sqlstate) {
  if (const auto condition = postgres::sqlstate_condition(sqlstate); !condition.empty())
    return telemetry::error_type_name("postgres", condition);
  if (error == errc::pool_exhausted) return "postgres.PoolExhausted";
  if (error == errc::db_unavailable) return "postgres.ConnectionError";
  if (error == errc::db_timeout) return "postgres.Timeout";
  if (error == errc::cancelled) return "postgres.Cancelled";
  return "postgres.Error";
}

void tag_pool(telemetry::Span& span, const postgres::PoolCounts& pool) {
  if (!span.recording()) return;
  span.set_metric("db.pool.active", static_cast<double>(pool.active));
  span.set_metric("db.pool.size", static_cast<double>(pool.size));
  span.set_metric("db.pool.waiting", static_cast<double>(pool.waiting));
}

// The database's own words for the failed statement (error.message); empty when it gave none.
std::string database_words(const postgres::Connection& connection) {
  std::string words = connection.last_error();
  while (!words.empty() && std::isspace(static_cast<unsigned char>(words.back()))) words.pop_back();
  return words;
}

std::string seconds_text(std::chrono::microseconds latency) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", static_cast<double>(latency.count()) / 1e6);
  return text;
}

}  // namespace

boost::asio::awaitable<RepositoryOutcome> PgProductRepository::find(
    std::int32_t id, const OperationContext& context) {
  const chaos::FaultVerdict verdict = chaos_.db_verdict();
  telemetry::Span acquire_span = context.child_span("postgres.pool.acquire", "acquire");
  acquire_span.set_metric(telemetry::kMeasuredMetric, 1);
  auto lease = co_await pool_.acquire();
  const postgres::PoolCounts pool = pool_.counts();
  tag_pool(acquire_span, pool);
  if (!lease) {
    ProductFailure exhausted{lease.error(),
                             "no database connection freed up within the pool timeout", pool};
    acquire_span.set_error(postgres_error_type(lease.error(), {}), exhausted.reason, kPoolFrame);
    co_return exhausted;
  }
  acquire_span.finish();

  // Counted from the moment a connection is held, so saturation models load on the database
  // itself, not the queue in front of the pool.
  const resilience::Saturation::InFlight in_flight(saturation_);
  const auto latency =
      verdict.latency + resilience::Saturation::extra_latency(verdict.saturation_ms_per_query,
                                                              in_flight.concurrent());

  telemetry::Span query_span = context.child_span("postgres.query", product_by_id.name);
  if (query_span.recording()) {
    telemetry::tag_client_span(query_span, peer_);
    tag_pool(query_span, pool);
    if (verdict.latency.count() > 0)
      query_span.set_metric("chaos.db_latency_ms",
                            std::chrono::duration<double, std::milli>(verdict.latency).count());
    if (latency > verdict.latency)
      query_span.set_metric(
          "chaos.saturation_ms",
          std::chrono::duration<double, std::milli>(latency - verdict.latency).count());
    if (verdict.fail) query_span.set_metric("chaos.injected_failure", 1);
  }
  queries_sent_.fetch_add(1, std::memory_order_relaxed);
  const auto query_started = std::chrono::steady_clock::now();
  result<postgres::QueryResult> rows = errc::db_query_failed;
  if (latency.count() == 0 && !verdict.fail) {
    const std::array<std::string, 1> params{std::to_string(id)};
    rows = co_await lease->connection().execute(product_by_id, params);
  } else {
    const std::array<std::string, 3> params{std::to_string(id), seconds_text(latency),
                                            verdict.fail ? injected_failure_message : ""};
    // The sleep is planned: the client's bound on the answer starts after it.
    rows = co_await lease->connection().execute(
        product_by_id_with_chaos, params, std::chrono::ceil<std::chrono::milliseconds>(latency));
  }
  if (query_duration_) query_duration_->observe(std::chrono::steady_clock::now() - query_started);
  if (!rows) {
    std::string words = database_words(lease->connection());
    query_span.set_error(postgres_error_type(rows.error(), lease->connection().last_sqlstate()),
                         words.empty() ? rows.error().message() : words, kQueryDriverFrame);
    ProductFailure failed{rows.error(), words.empty() ? rows.error().message() : std::move(words),
                          pool};
    co_return failed;
  }
  if (rows->rows() == 0 || rows->is_null(0, 0)) co_return RepositoryRead{std::nullopt, pool};

  Product product;
  product.id = id;
  product.name = rows->value(0, 1);
  product.description = rows->value(0, 2);
  product.category = rows->value(0, 3);
  product.price = rows->value(0, 4);
  co_return RepositoryRead{std::move(product), pool};
}

}  // namespace srelab::catalog
