// /readyz: is each dependency answering right now? Postgres through the pool (SELECT 1), Redis
// through this worker's client (PING). Telemetry that cannot get out (no Datadog Agent) is a
// note in the answer, never a failure: traffic must not stop because nobody is watching.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "postgres/pool.hpp"
#include "redis/client.hpp"

namespace srelab::catalog {

class Readiness {
 public:
  // Each note: what it is about ("datadog_agent") and its text now, "" when there is nothing
  // to say. Called on the worker's thread: must be thread-safe and cheap.
  struct Note {
    std::string name;
    std::function<std::string()> text;
  };

  Readiness(postgres::Pool& pool, redis::Client& redis, std::vector<Note> notes = {})
      : pool_(pool), redis_(redis), notes_(std::move(notes)) {}
  // 200 {"status":"ready",...} or 503 {"error":"Not Ready","detail":"<which and why>",...};
  // either with "notes": {"<name>": "<text>"} when a note has something to say.
  boost::asio::awaitable<http::Response> check();

 private:
  postgres::Pool& pool_;
  redis::Client& redis_;
  std::vector<Note> notes_;
};

}  // namespace srelab::catalog
