// /readyz: is each dependency answering right now? Postgres through the pool (SELECT 1), Redis
// through this worker's client (PING).
#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"
#include "postgres/pool.hpp"
#include "redis/client.hpp"

namespace srelab::catalog {

class Readiness {
 public:
  Readiness(postgres::Pool& pool, redis::Client& redis) : pool_(pool), redis_(redis) {}
  // 200 {"status":"ready",...} or 503 {"error":"Not Ready","detail":"<which and why>",...}
  boost::asio::awaitable<http::Response> check();

 private:
  postgres::Pool& pool_;
  redis::Client& redis_;
};

}  // namespace srelab::catalog
