#include "catalog/bulk_test.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cmath>
#include <map>
#include <memory>

#include "catalog/answers.hpp"
#include "core/json_string.hpp"
#include "core/random.hpp"
#include "telemetry/tracing/error_stack.hpp"

namespace srelab::catalog {
namespace {

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// As the load generator judges an answer: a status outside 2xx and 3xx.
bool row_failed(const BulkRow& row) {
  return row.status < 200 || row.status >= 400;
}

// What the lookups share while they run: the next index to take and the rows.
struct BulkRun {
  ProductService& products;
  telemetry::Span* parent;  // the request's span: each lookup is a child of it
  http::RouteMetrics* lookup_metrics;
  std::vector<std::int32_t> ids;
  std::vector<BulkRow> rows;
  std::size_t next = 0;
  std::size_t pool_high_water = 0;
  int workers_left = 0;
  std::unique_ptr<boost::asio::steady_timer> done;
};

boost::asio::awaitable<void> bulk_worker(std::shared_ptr<BulkRun> run) {
  const Clock& clock = run->products.clock();
  while (run->next < run->ids.size()) {
    const std::size_t index = run->next++;
    OperationContext context{};
    context.started = clock.now();
    telemetry::Span lookup_span =
        run->parent ? run->parent->child("catalog.product.lookup", "GET /products/{id}")
                    : telemetry::Span::inert();
    if (lookup_span.recording()) {
      lookup_span.set_metric("bulk.index", static_cast<double>(index));
      context.span = &lookup_span;
    }
    const LookupAnswer answer = co_await lookup_product(run->products, run->ids[index], context);
    BulkRow& row = run->rows[index];
    row.index = static_cast<int>(index);
    row.id = run->ids[index];
    row.status = static_cast<int>(answer.status);
    row.source = std::string(answer.source);
    row.error = answer.error;
    const Clock::duration took = clock.now() - context.started;
    row.latency_ms = std::chrono::duration<double, std::milli>(took).count();
    if (run->lookup_metrics) run->lookup_metrics->record(answer.status, took);
    if (lookup_span.recording()) {
      lookup_span.set_tag("http.status_code", std::to_string(row.status));
      if (row.status >= 500)
        lookup_span.set_error_from_descendants(telemetry::error_type_name("catalog", row.error),
                                               "lookup answered " + std::to_string(row.status));
    }
    lookup_span.finish();
    if (answer.pool) run->pool_high_water = std::max(run->pool_high_water, answer.pool->active);
  }
  if (--run->workers_left == 0) run->done->cancel();
}

}  // namespace

BulkSummary summarize_latencies(const std::vector<BulkRow>& rows) {
  std::vector<double> latencies;
  latencies.reserve(rows.size());
  for (const BulkRow& row : rows) latencies.push_back(row.latency_ms);
  std::sort(latencies.begin(), latencies.end());
  BulkSummary summary;
  summary.p50_ms = percentile(latencies, 50);
  summary.p95_ms = percentile(latencies, 95);
  summary.p99_ms = percentile(latencies, 99);
  summary.max_ms = latencies.empty() ? 0 : latencies.back();
  return summary;
}

std::vector<std::int32_t> bulk_ids(const BulkParams& params, std::uint64_t seed) {
  Random random(seed);
  std::vector<std::int32_t> ids;
  for (int i = 0; i < params.requests; ++i)
    ids.push_back(static_cast<std::int32_t>(random.between(
        static_cast<std::uint64_t>(params.id_min), static_cast<std::uint64_t>(params.id_max))));
  return ids;
}

std::string render_bulk_answer(const BulkParams& params, std::uint64_t seed,
                               const std::vector<BulkRow>& rows, const BulkRunFacts& facts) {
  const BulkSummary latency = summarize_latencies(rows);
  std::map<std::string, int> by_status, by_source;
  int failed = 0;
  boost::json::array items;
  for (const BulkRow& row : rows) {
    ++by_status[std::to_string(row.status)];
    if (row_failed(row)) ++failed;
    if (!row.source.empty()) ++by_source[row.source];
    boost::json::object item;
    item["index"] = row.index;
    item["id"] = row.id;
    item["status"] = row.status;
    item["source"] =
        row.source.empty() ? boost::json::value(nullptr) : boost::json::value(row.source);
    item["latency_ms"] = std::round(row.latency_ms * 1000) / 1000;
    item["error"] = row.error.empty() ? boost::json::value(nullptr) : boost::json::value(row.error);
    items.push_back(std::move(item));
  }
  boost::json::object status_counts, source_counts;
  for (const auto& [key, count] : by_status) status_counts[key] = count;
  for (const auto& [key, count] : by_source) source_counts[key] = count;
  auto rounded = [](double ms) { return std::round(ms * 1000) / 1000; };

  boost::json::object summary;
  summary["requests"] = params.requests;
  summary["concurrency"] = params.concurrency;
  summary["seed"] = seed;
  summary["by_status"] = std::move(status_counts);
  summary["failed"] = failed;
  summary["by_source"] = std::move(source_counts);
  summary["latency_ms"] = boost::json::object{{"p50", rounded(latency.p50_ms)},
                                              {"p95", rounded(latency.p95_ms)},
                                              {"p99", rounded(latency.p99_ms)},
                                              {"max", rounded(latency.max_ms)}};
  summary["pool_high_water"] = facts.pool_high_water;
  summary["pool_size"] = facts.pool_size;
  summary["breaker_before"] = facts.breaker_before;
  summary["breaker_after"] = facts.breaker_after;
  summary["duration_ms"] = rounded(facts.duration_ms);

  boost::json::object body;
  body["summary"] = std::move(summary);
  body["results"] = std::move(items);
  return to_json_text(body);
}

boost::asio::awaitable<std::string> run_bulk_test(ProductService& products, std::size_t pool_size,
                                                  const BulkParams& params,
                                                  std::uint64_t fresh_seed, telemetry::Span* parent,
                                                  http::RouteMetrics* lookup_metrics) {
  auto executor = co_await boost::asio::this_coro::executor;
  const resilience::CircuitBreaker& breaker = products.breaker();
  BulkRunFacts facts;
  facts.pool_size = pool_size;
  facts.breaker_before = resilience::to_string(breaker.state());
  const Clock& clock = products.clock();
  const auto started = clock.now();

  const std::uint64_t seed = params.seed.value_or(fresh_seed);
  auto run = std::make_shared<BulkRun>(BulkRun{products,
                                               parent,
                                               lookup_metrics,
                                               bulk_ids(params, seed),
                                               {},
                                               0,
                                               0,
                                               params.concurrency,
                                               nullptr});
  run->rows.resize(run->ids.size());
  run->done = std::make_unique<boost::asio::steady_timer>(
      executor, boost::asio::steady_timer::time_point::max());
  for (int i = 0; i < params.concurrency; ++i)
    boost::asio::co_spawn(executor, bulk_worker(run), boost::asio::detached);
  while (run->workers_left > 0) {  // the last worker cancels the timer
    boost::system::error_code ignored;
    co_await run->done->async_wait(
        boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }
  facts.pool_high_water = run->pool_high_water;
  facts.breaker_after = resilience::to_string(breaker.state());
  facts.duration_ms = std::chrono::duration<double, std::milli>(clock.now() - started).count();
  co_return render_bulk_answer(params, seed, run->rows, facts);
}

}  // namespace srelab::catalog
