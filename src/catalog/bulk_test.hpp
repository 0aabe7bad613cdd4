// GET /products/bulk/test: N lookups through the same service path, `concurrency` at a time, on
// the worker that received the request; one row per lookup and a summary (with how many failed).
// The guide's saturation and pool-exhaustion experiments are read from it, and from the request
// metrics: each lookup is counted and timed there as a GET /products/{id} would be, so the
// error-rate and latency panels show what the bulk test met.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/bulk_params.hpp"
#include "catalog/product_service.hpp"
#include "http/route_metrics.hpp"

namespace srelab::catalog {

struct BulkRow {
  int index = 0;
  std::int32_t id = 0;
  int status = 0;
  std::string source;  // empty on failure
  double latency_ms = 0;
  std::string error;  // empty on success
};

struct BulkSummary {
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
};

// Nearest-rank percentiles of the rows' latencies.
BulkSummary summarize_latencies(const std::vector<BulkRow>& rows);

// The ids a bulk test with this seed looks up, in order.
std::vector<std::int32_t> bulk_ids(const BulkParams& params, std::uint64_t seed);

// What the answer reports beside the rows.
struct BulkRunFacts {
  std::size_t pool_high_water = 0;  // the most connections leased seen by a lookup
  std::size_t pool_size = 0;
  std::string breaker_before, breaker_after;
  double duration_ms = 0;
};

// The whole JSON answer; the simulator's experiment target renders its bulk tests with it too.
std::string render_bulk_answer(const BulkParams& params, std::uint64_t seed,
                               const std::vector<BulkRow>& rows, const BulkRunFacts& facts);

// Runs the lookups and renders the whole JSON answer; `pool_size` is reported beside the pool's
// high-water mark. Each lookup's status and time go to `lookup_metrics` when given.
boost::asio::awaitable<std::string> run_bulk_test(ProductService& products, std::size_t pool_size,
                                                  const BulkParams& params,
                                                  std::uint64_t fresh_seed,
                                                  telemetry::Span* parent = nullptr,
                                                  http::RouteMetrics* lookup_metrics = nullptr);

}  // namespace srelab::catalog
