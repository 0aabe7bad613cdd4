#include "catalog/readiness.hpp"

#include <boost/json/object.hpp>
#include <string>

#include "core/json_string.hpp"
#include "http/responses.hpp"

namespace srelab::catalog {
namespace {

constexpr postgres::Query ready_probe{"ready.probe", "SELECT 1"};

boost::asio::awaitable<std::string> postgres_problem(postgres::Pool& pool) {
  auto lease = co_await pool.acquire();
  if (!lease) co_return lease.error().message();
  auto rows = co_await lease->connection().execute(ready_probe);
  if (!rows) co_return rows.error().message();
  co_return std::string{};
}

boost::asio::awaitable<std::string> redis_problem(redis::Client& redis) {
  auto pong = co_await redis.ping();
  co_return pong ? std::string{} : pong.error().message();
}

}  // namespace

boost::asio::awaitable<http::Response> Readiness::check() {
  const std::string postgres = co_await postgres_problem(pool_);
  const std::string redis = co_await redis_problem(redis_);

  boost::json::object checks;
  checks["postgres"] = postgres.empty() ? "ok" : postgres;
  checks["redis"] = redis.empty() ? "ok" : redis;

  boost::json::object notes;
  for (const Note& note : notes_) {
    if (std::string text = note.text(); !text.empty()) notes[note.name] = std::move(text);
  }

  boost::json::object body;
  if (postgres.empty() && redis.empty()) {
    body["status"] = "ready";
    body["checks"] = std::move(checks);
    if (!notes.empty()) body["notes"] = std::move(notes);
    co_return http::json_response(http::Status::ok, to_json_text(body));
  }
  std::string detail;
  if (!postgres.empty()) detail = "postgres: " + postgres;
  if (!redis.empty()) detail += (detail.empty() ? "" : "; ") + ("redis: " + redis);
  body["error"] = "Not Ready";
  body["detail"] = detail;
  body["checks"] = std::move(checks);
  if (!notes.empty()) body["notes"] = std::move(notes);
  co_return http::json_response(http::Status::service_unavailable, to_json_text(body));
}

}  // namespace srelab::catalog
