#include "postgres/connection.hpp"

#include <poll.h>

#include <algorithm>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "postgres/sqlstate.hpp"

// Why the socket is registered with Asio per operation, not once per connection:
// a Connection is used by whichever io_context thread holds its lease (thread-per-core, one
// pool for all threads). An Asio descriptor belongs to the reactor of the io_context it was
// made on. Awaiting it from another thread's coroutine is legal, but the wake-up would then
// depend on that other context still running and would hop threads twice; and a descriptor
// (or timer) kept in the Connection must be destroyed before its io_context, which a pool
// shared by all contexts cannot promise. So each operation (one connect step, one query) wraps
// libpq's fd in a stream_descriptor on the awaiting coroutine's own executor and releases it
// at the end, leaving the fd to libpq. Cost per query: epoll_ctl add/del and one FIONBIO ioctl,
// a few microseconds next to a round trip to Postgres. During connect the wrapper is made
// afresh for every wait, because libpq may close the socket and open another (next host, SSL
// fallback) that can even get the same fd number back.
//
// Asio's epoll is edge-triggered. A fresh registration reports readiness that is already
// there, but after PQconsumeInput libpq may leave bytes in the kernel buffer (it stops reading
// when its own buffer is full), and no new edge would come for them; so every later wait is
// preceded by a zero-timeout poll(). This relies on one thread per io_context (the app's
// model): with several threads running one context, an edge could be taken by another thread
// between that poll and the wait, and only the query guard would end the wait.

namespace srelab::postgres {
namespace asio = boost::asio;

namespace {

// Statement_timeout ends a slow query on the server; the client-side guard ends a wait on a
// server that no longer answers at all (stopped, partitioned), where no statement_timeout can
// arrive. It is the query's planned time + query_timeout, and never beyond statement_timeout +
// this margin, by which the server's own timeout would have answered.
constexpr std::chrono::milliseconds kQueryGuardMargin{1000};
// Bounds the reads of an idle connection's unprompted input (a notice, then EOF).
constexpr int kMaxIdleReads = 8;
// invalid_sql_statement_name: "prepared statement ... does not exist".
constexpr std::string_view kUndefinedStatement = "26000";

struct PgConnDeleter {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

// Notices (and the server's last words before it closes an idle connection) would go to stderr
// by default; the failures that matter reach the caller as results.
void ignore_notice(void*, const char*) {}

short poll_now(int fd, short events) {
  pollfd entry{fd, events, 0};
  return ::poll(&entry, 1, 0) > 0 ? entry.revents : 0;
}

// libpq's messages end with a newline (sometimes several lines); one line reads better in logs.
std::string_view trimmed(const char* message) {
  std::string_view text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return text;
}

// libpq's fd seen by Asio for one operation; released (not closed) at the end: libpq owns it.
class SocketView {
 public:
  SocketView(const asio::any_io_executor& executor, int fd) : descriptor_(executor) {
    boost::system::error_code ec;
    if (fd >= 0) descriptor_.assign(fd, ec);
  }
  ~SocketView() {
    if (descriptor_.is_open()) descriptor_.release();
  }
  SocketView(const SocketView&) = delete;
  SocketView& operator=(const SocketView&) = delete;

  bool is_open() const { return descriptor_.is_open(); }
  int fd() { return descriptor_.native_handle(); }
  asio::posix::stream_descriptor& descriptor() { return descriptor_; }

 private:
  asio::posix::stream_descriptor descriptor_;
};

enum class Ready { yes, deadline, cancelled, failed };

// Waits until the socket is ready for `what`, or the deadline timer (when given) fires first.
asio::awaitable<Ready> wait_ready(SocketView& socket, asio::steady_timer* deadline,
                                  asio::posix::descriptor_base::wait_type what) {
  if (deadline == nullptr) {
    boost::system::error_code ec;
    co_await socket.descriptor().async_wait(what, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) co_return Ready::yes;
    co_return ec == asio::error::operation_aborted ? Ready::cancelled : Ready::failed;
  }
  // One small allocation for the group; no extra coroutine frames (unlike operator||).
  auto [order, socket_ec, timer_ec] =
      co_await asio::experimental::make_parallel_group(
          socket.descriptor().async_wait(what, asio::deferred),
          deadline->async_wait(asio::deferred))
          .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  if (order[0] == 0) {
    if (!socket_ec) co_return Ready::yes;
    co_return socket_ec == asio::error::operation_aborted ? Ready::cancelled : Ready::failed;
  }
  // The timer won: expired, or aborted because our own coroutine was cancelled.
  co_return timer_ec ? Ready::cancelled : Ready::deadline;
}

}  // namespace

struct Connection::Impl {
  Impl(PGconn* connection, std::chrono::milliseconds statement, std::chrono::milliseconds query)
      : conn(connection),
        cancel(std::make_shared<const CancelHandle>(PQgetCancel(connection))),
        statement_guard(statement),
        query_timeout(query) {}

  std::unique_ptr<PGconn, PgConnDeleter> conn;
  // Made once, on the connecting thread: PQgetCancel reads the connection, PQcancel does not.
  std::shared_ptr<const CancelHandle> cancel;
  std::chrono::milliseconds statement_guard;  // statement_timeout + margin; zero: none
  std::chrono::milliseconds query_timeout;    // beyond the planned time; zero: none
  std::chrono::milliseconds query_guard{0};   // the running query's; zero: no client deadline
  // Reused across queries so that a query allocates nothing here once warmed up.
  std::string sql;                  // NUL-terminated copy of Query::sql for libpq
  std::vector<const char*> values;  // parameter pointers
  // A query was abandoned half way (deadline, cancellation): libpq's protocol state is unknown.
  bool broken = false;
  // The statements prepared on this connection (Query::statement), NUL-terminated for libpq.
  std::vector<std::string> prepared;

  struct Exchange;
  // Executes `query` by its statement name, preparing it first when this connection has not.
  asio::awaitable<result<PgResultPtr>> run_prepared(Exchange& exchange, const Query& query);

  const std::string* prepared_name(std::string_view statement) const {
    const auto found = std::find(prepared.begin(), prepared.end(), statement);
    return found != prepared.end() ? &*found : nullptr;
  }

  std::chrono::milliseconds guard_for(std::chrono::milliseconds planned) const {
    if (query_timeout.count() == 0) return statement_guard;
    const auto bound = planned + query_timeout;
    return statement_guard.count() > 0 ? std::min(bound, statement_guard) : bound;
  }

  // libpq failed to send or to read. Unless libpq says the connection is fine, it is lost.
  errc fail_from_libpq(std::string& last_error) {
    last_error = trimmed(PQerrorMessage(conn.get()));
    // Had libpq kept the connection up, its protocol state would still be unknown.
    broken = true;
    return errc::db_unavailable;
  }

  // A wait ended without the answer. The query may still run on the server and its answer would
  // arrive later, so the connection is never reused.
  errc abandon(Ready ready, std::string& last_error) {
    broken = true;
    switch (ready) {
      case Ready::deadline:
        last_error =
            "no answer from the server within " + std::to_string(query_guard.count()) + " ms";
        return errc::db_timeout;
      case Ready::cancelled:
        last_error = "query abandoned: cancelled";
        return errc::cancelled;
      default:
        last_error = "waiting on the connection's socket failed";
        return errc::db_unavailable;
    }
  }
};

// One command's round trip on a socket registered for the whole call (a statement's preparation,
// then its execution, share one registration and one deadline): libpq has been asked to send
// the command; flush it, then read until PQgetResult has no more. The rows' result, or the
// error with last_error and last_sqlstate set.
struct Connection::Impl::Exchange {
  Impl& self;
  SocketView& socket;
  asio::steady_timer* guard;
  std::string& last_error;
  std::string& last_sqlstate;
  bool fresh = true;  // the registration itself reports readiness that is already there

  asio::awaitable<result<PgResultPtr>> run(bool sent) {
    PGconn* const conn = self.conn.get();
    if (!sent) co_return self.fail_from_libpq(last_error);
    // PQflush returns 1 while libpq still holds unsent bytes (only for very large queries).
    // What the server sends meanwhile is read, so neither side waits on the other's full buffer.
    for (int flushed; (flushed = PQflush(conn)) != 0;) {
      if (flushed < 0) co_return self.fail_from_libpq(last_error);
      const short revents = poll_now(socket.fd(), POLLIN | POLLOUT);
      if ((revents & POLLIN) != 0 && PQconsumeInput(conn) == 0)
        co_return self.fail_from_libpq(last_error);
      if (revents != 0) continue;
      const Ready ready =
          co_await wait_ready(socket, guard, asio::posix::descriptor_base::wait_write);
      if (ready != Ready::yes) co_return self.abandon(ready, last_error);
      fresh = false;
    }

    // Receive until PQgetResult says there is no more: one result per statement, then null.
    PgResultPtr rows;
    PgResultPtr failure;
    for (;;) {
      if (PQisBusy(conn) != 0) {
        if (fresh || (poll_now(socket.fd(), POLLIN) & (POLLIN | POLLERR | POLLHUP)) == 0) {
          const Ready ready =
              co_await wait_ready(socket, guard, asio::posix::descriptor_base::wait_read);
          if (ready != Ready::yes) co_return self.abandon(ready, last_error);
        }
        fresh = false;
        if (PQconsumeInput(conn) == 0) co_return self.fail_from_libpq(last_error);
        continue;
      }
      PgResultPtr next(PQgetResult(conn));
      if (!next) break;
      switch (PQresultStatus(next.get())) {
        case PGRES_TUPLES_OK:
        case PGRES_COMMAND_OK:
        case PGRES_EMPTY_QUERY:
          rows = std::move(next);
          break;
        case PGRES_COPY_IN:
        case PGRES_COPY_OUT:
        case PGRES_COPY_BOTH:
          // libpq now expects COPY data we will never send or read.
          self.broken = true;
          last_error = "COPY is not supported through this client";
          co_return errc::db_query_failed;
        default:
          if (!failure) failure = std::move(next);  // the first error is the cause
          break;
      }
    }
    // A later wait must not trust the registration to report what is already there.
    fresh = false;

    if (failure) {
      last_error = trimmed(PQresultErrorMessage(failure.get()));
      const char* sqlstate = PQresultErrorField(failure.get(), PG_DIAG_SQLSTATE);
      last_sqlstate = sqlstate != nullptr ? sqlstate : "";
      co_return map_sqlstate(last_sqlstate, PQstatus(conn) == CONNECTION_OK);
    }
    if (!rows) {
      last_error = "the server sent no result";
      co_return errc::db_query_failed;
    }
    co_return std::move(rows);
  }
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

asio::awaitable<result<std::unique_ptr<Connection>>> Connection::connect(
    const ConnectionSettings& settings) {
  const auto executor = co_await asio::this_coro::executor;
  const std::chrono::milliseconds statement_guard =
      settings.statement_timeout.count() > 0 ? settings.statement_timeout + kQueryGuardMargin
                                             : std::chrono::milliseconds::zero();

  // statement_timeout travels in the startup packet: no extra round trip after connecting.
  // The conninfo is expanded as "dbname" so it may be a URL or key=value string; our options
  // come after it and so win over any options it carries.
  const std::string options =
      "-c statement_timeout=" + std::to_string(settings.statement_timeout.count());
  const char* const keywords[] = {"dbname", "options", "fallback_application_name", nullptr};
  const char* const values[] = {settings.conninfo.c_str(), options.c_str(), "sre-lab", nullptr};
  // PQconnectStartParams resolves a host name synchronously; the lab uses numeric addresses.
  std::unique_ptr<PGconn, PgConnDeleter> conn(PQconnectStartParams(keywords, values, 1));
  if (!conn || PQstatus(conn.get()) == CONNECTION_BAD) co_return errc::db_unavailable;
  PQsetNoticeProcessor(conn.get(), &ignore_notice, nullptr);

  // libpq's own connect_timeout applies only to its blocking calls, so the deadline is ours.
  std::optional<asio::steady_timer> deadline;
  if (settings.connect_timeout.count() > 0) deadline.emplace(executor, settings.connect_timeout);

  PostgresPollingStatusType polling = PGRES_POLLING_WRITING;  // as libpq's docs prescribe
  while (polling != PGRES_POLLING_OK) {
    if (polling == PGRES_POLLING_FAILED) co_return errc::db_unavailable;
    Ready ready;
    {
      SocketView socket(executor, PQsocket(conn.get()));
      if (!socket.is_open()) co_return errc::db_unavailable;
      ready = co_await wait_ready(socket, deadline ? &*deadline : nullptr,
                                  polling == PGRES_POLLING_READING
                                      ? asio::posix::descriptor_base::wait_read
                                      : asio::posix::descriptor_base::wait_write);
    }
    if (ready == Ready::cancelled) co_return errc::cancelled;
    if (ready != Ready::yes) co_return errc::db_unavailable;
    polling = PQconnectPoll(conn.get());
  }
  if (PQsetnonblocking(conn.get(), 1) != 0) co_return errc::db_unavailable;

  co_return std::unique_ptr<Connection>(new Connection(
      std::make_unique<Impl>(conn.release(), statement_guard, settings.query_timeout)));
}

asio::awaitable<result<QueryResult>> Connection::execute(const Query& query,
                                                         std::span<const std::string> params,
                                                         std::chrono::milliseconds planned) {
  Impl& self = *impl_;
  PGconn* const conn = self.conn.get();
  last_sqlstate_.clear();
  if (self.broken || PQstatus(conn) != CONNECTION_OK) {
    last_error_ = "connection is not usable";
    co_return errc::db_unavailable;
  }
  self.values.clear();
  for (const std::string& param : params) self.values.push_back(param.c_str());

  const auto executor = co_await asio::this_coro::executor;
  SocketView socket(executor, PQsocket(conn));
  if (!socket.is_open()) co_return self.fail_from_libpq(last_error_);
  std::optional<asio::steady_timer> deadline;
  self.query_guard = self.guard_for(planned);
  if (self.query_guard.count() > 0) deadline.emplace(executor, self.query_guard);
  Impl::Exchange exchange{self, socket, deadline ? &*deadline : nullptr, last_error_,
                          last_sqlstate_};

  result<PgResultPtr> rows = errc::db_query_failed;
  if (query.statement.empty()) {
    self.sql.assign(query.sql);
    rows = co_await exchange.run(PQsendQueryParams(conn, self.sql.c_str(),
                                                   static_cast<int>(self.values.size()), nullptr,
                                                   self.values.data(), nullptr, nullptr, 0) != 0);
  } else {
    rows = co_await self.run_prepared(exchange, query);
    // The server forgot the statement (DISCARD ALL, DEALLOCATE, a pooler between us that moved
    // the session): prepare it again and retry, once.
    if (!rows && last_sqlstate_ == kUndefinedStatement) {
      self.prepared.clear();
      last_sqlstate_.clear();
      rows = co_await self.run_prepared(exchange, query);
    }
  }
  if (!rows) co_return rows.error();
  co_return QueryResult(rows->release());
}

asio::awaitable<result<PgResultPtr>> Connection::Impl::run_prepared(Exchange& exchange,
                                                                    const Query& query) {
  Impl& self = *this;
  PGconn* const conn = self.conn.get();
  const std::string* name = self.prepared_name(query.statement);
  if (name == nullptr) {
    std::string fresh_name(query.statement);
    self.sql.assign(query.sql);
    // Parameter types are left to the server, as for an unprepared query.
    const result<PgResultPtr> prepared =
        co_await exchange.run(PQsendPrepare(conn, fresh_name.c_str(), self.sql.c_str(),
                                            static_cast<int>(self.values.size()), nullptr) != 0);
    if (!prepared) co_return prepared.error();
    name = &self.prepared.emplace_back(std::move(fresh_name));
  }
  co_return co_await exchange.run(
      PQsendQueryPrepared(conn, name->c_str(), static_cast<int>(self.values.size()),
                          self.values.data(), nullptr, nullptr, 0) != 0);
}

bool Connection::healthy() const {
  const PGconn* conn = impl_->conn.get();
  // At rest, too: a transaction left open must not pass on to the lease's next holder.
  return !impl_->broken && PQstatus(conn) == CONNECTION_OK &&
         PQtransactionStatus(conn) == PQTRANS_IDLE;
}

bool Connection::refresh_health() {
  if (!healthy()) return false;
  PGconn* const conn = impl_->conn.get();
  // After a server restart the socket holds the server's farewell, then EOF; libpq reads one of
  // them per call.
  for (int reads = 0; reads < kMaxIdleReads && poll_now(PQsocket(conn), POLLIN) != 0; ++reads) {
    if (PQconsumeInput(conn) == 0) {
      last_error_ = trimmed(PQerrorMessage(conn));
      impl_->broken = true;
      return false;
    }
    while (PGnotify* notify = PQnotifies(conn)) PQfreemem(notify);
  }
  return healthy();
}

int Connection::backend_pid() const {
  return PQbackendPID(impl_->conn.get());
}

const std::shared_ptr<const CancelHandle>& Connection::cancel_handle() const {
  return impl_->cancel;
}

// CancelHandle ------------------------------------------------------------------------------

CancelHandle::~CancelHandle() {
  if (cancel_ != nullptr) PQfreeCancel(cancel_);
}

bool CancelHandle::cancel(std::string& error) const {
  if (cancel_ == nullptr) {
    error = "no cancel handle";
    return false;
  }
  char message[256] = {};  // libpq's documented size for the message
  if (PQcancel(cancel_, message, sizeof message) == 1) return true;
  error = trimmed(message);
  return false;
}

}  // namespace srelab::postgres
