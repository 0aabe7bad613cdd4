// redis::Client against a real Redis (the binary's private one from TestServers): commands and
// replies, pipelining of concurrent commands, failing fast while Redis is down and recovering
// without a new client, the command timeout, cancellation and stop().
#include <gtest/gtest.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redis/client.hpp"
#include "support/test_servers.hpp"

namespace srelab::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;
using testing::TestServers;

template <std::size_t N>
using Args = std::array<std::string_view, N>;

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

asio::awaitable<void> sleep_for(SteadyClock::duration duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    servers_.flush_redis();
    client_ = make_client(settings());
  }

  void TearDown() override {
    if (client_) client_->stop();
    if (redis_stopped_) servers_.start_redis();
  }

  ClientSettings settings() const {
    ClientSettings settings;
    settings.port = servers_.redis_port();
    settings.command_timeout = 500ms;
    settings.connect_timeout = 500ms;
    settings.backoff_initial = 50ms;
    settings.backoff_max = 400ms;
    return settings;
  }

  std::unique_ptr<Client> make_client(ClientSettings settings) {
    auto client = std::make_unique<Client>(io_.get_executor(), std::move(settings));
    client->start();
    return client;
  }

  // Runs the io_context until `task` finishes; the client's own loops never end by themselves.
  template <class T>
  T run(asio::awaitable<T> task, SteadyClock::duration limit = 20s) {
    std::optional<T> value;
    std::exception_ptr error;
    bool done = false;
    asio::co_spawn(io_, std::move(task), [&](std::exception_ptr e, T v) {
      error = e;
      value.emplace(std::move(v));
      done = true;
    });
    run_until([&] { return done; }, limit);
    if (error) std::rethrow_exception(error);
    if (!done) throw std::runtime_error("test task did not finish in time");
    return std::move(*value);
  }

  void run(asio::awaitable<void> task, SteadyClock::duration limit = 20s) {
    run(
        [](asio::awaitable<void> task) -> asio::awaitable<bool> {
          co_await std::move(task);
          co_return true;
        }(std::move(task)),
        limit);
  }

  // An io_context that ran out of work (every client stopped) stops; it must be restarted.
  void run_until(const std::function<bool()>& finished, SteadyClock::duration limit) {
    const auto until = SteadyClock::now() + limit;
    while (!finished() && SteadyClock::now() < until) {
      if (io_.stopped()) io_.restart();
      io_.run_one_for(50ms);
    }
  }

  // True once `client` is connected, false if it was not within `limit`.
  bool wait_connected(Client& client, SteadyClock::duration limit = 5s) {
    return run([](Client& client, SteadyClock::duration limit) -> asio::awaitable<bool> {
      const auto until = SteadyClock::now() + limit;
      while (!client.connected() && SteadyClock::now() < until) co_await sleep_for(5ms);
      co_return client.connected();
    }(client, limit));
  }

  void stop_redis() {
    servers_.stop_redis();
    redis_stopped_ = true;
  }

  void start_redis() {
    servers_.start_redis();
    redis_stopped_ = false;
  }

  TestServers& servers_ = TestServers::instance();
  asio::io_context io_;
  std::unique_ptr<Client> client_;
  bool redis_stopped_ = false;
};

TEST_F(RedisClientTest, ConnectsAndPings) {
  ASSERT_TRUE(wait_connected(*client_));
  auto pinged = run(client_->ping());
  EXPECT_TRUE(pinged) << pinged.error().message();
  EXPECT_EQ(client_->stats().connects, 1u);
}

TEST_F(RedisClientTest, SetThenGetAndMissingKeyIsNullopt) {
  ASSERT_TRUE(wait_connected(*client_));
  ASSERT_TRUE(run(client_->set("product:1", R"({"id":1,"name":"Lamp"})", 60s)));
  auto hit = run(client_->get("product:1"));
  ASSERT_TRUE(hit) << hit.error().message();
  ASSERT_TRUE(hit->has_value());
  EXPECT_EQ(**hit, R"({"id":1,"name":"Lamp"})");

  auto miss = run(client_->get("product:missing"));
  ASSERT_TRUE(miss) << miss.error().message();
  EXPECT_FALSE(miss->has_value());

  auto ttl = run(client_->command(Args<2>{"TTL", "product:1"}));
  ASSERT_TRUE(ttl);
  EXPECT_EQ(ttl->type, Reply::Type::integer);
  EXPECT_GT(ttl->integer, 55);
  EXPECT_LE(ttl->integer, 60);
}

TEST_F(RedisClientTest, BinaryValuesRoundTrip) {
  ASSERT_TRUE(wait_connected(*client_));
  const std::string value("line\r\nwith\0nul", 14);
  ASSERT_TRUE(run(client_->set("binary", value, 60s)));
  auto got = run(client_->get("binary"));
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ(**got, value);
}

TEST_F(RedisClientTest, ValueExpiresAfterItsTtl) {
  ASSERT_TRUE(wait_connected(*client_));
  const auto start = SteadyClock::now();
  ASSERT_TRUE(run(client_->set("expiring", "soon gone", 1s)));
  auto fresh = run(client_->get("expiring"));
  ASSERT_TRUE(fresh && fresh->has_value());

  const double gone_after =
      run([](Client& client, SteadyClock::time_point start) -> asio::awaitable<double> {
        while (seconds_since(start) < 3.0) {
          auto got = co_await client.get("expiring");
          if (got && !got->has_value()) co_return seconds_since(start);
          co_await sleep_for(50ms);
        }
        co_return -1.0;
      }(*client_, start));
  EXPECT_GE(gone_after, 0.9);
  EXPECT_LE(gone_after, 2.0);
}

TEST_F(RedisClientTest, SetRejectsANonPositiveTtl) {
  ASSERT_TRUE(wait_connected(*client_));
  auto set = run(client_->set("k", "v", 0s));
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error(), errc::invalid_argument);
}

TEST_F(RedisClientTest, GenericCommandsIntegersAndArrays) {
  ASSERT_TRUE(wait_connected(*client_));
  auto pushed = run(client_->command(Args<5>{"RPUSH", "list", "a", "b", "c"}));
  ASSERT_TRUE(pushed);
  EXPECT_EQ(pushed->type, Reply::Type::integer);
  EXPECT_EQ(pushed->integer, 3);

  auto range = run(client_->command(Args<4>{"LRANGE", "list", "0", "-1"}));
  ASSERT_TRUE(range);
  ASSERT_EQ(range->type, Reply::Type::array);
  ASSERT_EQ(range->elements.size(), 3u);
  EXPECT_EQ(range->elements[0].str, "a");
  EXPECT_EQ(range->elements[2].str, "c");

  auto empty = run(client_->command(Args<4>{"LRANGE", "nothing", "0", "-1"}));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->type, Reply::Type::array);
  EXPECT_TRUE(empty->elements.empty());
}

TEST_F(RedisClientTest, ErrorReplyIsCacheErrorAndTheConnectionStaysUsable) {
  ASSERT_TRUE(wait_connected(*client_));
  ASSERT_TRUE(run(client_->command(Args<3>{"RPUSH", "a-list", "x"})));
  auto wrong_type = run(client_->get("a-list"));
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(wrong_type.error(), errc::cache_error);
  EXPECT_NE(client_->last_error().find("WRONGTYPE"), std::string::npos) << client_->last_error();

  auto unknown = run(client_->command(Args<1>{"NO-SUCH-COMMAND"}));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), errc::cache_error);
  EXPECT_NE(client_->last_error().find("unknown command"), std::string::npos)
      << client_->last_error();

  EXPECT_TRUE(run(client_->ping()));
  EXPECT_TRUE(client_->connected());
  EXPECT_EQ(client_->stats().connects, 1u);
}

TEST_F(RedisClientTest, ConcurrentGetsArePipelinedIntoFewWrites) {
  ASSERT_TRUE(wait_connected(*client_));
  constexpr int keys = 50;
  for (int i = 0; i < keys; ++i) {
    ASSERT_TRUE(run(client_->set("p:" + std::to_string(i), "value-" + std::to_string(i), 60s)));
  }
  const auto before = client_->stats();

  constexpr int commands = 1000;
  int succeeded = 0;
  int finished = 0;
  for (int i = 0; i < commands; ++i) {
    asio::co_spawn(
        io_,
        [](Client& client, int i, int& succeeded) -> asio::awaitable<void> {
          const std::string key = "p:" + std::to_string(i % keys);
          auto got = co_await client.get(key);
          if (got && got->has_value() && **got == "value-" + std::to_string(i % keys)) ++succeeded;
        }(*client_, i, succeeded),
        [&finished](std::exception_ptr error) {
          if (error) std::rethrow_exception(error);
          ++finished;
        });
  }
  run_until([&] { return finished == commands; }, 10s);

  ASSERT_EQ(finished, commands);
  EXPECT_EQ(succeeded, commands);
  const auto after = client_->stats();
  EXPECT_EQ(after.commands - before.commands, static_cast<std::uint64_t>(commands));
  EXPECT_EQ(after.replies - before.replies, static_cast<std::uint64_t>(commands));
  const auto writes = after.writes - before.writes;
  EXPECT_GE(writes, 1u);
  EXPECT_LE(writes, static_cast<std::uint64_t>(commands / 10)) << "commands were not batched";
  EXPECT_EQ(after.connects, 1u);
}

TEST_F(RedisClientTest, RedisDownFailsFastThenRecoversWithoutANewClient) {
  ASSERT_TRUE(wait_connected(*client_));
  ASSERT_TRUE(run(client_->set("survivor", "before", 60s)));

  stop_redis();
  const auto outage_start = SteadyClock::now();
  // The first command may still go out on the dead connection; it fails once the loss is seen.
  auto first = run(client_->get("survivor"));
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error(), errc::cache_unavailable);
  EXPECT_FALSE(client_->connected());

  for (int i = 0; i < 20; ++i) {
    const auto start = SteadyClock::now();
    auto got = run(client_->get("survivor"));
    const auto took = SteadyClock::now() - start;
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), errc::cache_unavailable);
    EXPECT_LT(took, 50ms) << "a command waited instead of failing at once";
    run(sleep_for(50ms));  // the connect loop keeps trying meanwhile
  }
  EXPECT_GE(client_->stats().rejected, 20u);

  start_redis();
  const double outage = seconds_since(outage_start);
  ASSERT_TRUE(wait_connected(*client_, 5s)) << "no reconnect after Redis came back";
  EXPECT_TRUE(run(client_->ping()));
  ASSERT_TRUE(run(client_->set("survivor", "after", 60s)));
  auto after = run(client_->get("survivor"));
  ASSERT_TRUE(after && after->has_value());
  EXPECT_EQ(**after, "after");
  EXPECT_EQ(client_->stats().connects, 2u);

  // Backing off from 50 ms up to 400 ms: far fewer attempts than one per 50 ms.
  const auto failures = client_->stats().connect_failures;
  EXPECT_GE(failures, 2u);
  EXPECT_LE(failures, static_cast<std::uint64_t>(outage / 0.05 / 2) + 2)
      << "outage " << outage << " s";
}

TEST_F(RedisClientTest, StartedWhileRedisIsDownConnectsWhenItComesUp) {
  client_.reset();
  stop_redis();
  auto client = make_client(settings());
  auto got = run(client->get("x"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error(), errc::cache_unavailable);
  EXPECT_FALSE(wait_connected(*client, 300ms));
  start_redis();
  ASSERT_TRUE(wait_connected(*client, 5s));
  EXPECT_TRUE(run(client->ping()));
}

TEST_F(RedisClientTest, LateReplyTimesOutResetsTheConnectionAndRecovers) {
  ASSERT_TRUE(wait_connected(*client_));
  struct Outcome {
    result<Reply> blocked = errc::ok;
    double blocked_after = 0;
    result<Reply> behind = errc::ok;
  };
  // BLPOP on an empty list holds its reply for 10 s; a PING queued behind it cannot be answered.
  const auto outcome = run([](Client& client) -> asio::awaitable<Outcome> {
    using namespace asio::experimental::awaitable_operators;
    const auto start = SteadyClock::now();
    Outcome outcome;
    auto blocked = [&]() -> asio::awaitable<void> {
      outcome.blocked = co_await client.command(Args<3>{"BLPOP", "empty-list", "10"});
      outcome.blocked_after = seconds_since(start);
    };
    auto behind = [&]() -> asio::awaitable<void> {
      outcome.behind = co_await client.command(Args<1>{"PING"});
    };
    co_await (blocked() && behind());
    co_return outcome;
  }(*client_));

  ASSERT_FALSE(outcome.blocked);
  EXPECT_EQ(outcome.blocked.error(), errc::timeout);
  EXPECT_GE(outcome.blocked_after, 0.45);
  EXPECT_LT(outcome.blocked_after, 1.5);
  ASSERT_FALSE(outcome.behind);
  EXPECT_EQ(outcome.behind.error(), errc::cache_unavailable);
  EXPECT_EQ(client_->stats().timeouts, 1u);

  ASSERT_TRUE(wait_connected(*client_, 3s));
  EXPECT_TRUE(run(client_->ping()));
  EXPECT_EQ(client_->stats().connects, 2u);
}

TEST_F(RedisClientTest, ConnectionKilledMidPipelineFailsEveryPendingCommandAndReconnects) {
  ASSERT_TRUE(wait_connected(*client_));
  auto killer = make_client(settings());
  ASSERT_TRUE(wait_connected(*killer));
  struct Outcome {
    std::vector<result<Reply>> results;
    double finished_after = 0;
    result<Reply> kill = errc::ok;
  };
  // A BLPOP holds the pipeline, 49 GETs queue behind it; then the server drops the connection.
  const auto outcome = run([](Client& client, Client& killer) -> asio::awaitable<Outcome> {
    using namespace asio::experimental::awaitable_operators;
    const auto start = SteadyClock::now();
    Outcome outcome;
    outcome.results.resize(50, errc::ok);
    int finished = 0;
    auto one = [&](int i) -> asio::awaitable<void> {
      if (i == 0) {
        outcome.results[0] = co_await client.command(Args<3>{"BLPOP", "empty", "10"});
      } else {
        const std::string key = "k" + std::to_string(i);
        auto got = co_await client.command(Args<2>{"GET", key});
        outcome.results[i] = std::move(got);
      }
      if (++finished == 50) outcome.finished_after = seconds_since(start);
    };
    for (int i = 0; i < 50; ++i)
      asio::co_spawn(co_await asio::this_coro::executor, one(i), asio::detached);
    co_await sleep_for(100ms);
    outcome.kill =
        co_await killer.command(Args<6>{"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
    while (finished < 50 && seconds_since(start) < 3) co_await sleep_for(5ms);
    co_return outcome;
  }(*client_, *killer));

  ASSERT_TRUE(outcome.kill) << killer->last_error();
  EXPECT_EQ(outcome.kill->integer, 1) << "exactly the pipelined client was killed";
  ASSERT_EQ(outcome.results.size(), 50u);
  for (const auto& result : outcome.results) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), errc::cache_unavailable);
  }
  EXPECT_GT(outcome.finished_after, 0.0);
  EXPECT_LT(outcome.finished_after, 0.45) << "they failed by the timeout, not the lost connection";
  EXPECT_EQ(client_->stats().timeouts, 0u);
  ASSERT_TRUE(wait_connected(*client_, 3s));
  EXPECT_TRUE(run(client_->ping()));
  EXPECT_EQ(client_->stats().connects, 2u);
}

TEST_F(RedisClientTest, CallerCancellationAnswersAtOnceAndKeepsThePipelineInOrder) {
  ASSERT_TRUE(wait_connected(*client_));
  ASSERT_TRUE(run(client_->set("after-cancel", "v", 60s)));
  struct Outcome {
    bool timer_won = false;
    double took = 0;
    std::optional<result<Reply>> command;
  };
  const auto outcome = run([](Client& client) -> asio::awaitable<Outcome> {
    using namespace asio::experimental::awaitable_operators;
    const auto start = SteadyClock::now();
    asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
    // BLPOP answers nil after 0.3 s, but the caller gives up after 100 ms.
    auto raced = co_await (client.command(Args<3>{"BLPOP", "empty-list", "0.3"}) ||
                           timer.async_wait(asio::use_awaitable));
    Outcome outcome;
    outcome.took = seconds_since(start);
    outcome.timer_won = raced.index() == 1;
    if (raced.index() == 0) outcome.command = std::get<0>(raced);
    co_return outcome;
  }(*client_));
  EXPECT_TRUE(outcome.timer_won);
  EXPECT_LT(outcome.took, 0.25);

  // The abandoned BLPOP's nil reply (after 0.3 s, inside the 0.5 s timeout) is dropped, and
  // the next command gets its own reply, not that one.
  auto got = run(client_->get("after-cancel"));
  ASSERT_TRUE(got) << got.error().message();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, "v");
  EXPECT_EQ(client_->stats().timeouts, 0u);
  EXPECT_EQ(client_->stats().connects, 1u);
}

TEST_F(RedisClientTest, StopCancelsPendingAndLaterCommands) {
  ASSERT_TRUE(wait_connected(*client_));
  const auto pending = run(
      [](Client& client) -> asio::awaitable<result<Reply>> {
        using namespace asio::experimental::awaitable_operators;
        result<Reply> blocked = errc::ok;
        auto blpop = [&]() -> asio::awaitable<void> {
          blocked = co_await client.command(Args<3>{"BLPOP", "empty", "10"});
        };
        auto stopper = [&]() -> asio::awaitable<void> {
          co_await sleep_for(50ms);
          client.stop();
        };
        co_await (blpop() && stopper());
        co_return blocked;
      }(*client_),
      2s);
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error(), errc::cancelled);
  EXPECT_FALSE(client_->connected());

  auto later = run(client_->get("x"));
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error(), errc::cancelled);
}

TEST_F(RedisClientTest, DestroyedWhileCommandsAreSuspended) {
  ASSERT_TRUE(wait_connected(*client_));
  std::optional<result<Reply>> outcome;
  asio::co_spawn(
      io_,
      [](Client& client, std::optional<result<Reply>>& outcome) -> asio::awaitable<void> {
        outcome = co_await client.command(Args<3>{"BLPOP", "empty", "10"});
      }(*client_, outcome),
      [](std::exception_ptr error) {
        if (error) std::rethrow_exception(error);
      });
  for (int i = 0; i < 20; ++i) io_.poll();  // the BLPOP is written and pending
  ASSERT_FALSE(outcome.has_value());
  client_.reset();  // stop() from the destructor, with every loop still suspended
  run_until([&] { return outcome.has_value(); }, 2s);
  ASSERT_TRUE(outcome.has_value());
  ASSERT_FALSE(*outcome);
  EXPECT_EQ(outcome->error(), errc::cancelled);
  io_.restart();
  io_.run_for(100ms);  // the loops finish; the sanitizers would see a use after free
  EXPECT_TRUE(io_.stopped()) << "a loop of the destroyed client is still waiting";
}

TEST_F(RedisClientTest, SelectsTheConfiguredDatabase) {
  ASSERT_TRUE(wait_connected(*client_));
  auto db1_settings = settings();
  db1_settings.database = 1;
  auto db1 = make_client(db1_settings);
  ASSERT_TRUE(wait_connected(*db1));
  ASSERT_TRUE(run(db1->set("only-in-db1", "1", 60s)));
  auto in_db1 = run(db1->get("only-in-db1"));
  ASSERT_TRUE(in_db1 && in_db1->has_value());
  auto in_db0 = run(client_->get("only-in-db1"));
  ASSERT_TRUE(in_db0);
  EXPECT_FALSE(in_db0->has_value());
}

TEST_F(RedisClientTest, FailedHandshakeNeverCountsAsConnected) {
  auto with_password = settings();
  with_password.password = "not-configured-on-this-server";
  auto client = make_client(with_password);
  EXPECT_FALSE(wait_connected(*client, 500ms));
  auto got = run(client->get("x"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error(), errc::cache_unavailable);
  EXPECT_GE(client->stats().connect_failures, 2u);
  EXPECT_EQ(client->stats().connects, 0u);
  EXPECT_NE(client->last_error().find("AUTH"), std::string::npos) << client->last_error();
}

TEST_F(RedisClientTest, NothingListeningFailsFastAndKeepsTrying) {
  auto settings_nowhere = settings();
  settings_nowhere.port = 1;  // privileged, nothing listens there
  auto client = make_client(settings_nowhere);
  run(sleep_for(300ms));
  const auto start = SteadyClock::now();
  auto got = run(client->get("x"));
  EXPECT_LT(SteadyClock::now() - start, 50ms);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error(), errc::cache_unavailable);
  EXPECT_FALSE(client->connected());
  EXPECT_GE(client->stats().connect_failures, 2u);
}

}  // namespace
}  // namespace srelab::redis
