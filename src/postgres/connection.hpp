// One libpq connection driven by Asio: libpq's non-blocking API, with its socket waited on by
// the io_context of whoever awaits (no thread per query). Not thread-safe: one user at a time,
// which the pool's lease guarantees.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <span>
#include <string>

#include "core/errc.hpp"
#include "postgres/query.hpp"
#include "postgres/query_result.hpp"

namespace srelab::postgres {

struct ConnectionSettings {
  std::string conninfo;  // libpq conninfo string or postgresql:// URL
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds statement_timeout{5000};  // sent as the session's statement_timeout
  // How long the client waits for a query's answer beyond the time the query is planned to take
  // on the server (execute()'s `planned`), never longer than statement_timeout + 1 s; 0: only
  // that. Bounds a request on a server that stopped answering (paused, partitioned), where no
  // statement_timeout can arrive.
  std::chrono::milliseconds query_timeout{0};
};

// What it takes to ask the server to cancel a connection's running query (libpq's PGcancel).
// Thread-safe, and it may outlive its connection: a shutdown cancels queries from another thread
// while their holders still await them.
class CancelHandle {
 public:
  explicit CancelHandle(PGcancel* cancel) : cancel_(cancel) {}
  ~CancelHandle();
  CancelHandle(const CancelHandle&) = delete;
  CancelHandle& operator=(const CancelHandle&) = delete;

  // Asks the server to cancel whatever the connection runs now (nothing when it is at rest).
  // Blocks for a connect and a round trip to the server: keep it off the io threads. False, with
  // the reason in `error`, when the request could not be sent.
  bool cancel(std::string& error) const;

 private:
  PGcancel* cancel_;
};

class Connection {
 public:
  // Connects asynchronously on the awaiting coroutine's executor within connect_timeout (0: no
  // limit); errc::db_unavailable on failure, errc::cancelled when the awaiting coroutine is.
  static boost::asio::awaitable<result<std::unique_ptr<Connection>>> connect(
      const ConnectionSettings& settings);
  ~Connection();

  // Runs one parameterized query (text parameters); a query with a statement name is prepared
  // on this connection the first time and executed by name (Query). A Postgres error →
  // errc::db_query_failed (or db_timeout for SQLSTATE 57014); a lost connection →
  // errc::db_unavailable and healthy() turns false. last_error() holds the server's message of the
  // last failure. No answer within the client's bound (a server that stopped answering) →
  // errc::db_timeout, and the connection is no longer healthy. The awaiting coroutine may run on
  // any io_context thread. `planned` is the time the query is meant to spend on the server (an
  // injected pg_sleep): the client's wait for the answer is planned + query_timeout (see
  // ConnectionSettings).
  boost::asio::awaitable<result<QueryResult>> execute(
      const Query& query, std::span<const std::string> params = {},
      std::chrono::milliseconds planned = std::chrono::milliseconds::zero());

  // Connected, not broken by an abandoned query, and at rest (no transaction left open): safe to
  // hand to the next user.
  bool healthy() const;
  // For a connection at rest: reads, without blocking, whatever the server sent unprompted (after
  // a server restart: its farewell, then EOF) and returns healthy(). The pool calls it before it
  // hands out an idle connection, so a restart costs a reconnect instead of a failed query.
  bool refresh_health();
  const std::string& last_error() const { return last_error_; }
  // The SQLSTATE of the last failed query's server error; empty when the failure was not the
  // server's (a lost connection, a deadline) or the last query succeeded.
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  int backend_pid() const;
  // Shared so that a canceller on another thread may keep it past the connection's end.
  const std::shared_ptr<const CancelHandle>& cancel_handle() const;

 private:
  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string last_error_;
  std::string last_sqlstate_;
};

}  // namespace srelab::postgres
