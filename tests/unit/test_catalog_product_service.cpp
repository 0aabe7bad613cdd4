// ProductService's decision — cache-aside, breaker, repository, fallback — and the HTTP answer
// lookup_product makes of its outcome, with a hand-written fake repository and cache on a manual
// clock. No pool, no network: the breaker, fallback switch and stale copies are the real ones.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <functional>
#include <map>

#include "catalog/answers.hpp"
#include "catalog/catalog_metrics.hpp"
#include "catalog/product_service.hpp"
#include "telemetry/metrics/registry.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::catalog {
namespace {

using boost::asio::awaitable;
using namespace std::chrono_literals;

constexpr postgres::PoolCounts kPool{5, 2, 3, 0};  // size, active, idle, waiting
constexpr postgres::PoolCounts kFullPool{5, 5, 0, 4};

class FakeRepository final : public ProductRepository {
 public:
  awaitable<RepositoryOutcome> find(std::int32_t id, const OperationContext&) override {
    ++calls;
    clock->advance(7ms);
    if (failure) co_return *failure;
    auto it = products.find(id);
    if (it == products.end()) co_return RepositoryRead{std::nullopt, kPool};
    co_return RepositoryRead{it->second, kPool};
  }

  std::map<std::int32_t, Product> products;
  std::optional<ProductFailure> failure;  // every read fails with it while set
  int calls = 0;
  ManualClock* clock = nullptr;
};

class FakeCache final : public ProductCache {
 public:
  awaitable<result<std::optional<std::string>>> get(std::int32_t id, OperationContext&) override {
    if (down) co_return errc::cache_unavailable;
    auto it = entries.find(id);
    if (it == entries.end()) co_return std::optional<std::string>{};
    co_return std::optional<std::string>{it->second};
  }
  awaitable<result<void>> put(std::int32_t id, std::string_view json, std::chrono::seconds ttl,
                              std::chrono::seconds stale_ttl, Clock::wall_time fetched_at,
                              OperationContext&) override {
    ++puts;
    last_ttl = ttl;
    last_stale_ttl = stale_ttl;
    if (down) co_return errc::cache_unavailable;
    entries[id] = std::string(json);
    stale[id] = StaleEntry{std::string(json), fetched_at};
    co_return result<void>{};
  }
  awaitable<result<std::optional<StaleEntry>>> get_stale(std::int32_t id,
                                                         OperationContext&) override {
    if (down) co_return errc::cache_unavailable;
    auto it = stale.find(id);
    if (it == stale.end()) co_return std::optional<StaleEntry>{};
    co_return std::optional<StaleEntry>{it->second};
  }

  std::map<std::int32_t, std::string> entries;
  std::map<std::int32_t, StaleEntry> stale;
  bool down = false;
  int puts = 0;
  std::chrono::seconds last_ttl{}, last_stale_ttl{};
};

Product desk(std::int32_t id) {
  return Product{id, "Desk", "A desk", "office", "99.00"};
}

// Runs one coroutine to its end on a private io_context.
template <class T>
T run(std::function<awaitable<T>()> make) {
  std::optional<T> out;
  boost::asio::io_context io;
  boost::asio::co_spawn(
      io, [&]() -> awaitable<void> { out.emplace(co_await make()); }, boost::asio::detached);
  io.run();
  return std::move(*out);
}

// The product path with its fakes: products 1 and 2 exist, 404 does not.
struct ProductLab {
  ProductLab() {
    repository.products = {{1, desk(1)}, {2, desk(2)}};
    repository.clock = &clock;
  }

  ProductOutcome get(std::int32_t id) {
    return run<ProductOutcome>([this, id]() -> awaitable<ProductOutcome> {
      OperationContext operation{};
      operation.started = clock.now();
      ProductOutcome outcome = co_await service.get(id, operation);
      co_return outcome;
    });
  }
  LookupAnswer lookup(std::int32_t id) {
    return run<LookupAnswer>([this, id]() -> awaitable<LookupAnswer> {
      OperationContext operation{};
      LookupAnswer answer = co_await lookup_product(service, id, operation);
      co_return answer;
    });
  }

  void fail_database(boost::system::error_code code, std::string reason = "server closed") {
    repository.failure = ProductFailure{code, std::move(reason), kPool};
  }
  // Five failed reads of products nobody asks for otherwise: the default breaker opens.
  void open_breaker() {
    fail_database(errc::db_query_failed);
    for (int i = 0; i < 5; ++i) (void)get(1000 + i);
    repository.failure.reset();
  }
  void set_fallback(bool enabled) {
    auto settings = resilience.settings();
    settings.fallback_enabled = enabled;
    resilience.apply(settings);
  }
  void set_without_copy(resilience::FallbackWithoutCopy choice) {
    auto settings = resilience.settings();
    settings.fallback_without_copy = choice;
    resilience.apply(settings);
  }
  void force_open() {
    auto settings = resilience.settings();
    settings.mode = resilience::BreakerMode::forced_open;
    resilience.apply(settings);
  }
  // One lookup under a root span, as a request makes it: the trace's spans.
  telemetry::TraceChunk traced_get(std::int32_t id) {
    telemetry::TraceChunk chunk;
    {
      telemetry::Span root =
          tracer.start_root([&chunk](telemetry::TraceChunk&& done) { chunk = std::move(done); },
                            "http.request", "GET /products/{id}");
      (void)run<ProductOutcome>([this, id, &root]() -> awaitable<ProductOutcome> {
        OperationContext operation{};
        operation.started = clock.now();
        operation.span = &root;
        ProductOutcome outcome = co_await service.get(id, operation);
        co_return outcome;
      });
    }
    return chunk;
  }
  const resilience::CircuitBreaker& breaker() const { return resilience.breaker(); }
  std::size_t breaker_calls() const { return breaker().snapshot().window.size(); }

  ManualClock clock;
  FakeRepository repository;
  FakeCache cache;
  ResilienceControls resilience{resilience::ResilienceSettings{}, clock};
  StaleCopies stale_copies{100};
  telemetry::Registry registry;
  CatalogMetrics metrics = register_catalog_metrics(registry);
  ProductService service{repository,   cache, resilience,
                         stale_copies, clock, ProductServiceSettings{60s, 3600s},
                         &metrics};
  Random random{7};
  telemetry::Tracer tracer{telemetry::TracerSettings{"sre-lab", "lab", "1.0.0", {}}, random, clock};
};

// --- The decision, one row per path -------------------------------------------------------------

struct PathCase {
  const char* name;
  std::function<void(ProductLab&)> arrange;
  std::int32_t id;
  std::optional<Source> served;      // served from here, or…
  boost::system::error_code failed;  // …failed with this
  std::string_view says;             // in the fallback reason or the failure's reason
  int repository_calls;              // in the call under test
  std::size_t breaker_calls;         // outcomes in the breaker's window afterwards
};

void PrintTo(const PathCase& c, std::ostream* os) {
  *os << c.name;
}

class ProductPath : public ::testing::TestWithParam<PathCase> {};

TEST_P(ProductPath, EndsInTheRightOutcome) {
  const PathCase& c = GetParam();
  ProductLab lab;
  c.arrange(lab);
  const int calls_before = lab.repository.calls;
  const ProductOutcome outcome = lab.get(c.id);

  if (c.served) {
    ASSERT_TRUE(outcome) << outcome.error().reason;
    EXPECT_EQ(outcome->source, *c.served);
    EXPECT_NE(outcome->fallback_reason.find(c.says), std::string::npos) << outcome->fallback_reason;
  } else {
    ASSERT_FALSE(outcome) << "served from " << to_string(outcome->source);
    EXPECT_EQ(outcome.error().code, c.failed);
    EXPECT_NE(outcome.error().reason.find(c.says), std::string::npos) << outcome.error().reason;
  }
  EXPECT_EQ(lab.repository.calls - calls_before, c.repository_calls);
  EXPECT_EQ(lab.breaker_calls(), c.breaker_calls);
}

const auto kNothing = [](ProductLab&) {};

INSTANTIATE_TEST_SUITE_P(
    Paths, ProductPath,
    ::testing::Values(
        PathCase{"hit_answers_from_the_cache",
                 [](ProductLab& lab) { lab.cache.entries[1] = R"({"id":1})"; },
                 1,
                 Source::cache,
                 {},
                 "",
                 0,
                 0},
        PathCase{"miss_reads_the_database", kNothing, 1, Source::database, {}, "", 1, 1},
        PathCase{"missing_product_is_not_found_and_a_database_success", kNothing, 404, std::nullopt,
                 errc::not_found, "product 404 does not exist", 1, 1},
        PathCase{"database_error_serves_the_redis_stale_copy",
                 [](ProductLab& lab) {
                   lab.cache.stale[1] = StaleEntry{R"({"id":1})", lab.clock.wall()};
                   lab.fail_database(errc::db_query_failed, "relation is locked");
                 },
                 1,
                 Source::fallback_emergency,
                 {},
                 "database: relation is locked",
                 1,
                 1},
        PathCase{"database_error_without_a_stale_copy_answers_an_emergency_record",
                 [](ProductLab& lab) { lab.fail_database(errc::db_unavailable); },
                 1,
                 Source::fallback_emergency,
                 {},
                 "database: server closed",
                 1,
                 1},
        PathCase{"database_error_without_a_stale_copy_stands_when_set_to_error",
                 [](ProductLab& lab) {
                   lab.set_without_copy(resilience::FallbackWithoutCopy::error);
                   lab.fail_database(errc::db_unavailable);
                 },
                 1, std::nullopt, errc::db_unavailable,
                 "database: server closed, and no stale copy of product 1 exists", 1, 1},
        PathCase{"without_the_fallback_the_database_error_stands",
                 [](ProductLab& lab) {
                   lab.cache.stale[1] = StaleEntry{R"({"id":1})", lab.clock.wall()};
                   lab.set_fallback(false);
                   lab.fail_database(errc::db_timeout, "statement timeout");
                 },
                 1, std::nullopt, errc::db_timeout, "database: statement timeout", 1, 1},
        PathCase{"open_breaker_serves_the_in_process_copy_without_a_call",
                 [](ProductLab& lab) {
                   lab.stale_copies.put(2, R"({"id":2})", lab.clock.now());
                   lab.open_breaker();
                 },
                 2,
                 Source::fallback_emergency,
                 {},
                 "the circuit breaker is OPEN",
                 0,
                 0},
        PathCase{"open_breaker_with_nothing_stale_answers_an_emergency_record",
                 [](ProductLab& lab) { lab.open_breaker(); },
                 7,
                 Source::fallback_emergency,
                 {},
                 "the circuit breaker is OPEN",
                 0,
                 0},
        PathCase{"open_breaker_with_nothing_stale_is_circuit_open_when_set_to_error",
                 [](ProductLab& lab) {
                   lab.open_breaker();
                   lab.set_without_copy(resilience::FallbackWithoutCopy::error);
                 },
                 7, std::nullopt, errc::circuit_open,
                 "the circuit breaker is OPEN, and no stale copy of product 7 exists", 0, 0},
        PathCase{"forced_open_breaker_says_it_is_forced",
                 [](ProductLab& lab) {
                   lab.force_open();
                   lab.set_without_copy(resilience::FallbackWithoutCopy::error);
                 },
                 7, std::nullopt, errc::circuit_open,
                 "the circuit breaker is OPEN (forced open), and no stale copy of product 7 exists",
                 0, 0},
        PathCase{"pool_exhaustion_is_neither_a_breaker_call_nor_a_fallback",
                 [](ProductLab& lab) {
                   lab.cache.stale[1] = StaleEntry{R"({"id":1})", lab.clock.wall()};
                   lab.repository.failure =
                       ProductFailure{errc::pool_exhausted, "no connection freed up", kFullPool};
                 },
                 1, std::nullopt, errc::pool_exhausted, "no connection freed up", 1, 0}),
    [](const auto& info) { return std::string(info.param.name); });

// --- What the paths leave behind --------------------------------------------------------------

TEST(ProductService, AMissFillsBothCopiesAndTheNextLookupIsAHit) {
  ProductLab lab;
  const ProductOutcome first = lab.get(1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->repository_time, 7ms);
  EXPECT_EQ(first->pool, kPool);
  EXPECT_EQ(lab.cache.puts, 1);
  EXPECT_EQ(lab.cache.last_ttl, 60s);
  EXPECT_EQ(lab.cache.last_stale_ttl, 3600s);
  EXPECT_EQ(lab.cache.entries.at(1), first->json);
  EXPECT_EQ(lab.stale_copies.get(1)->json, first->json);

  const ProductOutcome second = lab.get(1);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->source, Source::cache);
  EXPECT_EQ(second->json, first->json);
  EXPECT_FALSE(second->pool) << "a hit never asks the pool";
  EXPECT_EQ(lab.repository.calls, 1);
}

TEST(ProductService, NotFoundIsNotCached) {
  ProductLab lab;
  ASSERT_FALSE(lab.get(404));
  EXPECT_EQ(lab.cache.puts, 0);
  EXPECT_FALSE(lab.stale_copies.get(404));
}

TEST(ProductService, ACacheThatIsDownIsNeitherReadNorFilled) {
  ProductLab lab;
  lab.cache.down = true;
  for (int i = 0; i < 3; ++i) {
    const ProductOutcome view = lab.get(1);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->source, Source::database);
  }
  EXPECT_EQ(lab.repository.calls, 3);
  EXPECT_EQ(lab.cache.puts, 0);
}

TEST(ProductService, FiveDatabaseFailuresOpenTheBreaker) {
  ProductLab lab;
  lab.open_breaker();
  EXPECT_EQ(lab.breaker().state(), resilience::BreakerState::open);
  EXPECT_EQ(lab.repository.calls, 5);
}

TEST(ProductService, TheRedisStaleCopyCarriesItsAge) {
  ProductLab lab;
  ASSERT_TRUE(lab.get(1));
  lab.cache.entries.clear();  // the fresh copy expired; the stale one stays
  lab.clock.advance(30s);
  lab.open_breaker();
  const ProductOutcome view = lab.get(1);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->source, Source::fallback_emergency);
  EXPECT_NEAR(view->stale_age_s, 30.0, 0.1);
}

TEST(ProductService, WhenRedisIsDownTooTheInProcessCopyServes) {
  ProductLab lab;
  ASSERT_TRUE(lab.get(2));
  lab.cache.down = true;
  lab.fail_database(errc::db_unavailable);
  const ProductOutcome view = lab.get(2);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->source, Source::fallback_emergency);
  EXPECT_EQ(view->pool, kPool) << "the failed read did ask the pool";
}

TEST(ProductService, PoolExhaustionInHalfOpenGivesTheTrialPermitBack) {
  ProductLab lab;
  lab.open_breaker();
  lab.clock.advance(10s);  // the default open wait
  lab.repository.failure = ProductFailure{errc::pool_exhausted, "no connection", kFullPool};
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(lab.get(1));
  EXPECT_EQ(lab.breaker().state(), resilience::BreakerState::half_open);
  EXPECT_EQ(lab.breaker().snapshot().half_open_in_flight, 0u) << "every permit came back";
  EXPECT_EQ(lab.repository.calls, 10) << "each lookup got a trial permit, none was used up";
}

// --- The HTTP answer made of each outcome -----------------------------------------------------

TEST(ProductLookup, AServedProductCarriesItsSource) {
  ProductLab lab;
  const LookupAnswer answer = lab.lookup(1);
  EXPECT_EQ(answer.status, http::Status::ok);
  EXPECT_EQ(answer.source, "database");
  EXPECT_EQ(boost::json::parse(answer.body).at("source").as_string(), "database");
  EXPECT_EQ(answer.pool, kPool);
}

struct AnswerCase {
  const char* name;
  std::function<void(ProductLab&)> arrange;
  http::Status status;
  std::string body;
};

void PrintTo(const AnswerCase& c, std::ostream* os) {
  *os << c.name;
}

class ProductLookupFailure : public ::testing::TestWithParam<AnswerCase> {};

TEST_P(ProductLookupFailure, AnswersWithTheStatusAndBody) {
  ProductLab lab;
  GetParam().arrange(lab);
  const LookupAnswer answer = lab.lookup(7);
  EXPECT_EQ(answer.status, GetParam().status);
  EXPECT_EQ(answer.body, GetParam().body);
  EXPECT_TRUE(answer.source.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Outcomes, ProductLookupFailure,
    ::testing::Values(
        AnswerCase{"not_found", kNothing, http::Status::not_found,
                   R"({"error":"Not Found","detail":"product 7 does not exist"})"},
        AnswerCase{
            "circuit_open_when_set_to_error",
            [](ProductLab& lab) {
              lab.open_breaker();
              lab.set_without_copy(resilience::FallbackWithoutCopy::error);
            },
            http::Status::service_unavailable,
            R"({"error":"Circuit Open","detail":"the circuit breaker is OPEN, and no stale copy of product 7 exists"})"},
        AnswerCase{
            "pool_exhausted_shows_the_pool",
            [](ProductLab& lab) {
              lab.repository.failure = ProductFailure{
                  errc::pool_exhausted, "no database connection freed up within the pool timeout",
                  kFullPool};
            },
            http::Status::service_unavailable,
            R"({"error":"Pool Exhausted","detail":"no database connection freed up within the pool timeout","pool":{"active":5,"size":5,"waiting":4}})"},
        AnswerCase{"database_timeout",
                   [](ProductLab& lab) {
                     lab.set_fallback(false);
                     lab.fail_database(errc::db_timeout, "canceling statement");
                   },
                   http::Status::gateway_timeout,
                   R"({"error":"Database Timeout","detail":"database: canceling statement"})"}),
    [](const auto& info) { return std::string(info.param.name); });

// The guide's Part 4.2: "instead of an error, 200 with emergency (stale) data".
TEST(ProductLookup, WithoutACopyTheFallbackAnswers200WithAnEmergencyRecord) {
  ProductLab lab;
  lab.open_breaker();
  const LookupAnswer answer = lab.lookup(7);
  EXPECT_EQ(answer.status, http::Status::ok);
  EXPECT_EQ(answer.source, "fallback_emergency");
  EXPECT_EQ(answer.body, R"({"id":7,"name":null,"description":null,"category":null,"price":null,)"
                         R"("unavailable":["name","description","category","price"],)"
                         R"("source":"fallback_emergency","stale":null})");
}

TEST(ProductLookup, AStaleCopyStillWinsOverTheEmergencyRecord) {
  ProductLab lab;
  ASSERT_TRUE(lab.get(1));
  lab.cache.entries.clear();
  lab.clock.advance(5s);
  lab.open_breaker();
  const boost::json::object body = boost::json::parse(lab.lookup(1).body).as_object();
  EXPECT_EQ(body.at("name").as_string(), "Desk");
  EXPECT_EQ(body.at("stale").as_bool(), true);
  EXPECT_NEAR(body.at("stale_age_s").to_number<double>(), 5.0, 0.1);
  EXPECT_FALSE(body.contains("unavailable"));
}

TEST(ProductService, TheFallbackCountsEachAnswerByKind) {
  ProductLab lab;
  ASSERT_TRUE(lab.get(1));
  lab.cache.entries.clear();
  lab.open_breaker();  // its five lookups found nothing stale: five emergency records
  ASSERT_TRUE(lab.get(1));
  ASSERT_TRUE(lab.get(7));
  EXPECT_EQ(lab.metrics.fallback_stale.value(), 1);
  EXPECT_EQ(lab.metrics.fallback_emergency.value(), 6);
  lab.set_without_copy(resilience::FallbackWithoutCopy::error);
  ASSERT_FALSE(lab.get(8));
  EXPECT_EQ(lab.metrics.fallback_emergency.value(), 6) << "a failure is not a fallback answer";
}

// --- The spans, as the guide reads them ---------------------------------------------------------

const telemetry::SpanData& span_named(const telemetry::TraceChunk& chunk, std::string_view name) {
  for (const auto& span : chunk)
    if (span.name == name) return span;
  throw std::out_of_range("no span " + std::string(name));
}

TEST(FallbackSpan, UsedIsTheMetricOneWhereTheFallbackAnswered) {
  ProductLab lab;
  lab.open_breaker();
  const telemetry::TraceChunk chunk = lab.traced_get(7);
  const telemetry::SpanData& fallback = span_named(chunk, "logic.fallback");
  EXPECT_EQ(fallback.metrics.at("app.fallback_used"), 1);
  EXPECT_FALSE(fallback.meta.contains("app.fallback_used")) << "not the string \"true\"";
  EXPECT_EQ(fallback.metrics.at("_dd.measured"), 1);
  EXPECT_EQ(fallback.meta.at("app.fallback_source"), "emergency");
  EXPECT_EQ(fallback.meta.at("resilience.circuit_breaker.state"), "OPEN");
  EXPECT_EQ(fallback.error, 0);
}

TEST(FallbackSpan, NotUsedWhereTheFailureStood) {
  ProductLab lab;
  lab.open_breaker();
  lab.set_without_copy(resilience::FallbackWithoutCopy::error);
  const telemetry::TraceChunk chunk = lab.traced_get(7);
  const telemetry::SpanData& fallback = span_named(chunk, "logic.fallback");
  EXPECT_FALSE(fallback.metrics.contains("app.fallback_used"));
  EXPECT_FALSE(fallback.meta.contains("app.fallback_used"));
  EXPECT_EQ(fallback.error, 1);
  EXPECT_EQ(fallback.metrics.at("_dd.measured"), 1);
}

TEST(BreakerSpan, ForcedOpenReadsOpenWithTheForcingBeside) {
  ProductLab lab;
  lab.force_open();
  const telemetry::TraceChunk chunk = lab.traced_get(7);
  for (std::string_view name : {"http.request", "resilience.circuit_breaker", "logic.fallback"}) {
    const telemetry::SpanData& span = span_named(chunk, name);
    EXPECT_EQ(span.meta.at("resilience.circuit_breaker.state"), "OPEN") << name;
    EXPECT_EQ(span.metrics.at("resilience.circuit_breaker.forced"), 1) << name;
  }
  const telemetry::SpanData& breaker = span_named(chunk, "resilience.circuit_breaker");
  EXPECT_EQ(breaker.metrics.at("_dd.measured"), 1);
  EXPECT_EQ(breaker.meta.at("resilience.circuit_breaker.decision"), "rejected");
}

TEST(BreakerSpan, AnOpenBreakerIsNotForced) {
  ProductLab lab;
  lab.open_breaker();
  const telemetry::TraceChunk chunk = lab.traced_get(7);
  const telemetry::SpanData& breaker = span_named(chunk, "resilience.circuit_breaker");
  EXPECT_EQ(breaker.meta.at("resilience.circuit_breaker.state"), "OPEN");
  EXPECT_FALSE(breaker.metrics.contains("resilience.circuit_breaker.forced"));
}

}  // namespace
}  // namespace srelab::catalog
