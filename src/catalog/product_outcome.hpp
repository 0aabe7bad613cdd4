// What one product lookup comes to, in one type: the product as served (ProductView) or why there
// is none (ProductFailure: the error code, the reason for people, and the pool as the lookup found
// it). The repository fails with the same ProductFailure, so a database failure travels up
// unchanged; ProductService decides on it; answers.cpp turns it into the HTTP answer (the
// status is chosen there, from the code) and the bulk test into its rows.
#pragma once

#include <boost/system/result.hpp>
#include <optional>
#include <string>

#include "catalog/product.hpp"
#include "core/clock.hpp"
#include "core/errc.hpp"
#include "postgres/pool.hpp"

namespace srelab::catalog {

// The pool when the lookup asked it for a connection (db.pool.* tags, the Pool Exhausted body,
// the bulk test's high-water mark); empty when the lookup never got that far.
using PoolSighting = std::optional<postgres::PoolCounts>;

struct ProductView {
  std::string json;  // the product without "source"
  Source source = Source::cache;
  Clock::duration repository_time{};  // time spent in the repository (0 on a cache hit)
  double stale_age_s = 0;             // for fallback_emergency with a stale copy
  // fallback_emergency without a copy: `json` is the emergency record (render_emergency_json).
  bool emergency = false;
  // Why the fallback ran (fallback_emergency only): "circuit open" or the database error.
  std::string fallback_reason;
  PoolSighting pool;
};

struct ProductFailure {
  // errc::not_found, errc::circuit_open (breaker rejected; nothing stale, and the fallback set to
  // answer `error`), errc::pool_exhausted, or the database's error.
  boost::system::error_code code;
  std::string reason;  // the "detail" of the error body
  PoolSighting pool;
};

// Only operator bool, *, -> and error() are used: value() would need an exception for
// ProductFailure, and a failure is never exceptional here.
using ProductOutcome = boost::system::result<ProductView, ProductFailure>;

}  // namespace srelab::catalog
