// The Postgres connection and pool against a real, private Postgres (TestServers): queries,
// error mapping, exhaustion and hand-off, statement timeout, restart and outage, two threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "postgres/connection.hpp"
#include "postgres/pool.hpp"
#include "support/test_servers.hpp"

namespace srelab::postgres {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using srelab::testing::TestServers;
using Stopwatch = std::chrono::steady_clock;

constexpr Query kSelectOne{"test.one", "SELECT 1"};
constexpr Query kProductById{"test.product_by_id",
                             "SELECT id, name, price::text FROM products WHERE id = $1"};
// The same lookup as a prepared statement.
constexpr Query kPreparedProductById{"test.product_by_id",
                                     "SELECT id, name, price::text FROM products WHERE id = $1",
                                     "test_product_by_id"};

long long ms_since(Stopwatch::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Stopwatch::now() - start).count();
}

PoolSettings test_settings(std::size_t size = 5) {
  PoolSettings settings;
  settings.connection.conninfo = TestServers::instance().database_url();
  settings.connection.connect_timeout = 3s;
  settings.connection.statement_timeout = 5s;
  settings.size = size;
  settings.acquire_timeout = 2s;
  settings.backoff_initial = 100ms;
  settings.backoff_max = 1s;
  return settings;
}

// Runs `task` on `io` to completion (bounded), rethrowing what escaped it.
void run(asio::io_context& io, asio::awaitable<void> task, std::chrono::seconds limit = 30s) {
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
    error = e;
    done = true;
  });
  io.restart();
  io.run_for(limit);
  ASSERT_TRUE(done) << "the test coroutine did not finish within " << limit.count() << " s";
  if (error) std::rethrow_exception(error);
}

// Lets other coroutines on this executor run until `condition` holds (no sleeping).
// Bounded by time, not by a count of turns: a real query's answer may take longer than any
// fixed number of turns on a loaded machine.
asio::awaitable<bool> yield_until(std::function<bool()> condition) {
  const auto executor = co_await asio::this_coro::executor;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) co_return true;
    co_await asio::post(executor, asio::use_awaitable);
  }
  co_return condition();
}

bool counts_are(const Pool& pool, std::size_t active, std::size_t idle, std::size_t waiting) {
  const PoolCounts counts = pool.counts();
  return counts.active == active && counts.idle == idle && counts.waiting == waiting;
}

std::string describe(const PoolCounts& counts) {
  return "active=" + std::to_string(counts.active) + " idle=" + std::to_string(counts.idle) +
         " waiting=" + std::to_string(counts.waiting);
}

TEST(PostgresPool, QueryReturnsRows) {
  asio::io_context io;
  SteadyClock clock;
  Pool pool(test_settings(), clock);
  run(io, [&]() -> asio::awaitable<void> {
    auto lease = co_await pool.acquire();
    EXPECT_TRUE(lease) << lease.error().message();
    if (!lease) co_return;

    const std::array<std::string, 1> params{"42"};
    auto rows = co_await lease->connection().execute(kProductById, params);
    EXPECT_TRUE(rows) << rows.error().message() << ": " << lease->connection().last_error();
    if (!rows) co_return;
    EXPECT_EQ(rows->rows(), 1);
    EXPECT_EQ(rows->columns(), 3);
    EXPECT_EQ(rows->value(0, 0), "42");
    EXPECT_FALSE(rows->value(0, 1).empty());
    EXPECT_FALSE(rows->is_null(0, 2));

    auto count =
        co_await lease->connection().execute({"test.count", "SELECT count(*) FROM products"});
    EXPECT_TRUE(count);
    if (count) {
      EXPECT_EQ(count->value(0, 0), "10000");
    }

    const std::array<std::string, 1> missing{"987654"};
    auto none = co_await lease->connection().execute(kProductById, missing);
    EXPECT_TRUE(none);
    if (none) {
      EXPECT_EQ(none->rows(), 0);
    }
  }());
}

TEST(PostgresPool, SqlErrorMapsToQueryFailedAndTheConnectionStaysUsable) {
  asio::io_context io;
  SteadyClock clock;
  Pool pool(test_settings(1), clock);
  run(io, [&]() -> asio::awaitable<void> {
    auto lease = co_await pool.acquire();
    EXPECT_TRUE(lease);
    if (!lease) co_return;
    Connection& connection = lease->connection();
    const int pid = connection.backend_pid();

    auto missing = co_await connection.execute({"test.bad", "SELECT * FROM no_such_table"});
    EXPECT_EQ(missing.error(), errc::db_query_failed);
    EXPECT_NE(connection.last_error().find("no_such_table"), std::string::npos)
        << connection.last_error();
    EXPECT_TRUE(connection.healthy());

    const std::array<std::string, 1> not_a_number{"abc"};
    auto cast = co_await connection.execute({"test.cast", "SELECT $1::int"}, not_a_number);
    EXPECT_EQ(cast.error(), errc::db_query_failed);
    EXPECT_NE(connection.last_error().find("invalid input syntax"), std::string::npos)
        << connection.last_error();

    auto one = co_await connection.execute(kSelectOne);
    EXPECT_TRUE(one) << connection.last_error();
    if (one) {
      EXPECT_EQ(one->value(0, 0), "1");
    }
    EXPECT_EQ(connection.backend_pid(), pid) << "the same session, not a reconnect";
  }());
  EXPECT_TRUE(counts_are(pool, 0, 1, 0)) << describe(pool.counts());
}

TEST(PostgresPool, FullPoolFailsAfterTheAcquireTimeoutOrAtOnceWithZero) {
  asio::io_context io;
  SteadyClock clock;
  Pool pool(test_settings(5), clock);
  run(io, [&]() -> asio::awaitable<void> {
    std::vector<Lease> held;
    for (int i = 0; i < 5; ++i) {
      auto lease = co_await pool.acquire();
      EXPECT_TRUE(lease);
      if (!lease) co_return;
      EXPECT_TRUE(co_await lease->connection().execute(kSelectOne));  // a real session each
      held.push_back(std::move(*lease));
    }
    EXPECT_TRUE(counts_are(pool, 5, 0, 0)) << describe(pool.counts());

    auto start = Stopwatch::now();
    auto sixth = co_await pool.acquire(300ms);
    const long long waited = ms_since(start);
    EXPECT_EQ(sixth.error(), errc::pool_exhausted);
    EXPECT_GE(waited, 250);
    EXPECT_LT(waited, 1500);
    EXPECT_TRUE(counts_are(pool, 5, 0, 0))
        << "the timed-out waiter is gone: " << describe(pool.counts());

    start = Stopwatch::now();
    auto immediate = co_await pool.acquire(0ms);
    EXPECT_EQ(immediate.error(), errc::pool_exhausted);
    EXPECT_LT(ms_since(start), 50);

    pool.set_acquire_timeout(0ms);  // the runtime knob governs acquire() without an argument
    start = Stopwatch::now();
    auto knob = co_await pool.acquire();
    EXPECT_EQ(knob.error(), errc::pool_exhausted);
    EXPECT_LT(ms_since(start), 50);

    held.clear();
    EXPECT_TRUE(counts_are(pool, 0, 5, 0)) << describe(pool.counts());
  }());
}

TEST(PostgresPool, ReleaseHandsTheConnectionToTheFirstWaiter) {
  asio::io_context io;
  SteadyClock clock;
  Pool pool(test_settings(2), clock);
  run(io, [&]() -> asio::awaitable<void> {
    std::vector<Lease> held;
    for (int i = 0; i < 2; ++i) {
      auto lease = co_await pool.acquire();
      EXPECT_TRUE(lease);
      if (!lease) co_return;
      held.push_back(std::move(*lease));
    }
    const int released_pid = held[0]->backend_pid();

    // Two waiters, queued in this order: the release goes to the first, whose release goes to
    // the second; the session is never idle in between, so both see the released backend.
    std::array<int, 2> pids{0, 0};
    std::vector<int> served;
    std::array<bool, 2> done{false, false};
    auto waiter = [&](int index, std::chrono::milliseconds timeout) -> asio::awaitable<void> {
      auto lease = co_await pool.acquire(timeout);
      EXPECT_TRUE(lease) << "waiter " << index << ": " << lease.error().message();
      if (!lease) co_return;
      pids[index] = lease->connection().backend_pid();
      served.push_back(index);
      EXPECT_TRUE(co_await lease->connection().execute(kSelectOne));
    };
    const auto executor = co_await asio::this_coro::executor;
    for (int index : {0, 1}) {
      asio::co_spawn(executor, waiter(index, 3s),
                     [&, index](std::exception_ptr) { done[index] = true; });
      EXPECT_TRUE(
          co_await yield_until([&] { return pool.counts().waiting == std::size_t(index) + 1; }));
    }
    EXPECT_TRUE(counts_are(pool, 2, 0, 2)) << describe(pool.counts());

    held.erase(held.begin());  // the release: straight to waiter 0
    EXPECT_TRUE(counts_are(pool, 2, 0, 1)) << describe(pool.counts());

    EXPECT_TRUE(co_await yield_until([&] { return done[0] && done[1]; }));
    EXPECT_EQ(pids[0], released_pid);
    EXPECT_EQ(pids[1], released_pid);
    EXPECT_EQ(served, (std::vector<int>{0, 1})) << "first come, first served";
    EXPECT_TRUE(counts_are(pool, 1, 1, 0)) << describe(pool.counts());
  }());
}

TEST(PostgresPool, StatementTimeoutMapsToDbTimeoutAndKeepsTheConnection) {
  asio::io_context io;
  SteadyClock clock;
  PoolSettings settings = test_settings(1);
  settings.connection.statement_timeout = 200ms;
  Pool pool(settings, clock);
  run(io, [&]() -> asio::awaitable<void> {
    auto lease = co_await pool.acquire();
    EXPECT_TRUE(lease);
    if (!lease) co_return;
    auto shown = co_await lease->connection().execute({"test.show", "SHOW statement_timeout"});
    EXPECT_TRUE(shown);
    if (shown) {
      EXPECT_EQ(shown->value(0, 0), "200ms") << "sent with the connection's startup";
    }

    const auto start = Stopwatch::now();
    auto slow = co_await lease->connection().execute({"test.sleep", "SELECT pg_sleep(3)"});
    const long long took = ms_since(start);
    EXPECT_EQ(slow.error(), errc::db_timeout);
    EXPECT_GE(took, 150);
    EXPECT_LT(took, 1500);
    EXPECT_NE(lease->connection().last_error().find("statement timeout"), std::string::npos)
        << lease->connection().last_error();
    EXPECT_TRUE(lease->connection().healthy());
    EXPECT_TRUE(co_await lease->connection().execute(kSelectOne));
  }());
}

// A server that stops answering gets no statement_timeout to send; the client-side guard
// (statement_timeout + 1 s) ends the wait. Emulated by switching the server's timeout off.
TEST(PostgresPool, ClientDeadlineEndsAQueryTheServerDoesNotEnd) {
  asio::io_context io;
  SteadyClock clock;
  PoolSettings settings = test_settings(1);
  settings.connection.statement_timeout = 200ms;
  Pool pool(settings, clock);
  run(io, [&]() -> asio::awaitable<void> {
    auto lease = co_await pool.acquire();
    EXPECT_TRUE(lease);
    if (!lease) co_return;
    EXPECT_TRUE(co_await lease->connection().execute({"test.off", "SET statement_timeout = 0"}));
    const auto start = Stopwatch::now();
    auto slow = co_await lease->connection().execute({"test.sleep", "SELECT pg_sleep(5)"});
    const long long took = ms_since(start);
    EXPECT_EQ(slow.error(), errc::db_timeout);
    EXPECT_GE(took, 1100);
    EXPECT_LT(took, 3000);
    EXPECT_FALSE(lease->connection().healthy()) << "its answer could still arrive: never reused";
  }());
  EXPECT_TRUE(counts_are(pool, 0, 0, 0)) << "dropped on release: " << describe(pool.counts());
}

// With a query timeout the client's wait is the query's planned time (an injected sleep) plus
// that timeout: a hung server costs the timeout, a planned sleep runs its full length.
TEST(PostgresPool, QueryTimeoutCountsFromThePlannedTime) {
  asio::io_context io;
  SteadyClock clock;
  PoolSettings settings = test_settings(1);
  settings.connection.statement_timeout = 5s;
  settings.connection.query_timeout = 300ms;
  Pool pool(settings, clock);
  run(io, [&]() -> asio::awaitable<void> {
    {
      auto lease = co_await pool.acquire();
      EXPECT_TRUE(lease);
      if (!lease) co_return;
      const auto start = Stopwatch::now();
      auto unplanned = co_await lease->connection().execute({"test.sleep", "SELECT pg_sleep(1)"});
      const long long took = ms_since(start);
      EXPECT_EQ(unplanned.error(), errc::db_timeout);
      EXPECT_GE(took, 250);
      EXPECT_LT(took, 900);
      EXPECT_FALSE(lease->connection().healthy()) << "its answer could still arrive";
    }
    auto lease = co_await pool.acquire();  // a fresh connection: the other was dropped
    EXPECT_TRUE(lease);
    if (!lease) co_return;
    auto planned =
        co_await lease->connection().execute({"test.sleep", "SELECT pg_sleep(1)"}, {}, 1000ms);
    EXPECT_TRUE(planned) << lease->connection().last_error();
    EXPECT_TRUE(lease->connection().healthy());
  }());
}

// What a shutdown does to requests past the drain deadline: Postgres ends the leased
// connection's query at once (SQLSTATE 57014), and the connection stays usable.
TEST(PostgresPool, CancelRunningQueriesEndsWhatLeasedConnectionsRun) {
  asio::io_context io;
  SteadyClock clock;
  PoolSettings settings = test_settings(2);
  settings.connection.statement_timeout = 30s;
  Pool pool(settings, clock);
  EXPECT_EQ(pool.cancel_running_queries(), 0u) << "nothing leased";
  std::atomic<bool> sleeping{false};
  std::size_t cancelled = 0;
  // PQcancel blocks: from another thread, as the service's stop does.
  std::thread canceller([&] {
    const auto until = Stopwatch::now() + 10s;
    while (!sleeping && Stopwatch::now() < until) std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(300ms);  // the query has reached the server
    cancelled = pool.cancel_running_queries();
  });
  run(io, [&]() -> asio::awaitable<void> {
    auto lease = co_await pool.acquire();
    EXPECT_TRUE(lease);
    if (!lease) co_return;
    sleeping = true;
    const auto start = Stopwatch::now();
    auto slow = co_await lease->connection().execute({"test.sleep", "SELECT pg_sleep(20)"});
    EXPECT_LT(ms_since(start), 10'000) << "ended by the cancel, not by its 20 s";
    EXPECT_FALSE(slow);
    EXPECT_EQ(lease->connection().last_sqlstate(), "57014") << lease->connection().last_error();
    EXPECT_TRUE(lease->connection().healthy());
    EXPECT_TRUE(co_await lease->connection().execute(kSelectOne));
  }());
  canceller.join();
  EXPECT_EQ(cancelled, 1u);
}

TEST(PostgresPool, ConnectionLeftInATransactionIsNotPooled) {
  asio::io_context io;
  SteadyClock clock;
  Pool pool(test_settings(1), clock);
  run(io, [&]() -> asio::awaitable<void> {
    auto lease = co_await pool.acquire();
    EXPECT_TRUE(lease);
    if (!lease) co_return;
    EXPECT_TRUE(co_await lease->connection().execute({"test.begin", "BEGIN"}));
    EXPECT_FALSE(lease->connection().healthy());
  }());
  EXPECT_TRUE(counts_are(pool, 0, 0, 0)) << describe(pool.counts());
}

TEST(PostgresPool, CloseWakesWaitersWithCancelledAndRefusesAcquires) {
  asio::io_context io;
  SteadyClock clock;
  Pool pool(test_settings(1), clock);
  run(io, [&]() -> asio::awaitable<void> {
    auto held = co_await pool.acquire();
    EXPECT_TRUE(held);
    if (!held) co_return;
    std::optional<boost::system::error_code> outcome;
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&]() -> asio::awaitable<void> {
          auto lease = co_await pool.acquire(10s);
          outcome = lease ? boost::system::error_code{} : lease.error();
        },
        asio::detached);
    EXPECT_TRUE(co_await yield_until([&] { return pool.counts().waiting == 1; }));
    const auto start = Stopwatch::now();
    pool.close();
    EXPECT_TRUE(co_await yield_until([&] { return outcome.has_value(); }));
    EXPECT_LT(ms_since(start), 100);
    EXPECT_EQ(outcome.value_or(errc::ok), errc::cancelled);

    auto after = co_await pool.acquire(1s);
    EXPECT_EQ(after.error(), errc::cancelled);
    *held = Lease{};  // returned after close: dropped
    EXPECT_TRUE(counts_are(pool, 0, 0, 0)) << describe(pool.counts());
  }());
}

TEST(PostgresPool, ConnectTimesOutOnAServerThatNeverAnswers) {
  asio::io_context io;
  // The kernel completes the TCP handshake into the backlog; nobody ever reads the startup packet.
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  ConnectionSettings settings;
  settings.conninfo =
      "postgresql://nobody@127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/x";
  settings.connect_timeout = 300ms;
  run(io, [&]() -> asio::awaitable<void> {
    const auto start = Stopwatch::now();
    auto connection = co_await Connection::connect(settings);
    const long long took = ms_since(start);
    EXPECT_EQ(connection.error(), errc::db_unavailable);
    EXPECT_GE(took, 250);
    EXPECT_LT(took, 1500);
  }());
}

TEST(PostgresPool, ConnectionMadeOnOneThreadIsUsedFromAnother) {
  asio::io_context first;
  asio::io_context second;
  ConnectionSettings settings = test_settings().connection;
  std::unique_ptr<Connection> connection;
  run(first, [&]() -> asio::awaitable<void> {
    auto made = co_await Connection::connect(settings);
    EXPECT_TRUE(made);
    if (made) connection = std::move(*made);
  }());
  ASSERT_TRUE(connection);
  std::thread other([&] {
    run(second, [&]() -> asio::awaitable<void> {
      for (int i = 1; i <= 20; ++i) {
        const std::array<std::string, 1> id{std::to_string(i)};
        auto rows = co_await connection->execute(kProductById, id);
        EXPECT_TRUE(rows) << connection->last_error();
        if (rows) {
          EXPECT_EQ(rows->value(0, 0), id[0]);
        }
      }
    }());
  });
  other.join();
  EXPECT_TRUE(connection->healthy());
}

TEST(PostgresPool, SharedByTwoIoContextThreads) {
  constexpr int kThreads = 2;
  constexpr int kCoroutinesPerThread = 4;
  constexpr int kQueriesPerCoroutine = 50;  // 200 per thread
  SteadyClock clock;
  PoolSettings settings = test_settings(3);  // fewer connections than coroutines: hand-offs
  settings.acquire_timeout = 10s;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int i = 0; i < kThreads; ++i) contexts.push_back(std::make_unique<asio::io_context>());
  auto pool = std::make_unique<Pool>(settings, clock);

  std::atomic<int> succeeded{0};
  std::atomic<int> failed{0};
  auto worker = [&](int seed) -> asio::awaitable<void> {
    for (int i = 0; i < kQueriesPerCoroutine; ++i) {
      auto lease = co_await pool->acquire();
      if (!lease) {
        ++failed;
        continue;
      }
      const std::array<std::string, 1> id{std::to_string(1 + (seed * 131 + i * 17) % 10'000)};
      auto rows = co_await lease->connection().execute(kProductById, id);
      if (rows && rows->rows() == 1 && rows->value(0, 0) == id[0]) {
        ++succeeded;
      } else {
        ++failed;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    for (int c = 0; c < kCoroutinesPerThread; ++c) {
      asio::co_spawn(*contexts[t], worker(t * kCoroutinesPerThread + c), asio::detached);
    }
    threads.emplace_back([&io = *contexts[t]] { io.run_for(60s); });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(succeeded.load(), kThreads * kCoroutinesPerThread * kQueriesPerCoroutine);
  EXPECT_EQ(failed.load(), 0);
  const PoolCounts counts = pool->counts();
  EXPECT_EQ(counts.active, 0u);
  EXPECT_EQ(counts.waiting, 0u);
  EXPECT_LE(counts.idle, 3u);
  EXPECT_GE(counts.idle, 1u);
  pool.reset();  // before the io_contexts
}

// How many times this session has run its prepared statement `name` (Postgres counts each
// execution as a generic or a custom plan); -1 when the session has no such statement.
asio::awaitable<long> executions_of(Connection& connection, const std::string& name) {
  const std::array<std::string, 1> params{name};
  auto found = co_await connection.execute(
      {"test.prepared",
       "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
       "WHERE name = $1"},
      params);
  EXPECT_TRUE(found) << connection.last_error();
  if (!found || found->rows() == 0) co_return -1;
  co_return std::stol(std::string(found->value(0, 0)));
}

TEST(PostgresPool, PreparedQueryIsPreparedOncePerConnectionAndRunByName) {
  asio::io_context io;
  SteadyClock clock;
  Pool pool(test_settings(1), clock);
  run(io, [&]() -> asio::awaitable<void> {
    auto lease = co_await pool.acquire();
    EXPECT_TRUE(lease);
    if (!lease) co_return;
    Connection& connection = lease->connection();
    EXPECT_EQ(co_await executions_of(connection, "test_product_by_id"), -1);
    for (const char* id : {"42", "43", "987654"}) {
      const std::array<std::string, 1> params{id};
      auto rows = co_await connection.execute(kPreparedProductById, params);
      EXPECT_TRUE(rows) << connection.last_error();
      if (!rows) co_return;
      EXPECT_EQ(rows->rows(), std::string_view(id) == "987654" ? 0 : 1);
      if (rows->rows() == 1) {
        EXPECT_EQ(rows->value(0, 0), id);
      }
    }
    // One statement, run three times: a second PREPARE under the same name would have failed.
    EXPECT_EQ(co_await executions_of(connection, "test_product_by_id"), 3);

    // A failing execution is the server's error, as unprepared; the statement stays.
    const std::array<std::string, 1> not_a_number{"abc"};
    auto cast = co_await connection.execute(kPreparedProductById, not_a_number);
    EXPECT_EQ(cast.error(), errc::db_query_failed);
    EXPECT_EQ(connection.last_sqlstate(), "22P02") << connection.last_error();
    EXPECT_TRUE(connection.healthy());
    const std::array<std::string, 1> again{"7"};
    EXPECT_TRUE(co_await connection.execute(kPreparedProductById, again));
  }());
}

TEST(PostgresPool, PreparedQueryForgottenByTheServerIsPreparedAgainAndRetriedOnce) {
  asio::io_context io;
  SteadyClock clock;
  Pool pool(test_settings(1), clock);
  run(io, [&]() -> asio::awaitable<void> {
    auto lease = co_await pool.acquire();
    EXPECT_TRUE(lease);
    if (!lease) co_return;
    Connection& connection = lease->connection();
    const std::array<std::string, 1> params{"42"};
    EXPECT_TRUE(co_await connection.execute(kPreparedProductById, params));
    // What a pooler in between, or a session reset, does to a client's statements.
    EXPECT_TRUE(co_await connection.execute({"test.deallocate", "DEALLOCATE ALL"}));
    EXPECT_EQ(co_await executions_of(connection, "test_product_by_id"), -1);

    auto rows = co_await connection.execute(kPreparedProductById, params);
    EXPECT_TRUE(rows) << connection.last_error();
    if (rows) {
      EXPECT_EQ(rows->value(0, 0), "42");
    }
    EXPECT_EQ(connection.last_sqlstate(), "") << "the retry succeeded: no error is left";
    EXPECT_EQ(co_await executions_of(connection, "test_product_by_id"), 1);
  }());
}

TEST(PostgresPool, PreparedQueryWorksOnTheConnectionThatReplacesATerminatedBackend) {
  asio::io_context io;
  SteadyClock clock;
  Pool pool(test_settings(2), clock);
  run(io, [&]() -> asio::awaitable<void> {
    const std::array<std::string, 1> params{"42"};
    int victim_pid = 0;
    {
      auto victim = co_await pool.acquire();
      auto killer = co_await pool.acquire();
      EXPECT_TRUE(victim && killer);
      if (!victim || !killer) co_return;
      EXPECT_TRUE(co_await victim->connection().execute(kPreparedProductById, params));
      victim_pid = victim->connection().backend_pid();
      const std::array<std::string, 1> pid{std::to_string(victim_pid)};
      auto terminated = co_await killer->connection().execute(
          {"test.terminate", "SELECT pg_terminate_backend($1::int)"}, pid);
      EXPECT_TRUE(terminated && terminated->value(0, 0) == "t")
          << killer->connection().last_error();

      auto lost = co_await victim->connection().execute(kPreparedProductById, params);
      EXPECT_EQ(lost.error(), errc::db_unavailable) << victim->connection().last_error();
    }  // the dead connection is dropped, the other goes back idle

    // Both slots are taken so that one of them has to be the fresh connection.
    auto first = co_await pool.acquire();
    auto second = co_await pool.acquire();
    EXPECT_TRUE(first && second);
    if (!first || !second) co_return;
    for (Lease* lease : {&*first, &*second}) {
      auto rows = co_await lease->connection().execute(kPreparedProductById, params);
      EXPECT_TRUE(rows) << lease->connection().last_error();
      EXPECT_NE(lease->connection().backend_pid(), victim_pid);
      EXPECT_GE(co_await executions_of(lease->connection(), "test_product_by_id"), 1);
    }
  }());
}

// Stops the server for a moment: the rest of this binary's tests run before it (gtest keeps
// file order), and it leaves the server running.
TEST(PostgresPool, RestartIsSurvivedWithoutRecreatingThePool) {
  asio::io_context io;
  SteadyClock clock;
  Pool pool(test_settings(2), clock);
  std::optional<Lease> held;
  std::vector<int> old_pids;
  run(io, [&]() -> asio::awaitable<void> {
    auto first = co_await pool.acquire();
    auto second = co_await pool.acquire();
    EXPECT_TRUE(first && second);
    if (!first || !second) co_return;
    EXPECT_TRUE(co_await first->connection().execute(kSelectOne));
    EXPECT_TRUE(co_await second->connection().execute(kSelectOne));
    old_pids = {first->connection().backend_pid(), second->connection().backend_pid()};
    held = std::move(*first);  // held across the restart; `second` goes back idle
  }());
  ASSERT_TRUE(held.has_value());
  ASSERT_TRUE(counts_are(pool, 1, 1, 0)) << describe(pool.counts());

  TestServers::instance().restart_postgres();

  run(io, [&]() -> asio::awaitable<void> {
    // The held connection's session is gone.
    auto stale = co_await (*held)->execute(kSelectOne);
    EXPECT_EQ(stale.error(), errc::db_unavailable) << (*held)->last_error();
    EXPECT_FALSE((*held)->healthy());
    held.reset();  // dropped, not pooled
    EXPECT_TRUE(counts_are(pool, 0, 1, 0)) << describe(pool.counts());

    // The idle one is dead too; acquire notices before handing it out and reconnects.
    // Within a few seconds at most (backoff if the server were still starting).
    const auto start = Stopwatch::now();
    int attempts = 0;
    bool recovered = false;
    while (!recovered && Stopwatch::now() - start < 5s) {
      ++attempts;
      auto lease = co_await pool.acquire();
      if (lease) {
        auto one = co_await lease->connection().execute(kSelectOne);
        recovered = one.has_value();
        // The new session has none of the old one's statements: prepared again on first use.
        const std::array<std::string, 1> params{"42"};
        auto prepared = co_await lease->connection().execute(kPreparedProductById, params);
        EXPECT_TRUE(prepared) << lease->connection().last_error();
        EXPECT_EQ(std::count(old_pids.begin(), old_pids.end(), lease->connection().backend_pid()),
                  0);
      }
      if (!recovered) {
        asio::steady_timer pause(co_await asio::this_coro::executor, 50ms);
        co_await pause.async_wait(asio::use_awaitable);
      }
    }
    EXPECT_TRUE(recovered) << "no working connection within 5 s after the restart";
    EXPECT_EQ(attempts, 1) << "the dead idle connection should not have been handed out";
  }());
}

// An outage costs a fast error, then the backoff refuses connects without trying until it
// passes (a ManualClock here, so "until" is exact), and the same pool recovers afterwards.
TEST(PostgresPool, OutageFailsFastBacksOffAndRecovers) {
  asio::io_context io;
  ManualClock clock;
  PoolSettings settings = test_settings(2);
  settings.backoff_initial = 200ms;
  Pool pool(settings, clock);

  TestServers::instance().stop_postgres();
  run(io, [&]() -> asio::awaitable<void> {
    const auto start = Stopwatch::now();
    auto down = co_await pool.acquire();
    EXPECT_EQ(down.error(), errc::db_unavailable);
    EXPECT_LT(ms_since(start), 1000);
    EXPECT_TRUE(counts_are(pool, 0, 0, 0)) << describe(pool.counts());
  }());

  TestServers::instance().start_postgres();
  run(io, [&]() -> asio::awaitable<void> {
    auto refused = co_await pool.acquire();
    EXPECT_EQ(refused.error(), errc::db_unavailable) << "inside the backoff: not even tried";
    clock.advance(200ms);
    auto back = co_await pool.acquire();
    EXPECT_TRUE(back) << "after the backoff the same pool reconnects";
    if (back) {
      EXPECT_TRUE(co_await back->connection().execute(kSelectOne));
    }
  }());
}

}  // namespace
}  // namespace srelab::postgres
