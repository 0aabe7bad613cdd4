#include "catalog/product_cache.hpp"

#include <array>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

namespace srelab::catalog {
namespace {

std::string key_with_prefix(std::string_view prefix, std::int32_t id) {
  char buffer[40];
  std::copy(prefix.begin(), prefix.end(), buffer);
  auto [end, ec] = std::to_chars(buffer + prefix.size(), buffer + sizeof buffer, id);
  (void)ec;  // 40 bytes always hold the prefix and an int32
  return std::string(buffer, end);
}

std::string seconds_arg(std::chrono::seconds ttl) {
  return std::to_string(ttl.count());
}

// The client library's frame in an error stack (error_stack.hpp).
constexpr std::string_view kDriverFrame = "hiredis (redis::Client::command)";

// A type name per failure, after the names Redis clients give their errors.
std::string_view redis_error_type(const boost::system::error_code& error) {
  if (error == errc::cache_unavailable) return "redis.ConnectionError";
  if (error == errc::cache_error) return "redis.ReplyError";
  if (error == errc::timeout) return "redis.TimeoutError";
  if (error == errc::protocol_error) return "redis.ProtocolError";
  if (error == errc::cancelled) return "redis.Cancelled";
  return "redis.Error";
}

}  // namespace

telemetry::Span RedisProductCache::command_span(OperationContext& context, std::string_view command,
                                                std::string_view key) const {
  telemetry::Span span = context.child_span("redis.command", command);
  if (span.recording()) {
    telemetry::tag_client_span(span, peer_);
    std::string raw_command(command);
    raw_command.append(" ").append(key);
    span.set_tag("redis.raw_command", raw_command);
  }
  return span;
}

void RedisProductCache::finish_command_span(telemetry::Span& span, const OperationContext& context,
                                            const boost::system::error_code& error,
                                            std::source_location where) const {
  if (!span.recording()) return;
  if (context.injected_cache_latency.count() > 0)
    span.set_metric(
        "chaos.cache_latency_ms",
        std::chrono::duration<double, std::milli>(context.injected_cache_latency).count());
  if (context.injected_cache_failure) span.set_metric("chaos.injected_failure", 1);
  if (error) {
    // An error reply's own words (e.g. the injected failure's); the code's for the others.
    const std::string message = error == errc::cache_error && !client_.last_error().empty()
                                    ? client_.last_error()
                                    : error.message();
    span.set_error(redis_error_type(error), message, kDriverFrame, where);
  }
  span.finish();
}

std::string product_cache_key(std::int32_t id) {
  return key_with_prefix("product:", id);
}
std::string stale_cache_key(std::int32_t id) {
  return key_with_prefix("stale:product:", id);
}

boost::asio::awaitable<boost::system::error_code> RedisProductCache::inject(
    OperationContext& context) {
  const chaos::FaultVerdict verdict = chaos_.cache_verdict();
  if (verdict.latency.count() > 0) {
    context.injected_cache_latency += verdict.latency;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, verdict.latency);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
  if (!verdict.fail) co_return boost::system::error_code{};
  context.injected_cache_failure = true;
  const std::array<std::string_view, 3> command{
      "EVAL", "return redis.error_reply('chaos: injected cache failure')", "0"};
  auto reply = co_await client_.command(command);
  co_return reply ? make_error_code(errc::cache_error) : reply.error();
}

boost::asio::awaitable<result<std::optional<std::string>>> RedisProductCache::get(
    std::int32_t id, OperationContext& context) {
  const std::string key = product_cache_key(id);
  const auto started = std::chrono::steady_clock::now();
  telemetry::Span span = command_span(context, "GET", key);
  if (auto injected = co_await inject(context)) {
    finish_command_span(span, context, injected);
    co_return injected;
  }
  auto value = co_await client_.get(key);
  if (lookup_duration_) lookup_duration_->observe(std::chrono::steady_clock::now() - started);
  if (value && span.recording()) span.set_metric("cache.hit", *value ? 1 : 0);
  finish_command_span(span, context, value ? boost::system::error_code{} : value.error());
  co_return value;
}

boost::asio::awaitable<result<void>> RedisProductCache::put(std::int32_t id, std::string_view json,
                                                            std::chrono::seconds ttl,
                                                            std::chrono::seconds stale_ttl,
                                                            Clock::wall_time fetched_at,
                                                            OperationContext& context) {
  telemetry::Span span = command_span(context, "SET", product_cache_key(id));
  if (auto injected = co_await inject(context)) {
    finish_command_span(span, context, injected);
    co_return injected;
  }
  const std::string stale_value =
      std::to_string(
          std::chrono::duration_cast<std::chrono::milliseconds>(fetched_at.time_since_epoch())
              .count()) +
      "|" + std::string(json);
  const std::string key = product_cache_key(id);
  const std::string stale_key = stale_cache_key(id);
  const std::string ttl_text = seconds_arg(ttl);
  const std::string stale_ttl_text = seconds_arg(stale_ttl);
  // Both SETs go out in the same pipeline batch; each is awaited for its own reply.
  const std::array<std::string_view, 5> fresh{"SET", key, json, "EX", ttl_text};
  const std::array<std::string_view, 5> stale{"SET", stale_key, stale_value, "EX", stale_ttl_text};
  auto fresh_reply = co_await client_.command(fresh);
  auto stale_reply = co_await client_.command(stale);
  const boost::system::error_code error = !fresh_reply   ? fresh_reply.error()
                                          : !stale_reply ? stale_reply.error()
                                                         : boost::system::error_code{};
  finish_command_span(span, context, error);
  if (error) co_return error;
  co_return result<void>{};
}

boost::asio::awaitable<result<std::optional<StaleEntry>>> RedisProductCache::get_stale(
    std::int32_t id, OperationContext& context) {
  const std::string key = stale_cache_key(id);
  telemetry::Span span = command_span(context, "GET", key);
  if (auto injected = co_await inject(context)) {
    finish_command_span(span, context, injected);
    co_return injected;
  }
  auto value = co_await client_.get(key);
  finish_command_span(span, context, value ? boost::system::error_code{} : value.error());
  if (!value) co_return value.error();
  if (!*value) co_return std::optional<StaleEntry>{};
  const std::string& text = **value;
  const auto bar = text.find('|');
  long long millis = 0;
  if (bar == std::string::npos ||
      std::from_chars(text.data(), text.data() + bar, millis).ec != std::errc{})
    co_return std::optional<StaleEntry>{};  // not ours: treat as absent
  co_return std::optional<StaleEntry>{
      StaleEntry{text.substr(bar + 1), Clock::wall_time{} + std::chrono::milliseconds(millis)}};
}

boost::asio::awaitable<result<std::size_t>> RedisProductCache::clear(bool include_stale) {
  std::size_t removed = 0;
  for (std::string_view pattern :
       {std::string_view("product:*"), std::string_view("stale:product:*")}) {
    if (pattern.starts_with("stale") && !include_stale) break;
    std::string cursor = "0";
    do {
      const std::array<std::string_view, 6> scan{"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"};
      auto page = co_await client_.command(scan);
      if (!page) co_return page.error();
      if (page->type != redis::Reply::Type::array || page->elements.size() != 2)
        co_return make_error_code(errc::protocol_error);
      cursor = page->elements[0].str;
      const auto& keys = page->elements[1].elements;
      if (keys.empty()) continue;
      std::vector<std::string_view> del{"UNLINK"};
      for (const auto& key : keys) del.push_back(key.str);
      auto deleted = co_await client_.command(del);
      if (!deleted) co_return deleted.error();
      removed += static_cast<std::size_t>(deleted->integer);
    } while (cursor != "0");
  }
  co_return removed;
}

}  // namespace srelab::catalog
