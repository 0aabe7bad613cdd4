// The request path's spans as the Datadog Agent receives them: the service runs in-process
// against real Postgres and Redis, sends its traces to a FakeAgent on loopback, and every payload
// is decoded and checked as a strict receiver would (types, headers), then for the guide's span
// names and tags on a cache hit, a miss, a pool-exhausted 503, a breaker-open fallback and a
// bulk test; then, per span kind (server, Redis, SQL, pool acquire, internal), the fields the
// official tracers send (type, service, peer tags, error type/message/stack, _dd.measured, the
// process's identity), unmatched requests and redacted URLs; plus propagation from the caller
// and an agent that goes away and comes back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cstdio>
#include <fstream>
#include <future>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "support/fake_agent.hpp"
#include "support/service_fixture.hpp"
#include "telemetry/datadog/container_id.hpp"
#include "telemetry/export/trace_exporter.hpp"

namespace srelab::testing {
namespace {

using namespace std::chrono_literals;
using telemetry::SpanData;
using telemetry::TraceChunk;

const SpanData* find_span(const TraceChunk& chunk, std::string_view name,
                          std::string_view resource = {}) {
  for (const auto& span : chunk)
    if (span.name == name && (resource.empty() || span.resource == resource)) return &span;
  return nullptr;
}

const SpanData& root_of(const TraceChunk& chunk) {
  for (const auto& span : chunk)
    if (span.name == "http.request") return span;
  throw std::runtime_error("no http.request span in the chunk");
}

std::string meta(const SpanData* span, const std::string& key) {
  if (span == nullptr) return "<no span>";
  const auto found = span->meta.find(key);
  return found == span->meta.end() ? "<unset>" : std::string(found->second);
}

double metric(const SpanData* span, const std::string& key) {
  if (span == nullptr) return -1;
  const auto found = span->metrics.find(key);
  return found == span->metrics.end() ? -1 : found->second;
}

class TracesTest : public ServiceTest {
 protected:
  TracesTest() {
    flags_["trace-agent-url"] = agent_.url();
    flags_["trace-flush-interval"] = "0.05";
    flags_["dd-env"] = "lab-test";
    flags_["dd-version"] = "9.9.9";
  }

  // Every chunk the agent got so far; each payload checked as a strict receiver would.
  std::vector<TraceChunk> received() {
    std::vector<TraceChunk> chunks;
    for (const RecordedRequest& request : agent_.requests()) {
      EXPECT_EQ(request.method, "POST");
      EXPECT_EQ(request.target, "/v0.4/traces");
      EXPECT_EQ(request.header("content-type"), "application/msgpack");
      EXPECT_EQ(request.header("datadog-meta-lang"), "cpp");
      EXPECT_EQ(request.header("datadog-meta-lang-version"), "202002") << "__cplusplus, C++20";
      EXPECT_TRUE(std::regex_match(request.header("datadog-meta-tracer-version"),
                                   std::regex(R"(\d+\.\d+\.\d+)")))
          << request.header("datadog-meta-tracer-version");
      // The container this process runs in (nothing outside one), as the exporter found it.
      EXPECT_EQ(request.header("datadog-entity-id"), entity_id_);
      const auto violations = v04_violations(request.body);
      EXPECT_TRUE(violations.empty()) << violations.front();
      auto decoded = decode_v04(request.body);
      if (!decoded) {
        ADD_FAILURE() << "payload does not decode";
        continue;
      }
      EXPECT_EQ(request.header("x-datadog-trace-count"), std::to_string(decoded->size()));
      for (auto& chunk : *decoded) chunks.push_back(std::move(chunk));
    }
    return chunks;
  }

  // The first trace whose root has this resource and satisfies `accept`, waiting for it.
  template <class Accept>
  std::optional<TraceChunk> trace_where(std::string_view resource, Accept accept) {
    std::optional<TraceChunk> found;
    eventually(
        [&] {
          for (auto& chunk : received()) {
            const SpanData& root = root_of(chunk);
            if (root.resource == resource && accept(chunk)) {
              found = std::move(chunk);
              return true;
            }
          }
          return false;
        },
        5s);
    return found;
  }

  std::optional<TraceChunk> trace_with_id(const HttpReply& reply, std::string_view resource) {
    const std::string id = reply.header("x-trace-id");
    return trace_where(resource, [&](const TraceChunk& chunk) {
      return telemetry::to_hex(root_of(chunk).trace_id) == id;
    });
  }

  FakeAgent agent_;
  const std::string entity_id_ = telemetry::detect_container_entity_id();
};

void expect_common_root_tags(const SpanData& root, std::string_view status) {
  EXPECT_EQ(root.service, "sre-lab");
  EXPECT_EQ(root.type, "web");
  EXPECT_EQ(metric(&root, "_dd.top_level"), 1.0);
  EXPECT_EQ(root.parent_id, 0u);
  EXPECT_EQ(meta(&root, "span.kind"), "server");
  EXPECT_EQ(meta(&root, "http.method"), "GET");
  EXPECT_EQ(meta(&root, "http.status_code"), std::string(status));
  EXPECT_EQ(meta(&root, "env"), "lab-test");
  EXPECT_EQ(meta(&root, "version"), "9.9.9");
  EXPECT_EQ(metric(&root, "_sampling_priority_v1"), 1.0);
  EXPECT_EQ(meta(&root, "_dd.p.tid").size(), 16u) << "128-bit ids: the high half on the root";
}

TEST_F(TracesTest, CacheHitIsARootAndOneRedisGet) {
  ASSERT_EQ(get("/products/1").status, 200);
  const HttpReply hit = get("/products/1");
  ASSERT_EQ(source_of(hit), "cache");
  ASSERT_EQ(hit.header("x-trace-id").size(), 32u);
  const auto trace = trace_with_id(hit, "GET /products/{id}");
  ASSERT_TRUE(trace) << "the hit's trace reached the agent";

  const SpanData& root = root_of(*trace);
  expect_common_root_tags(root, "200");
  EXPECT_EQ(root.error, 0);
  EXPECT_EQ(meta(&root, "http.route"), "/products/{id}");
  EXPECT_EQ(meta(&root, "http.url"), "http://127.0.0.1/products/1");  // the client's Host
  EXPECT_EQ(telemetry::to_hex(root.trace_id), hit.header("x-trace-id"));
  ASSERT_EQ(trace->size(), 2u) << "root + redis GET, nothing else on a hit";
  const SpanData* redis = find_span(*trace, "redis.command", "GET");
  ASSERT_NE(redis, nullptr);
  EXPECT_EQ(redis->parent_id, root.span_id);
  EXPECT_EQ(meta(redis, "db.system"), "redis");
  EXPECT_EQ(meta(redis, "span.kind"), "client");
  EXPECT_EQ(metric(redis, "cache.hit"), 1.0) << "a boolean, as tracers send one";
  EXPECT_EQ(meta(redis, "redis.raw_command"), "GET product:1");
  EXPECT_GE(redis->start, root.start);
  EXPECT_LE(redis->start + redis->duration, root.start + root.duration);
}

TEST_F(TracesTest, MissGoesThroughTheBreakerThePoolAndPostgresThenFillsRedis) {
  const HttpReply miss = get("/products/2");
  ASSERT_EQ(source_of(miss), "database");
  const auto trace = trace_with_id(miss, "GET /products/{id}");
  ASSERT_TRUE(trace);
  const SpanData& root = root_of(*trace);
  expect_common_root_tags(root, "200");
  EXPECT_EQ(meta(&root, "resilience.circuit_breaker.state"), "CLOSED");

  const SpanData* get_span = find_span(*trace, "redis.command", "GET");
  EXPECT_EQ(metric(get_span, "cache.hit"), 0.0);
  const SpanData* breaker = find_span(*trace, "resilience.circuit_breaker");
  EXPECT_EQ(meta(breaker, "resilience.circuit_breaker.decision"), "permitted");
  const SpanData* acquire = find_span(*trace, "postgres.pool.acquire");
  ASSERT_NE(acquire, nullptr);
  EXPECT_EQ(metric(acquire, "db.pool.size"), 5.0);
  EXPECT_GE(metric(acquire, "db.pool.active"), 1.0);
  EXPECT_GE(metric(acquire, "db.pool.waiting"), 0.0);
  const SpanData* query = find_span(*trace, "postgres.query", "product.by_id");
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(meta(query, "db.system"), "postgresql");
  EXPECT_EQ(meta(query, "span.kind"), "client");
  EXPECT_GE(metric(query, "db.pool.active"), 1.0);
  EXPECT_EQ(query->parent_id, root.span_id);
  const SpanData* set = find_span(*trace, "redis.command", "SET");
  ASSERT_NE(set, nullptr);
  EXPECT_GE(set->start, query->start + query->duration) << "the fill follows the query";
  for (const auto& span : *trace) EXPECT_EQ(span.trace_id, root.trace_id);
}

TEST_F(TracesTest, PoolExhaustedIsAnErrorTraceWithThePoolOnItsSpans) {
  ASSERT_EQ(post("/resilience/configure", R"({"db_pool_timeout_s": 0})").status, 200);
  ASSERT_EQ(post("/chaos/configure", R"({"db_latency": 1, "saturation_ms_per_query": 0})").status,
            200);
  auto bulk =
      std::async(std::launch::async, [&] { return get("/products/bulk/test?requests=5&seed=3"); });
  std::this_thread::sleep_for(400ms);
  const HttpReply exhausted = get("/products/9999");
  ASSERT_EQ(exhausted.status, 503) << exhausted.body;
  ASSERT_EQ(bulk.get().status, 200);

  const auto trace = trace_with_id(exhausted, "GET /products/{id}");
  ASSERT_TRUE(trace);
  const SpanData& root = root_of(*trace);
  expect_common_root_tags(root, "503");
  EXPECT_EQ(root.error, 1);
  EXPECT_EQ(meta(&root, "error.type"), "http.PoolExhausted");
  EXPECT_NE(meta(&root, "error.message").find("pool"), std::string::npos);
  const SpanData* acquire = find_span(*trace, "postgres.pool.acquire");
  ASSERT_NE(acquire, nullptr);
  EXPECT_EQ(acquire->error, 1);
  EXPECT_EQ(meta(acquire, "error.type"), "postgres.PoolExhausted");
  EXPECT_NE(meta(acquire, "error.stack").find("at postgres::Pool::acquire\n"), std::string::npos)
      << meta(acquire, "error.stack");
  // The 503's stack is that of the last failure under it (here the fallback that found no stale
  // copy after the pool's): its frames end at the request's span.
  EXPECT_TRUE(meta(&root, "error.stack").starts_with("http.PoolExhausted: "));
  EXPECT_TRUE(meta(&root, "error.stack").ends_with("\n    at http.request (GET /products/{id})"))
      << meta(&root, "error.stack");
  EXPECT_EQ(metric(acquire, "db.pool.active"), 5.0);
  EXPECT_EQ(metric(acquire, "db.pool.size"), 5.0);
  EXPECT_EQ(find_span(*trace, "postgres.query"), nullptr) << "no query without a connection";

  // The bulk lookups that did hold a connection carry the injected latency on their query.
  const auto bulk_trace =
      trace_where("GET /products/bulk/test", [](const TraceChunk&) { return true; });
  ASSERT_TRUE(bulk_trace);
  const SpanData* slow_query = find_span(*bulk_trace, "postgres.query");
  ASSERT_NE(slow_query, nullptr);
  EXPECT_EQ(metric(slow_query, "chaos.db_latency_ms"), 1000.0);
  EXPECT_GE(slow_query->duration, 900'000'000) << "the latency is spent in the query";
}

TEST_F(TracesTest, BreakerOpenFallbackHasTheGuidesSpanAndTags) {
  ASSERT_EQ(get("/products/3").status, 200);  // a stale copy exists from now on
  ASSERT_EQ(post("/chaos/clear_cache").status, 200);
  ASSERT_EQ(post("/chaos/configure", R"({"db_failure_rate": 1.0})").status, 200);
  for (int id = 10; id < 15; ++id) get("/products/" + std::to_string(id));
  const HttpReply stale = get("/products/3");
  ASSERT_EQ(source_of(stale), "fallback_emergency") << stale.body;

  const auto trace = trace_with_id(stale, "GET /products/{id}");
  ASSERT_TRUE(trace);
  const SpanData& root = root_of(*trace);
  expect_common_root_tags(root, "200");
  EXPECT_EQ(meta(&root, "resilience.circuit_breaker.state"), "OPEN");
  const SpanData* breaker = find_span(*trace, "resilience.circuit_breaker");
  EXPECT_EQ(meta(breaker, "resilience.circuit_breaker.decision"), "rejected");
  const SpanData* fallback = find_span(*trace, "logic.fallback");
  ASSERT_NE(fallback, nullptr);
  EXPECT_EQ(metric(fallback, "app.fallback_used"), 1.0) << "a boolean, as tracers send it";
  EXPECT_EQ(metric(fallback, "_dd.measured"), 1.0);
  EXPECT_EQ(meta(fallback, "resilience.circuit_breaker.state"), "OPEN");
  EXPECT_EQ(fallback->parent_id, root.span_id);
  const SpanData* stale_read = nullptr;
  for (const auto& span : *trace)
    if (span.name == "redis.command" && span.parent_id == fallback->span_id) stale_read = &span;
  ASSERT_NE(stale_read, nullptr) << "the stale read hangs under logic.fallback";
  EXPECT_EQ(find_span(*trace, "postgres.query"), nullptr) << "OPEN: no DB work";

  // One of the failures that opened it: the database's own error on the query span (the answer
  // was the fallback's emergency record, so the root is not an error).
  const auto failed = trace_where("GET /products/{id}", [](const TraceChunk& chunk) {
    const SpanData* query = find_span(chunk, "postgres.query");
    return query != nullptr && query->error == 1;
  });
  ASSERT_TRUE(failed);
  const SpanData* query = find_span(*failed, "postgres.query");
  EXPECT_EQ(query->error, 1);
  EXPECT_EQ(metric(query, "chaos.injected_failure"), 1.0);
  EXPECT_NE(meta(query, "error.message").find("chaos: injected database failure"),
            std::string::npos);
}

TEST_F(TracesTest, BulkTestIsOneTraceWithAChildPerLookup) {
  const HttpReply bulk = get("/products/bulk/test?requests=6&concurrency=3&seed=5");
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  const auto trace = trace_with_id(bulk, "GET /products/bulk/test");
  ASSERT_TRUE(trace);
  const SpanData& root = root_of(*trace);
  int lookups = 0;
  for (const auto& span : *trace) {
    if (span.name != "catalog.product.lookup") continue;
    ++lookups;
    EXPECT_EQ(span.parent_id, root.span_id);
    EXPECT_EQ(meta(&span, "http.status_code"), "200");
    int children = 0;
    for (const auto& other : *trace) children += other.parent_id == span.span_id;
    EXPECT_GE(children, 1) << "each lookup has its own redis/postgres spans";
  }
  EXPECT_EQ(lookups, 6);
}

// ---- per span kind, the fields the official tracers send ----

// The runtime-id form (a version 4 UUID) and the process's own id, on every span of `chunk`.
void expect_process_identity(const TraceChunk& chunk, const std::string& runtime_id) {
  for (const SpanData& span : chunk) {
    EXPECT_EQ(meta(&span, "language"), "cpp") << span.name;
    EXPECT_EQ(meta(&span, "runtime-id"), runtime_id) << span.name;
    EXPECT_EQ(metric(&span, "process_id"), static_cast<double>(::getpid())) << span.name;
    if (span.parent_id != 0 && span.name != "http.request") {
      EXPECT_EQ(metric(&span, "_dd.top_level"), -1) << span.name << ": only the local root";
    }
  }
}

struct Endpoint {
  std::string host;
  std::string port;
  std::string database;
  std::string user;
};

// postgresql://user@host:port/database and redis://host:port/db, as the test servers give them.
Endpoint endpoint_of(const std::string& url) {
  static const std::regex pattern(R"(^[a-z]+://(?:([^@:/]+)@)?([^:/]+):(\d+)/([^?]*))");
  std::smatch match;
  if (!std::regex_search(url, match, pattern)) throw std::runtime_error("no endpoint in " + url);
  return {match[2], match[3], match[4], match[1]};
}

TEST_F(TracesTest, EachSpanKindCarriesItsTypeServiceAndPeerTags) {
  const HttpReply miss = get("/products/21");
  ASSERT_EQ(source_of(miss), "database");
  const auto trace = trace_with_id(miss, "GET /products/{id}");
  ASSERT_TRUE(trace);
  const SpanData& root = root_of(*trace);
  const std::string runtime_id = meta(&root, "runtime-id");
  EXPECT_TRUE(std::regex_match(
      runtime_id,
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << runtime_id;
  expect_process_identity(*trace, runtime_id);

  // server
  EXPECT_EQ(root.type, "web");
  EXPECT_EQ(root.service, "sre-lab");
  EXPECT_EQ(metric(&root, "_dd.top_level"), 1.0);
  EXPECT_EQ(meta(&root, "_dd.base_service"), "<unset>");

  // Redis client
  const Endpoint redis_at = endpoint_of(TestServers::instance().redis_url());
  const SpanData* redis = find_span(*trace, "redis.command", "GET");
  ASSERT_NE(redis, nullptr);
  EXPECT_EQ(redis->type, "redis");
  EXPECT_EQ(redis->service, "sre-lab-redis");
  EXPECT_EQ(meta(redis, "_dd.base_service"), "sre-lab");
  EXPECT_EQ(meta(redis, "span.kind"), "client");
  EXPECT_EQ(meta(redis, "component"), "hiredis");
  EXPECT_EQ(meta(redis, "db.system"), "redis");
  EXPECT_EQ(meta(redis, "db.type"), "redis");
  EXPECT_EQ(meta(redis, "db.name"), redis_at.database);
  EXPECT_EQ(meta(redis, "out.host"), redis_at.host);
  EXPECT_EQ(metric(redis, "network.destination.port"), std::stod(redis_at.port));
  EXPECT_EQ(meta(redis, "peer.service"), redis_at.host);
  EXPECT_EQ(metric(redis, "_dd.measured"), 1.0);
  EXPECT_EQ(meta(redis, "version"), "<unset>") << "the version is sre-lab's, not Redis'";
  EXPECT_EQ(meta(redis, "env"), "lab-test");

  // SQL client
  const Endpoint postgres_at = endpoint_of(TestServers::instance().database_url());
  const SpanData* query = find_span(*trace, "postgres.query", "product.by_id");
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(query->type, "sql");
  EXPECT_EQ(query->service, "sre-lab-postgres");
  EXPECT_EQ(meta(query, "_dd.base_service"), "sre-lab");
  EXPECT_EQ(meta(query, "span.kind"), "client");
  EXPECT_EQ(meta(query, "component"), "libpq");
  EXPECT_EQ(meta(query, "db.system"), "postgresql");
  EXPECT_EQ(meta(query, "db.type"), "postgresql");
  EXPECT_EQ(meta(query, "db.name"), postgres_at.database);
  EXPECT_EQ(meta(query, "db.user"), postgres_at.user);
  EXPECT_EQ(meta(query, "out.host"), postgres_at.host);
  EXPECT_EQ(metric(query, "network.destination.port"), std::stod(postgres_at.port));
  EXPECT_EQ(meta(query, "peer.service"), postgres_at.database);
  EXPECT_EQ(metric(query, "_dd.measured"), 1.0);

  // pool acquire: the service's own work, measured
  const SpanData* acquire = find_span(*trace, "postgres.pool.acquire");
  ASSERT_NE(acquire, nullptr);
  EXPECT_EQ(acquire->service, "sre-lab");
  EXPECT_EQ(acquire->type, "") << "no type: the payload leaves the key out";
  EXPECT_EQ(meta(acquire, "_dd.base_service"), "<unset>");
  EXPECT_EQ(metric(acquire, "_dd.measured"), 1.0);

  // internal
  const SpanData* breaker = find_span(*trace, "resilience.circuit_breaker");
  ASSERT_NE(breaker, nullptr);
  EXPECT_EQ(breaker->service, "sre-lab");
  EXPECT_EQ(breaker->type, "");

  // One runtime id for the process: the next trace has the same.
  const HttpReply hit = get("/products/21");
  const auto hit_trace = trace_with_id(hit, "GET /products/{id}");
  ASSERT_TRUE(hit_trace);
  expect_process_identity(*hit_trace, runtime_id);
}

// The fenced block after "each span it ran under (…):" in docs/telemetry.md, without its fences.
std::string documented_error_stack() {
  std::ifstream file(SRE_LAB_DOCS_DIR "/telemetry.md");
  std::string line, block;
  bool after_intro = false, inside = false;
  while (std::getline(file, line)) {
    if (!after_intro) {
      after_intro = line.ends_with("a real failure by `integration.test_app_traces`):");
    } else if (line == "```") {
      if (inside) break;
      inside = true;
    } else if (inside) {
      block += (block.empty() ? "" : "\n") + line;
    }
  }
  return block;
}

TEST_F(TracesTest, ADatabaseFailureHasATypeAMessageAndTheCallPathAsItsStack) {
  ASSERT_EQ(
      post("/resilience/configure", R"({"mode": "disabled", "fallback_enabled": false})").status,
      200);
  ASSERT_EQ(post("/chaos/configure", R"({"db_failure_rate": 1.0})").status, 200);
  const HttpReply failed = get("/products/22");
  ASSERT_GE(failed.status, 500) << failed.body;
  const auto trace = trace_with_id(failed, "GET /products/{id}");
  ASSERT_TRUE(trace);

  const SpanData* query = find_span(*trace, "postgres.query");
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(query->error, 1);
  // The injected failure is a real Postgres error: a text that is no integer, SQLSTATE 22P02.
  EXPECT_EQ(meta(query, "error.type"), "postgres.InvalidTextRepresentation");
  EXPECT_NE(meta(query, "error.message").find("chaos: injected database failure"),
            std::string::npos);
  const std::string stack = meta(query, "error.stack");
  EXPECT_TRUE(stack.starts_with("postgres.InvalidTextRepresentation: ")) << stack;
  const auto driver = stack.find("\n    at libpq (postgres::Connection::execute)");
  const auto repository = stack.find(
      "\n    at catalog::PgProductRepository::find (src/catalog/product_repository.cpp:");
  const auto handler = stack.find("\n    at http.request (GET /products/{id})");
  ASSERT_NE(driver, std::string::npos) << stack;
  ASSERT_NE(repository, std::string::npos) << stack;
  ASSERT_NE(handler, std::string::npos) << stack;
  EXPECT_LT(driver, repository) << "innermost first";
  EXPECT_LT(repository, handler);
  // docs/telemetry.md shows this very stack: the text there is what Error Tracking shows.
  EXPECT_EQ(documented_error_stack(), stack) << "docs/telemetry.md's example is out of date";

  const SpanData& root = root_of(*trace);
  EXPECT_EQ(root.error, 1);
  const std::string type = meta(&root, "error.type");
  EXPECT_TRUE(type.starts_with("http.")) << type;
  EXPECT_EQ(type.find(' '), std::string::npos) << "a type name, not prose: " << type;
  EXPECT_FALSE(meta(&root, "error.message").empty());
  EXPECT_NE(meta(&root, "error.stack").find("PgProductRepository::find"), std::string::npos)
      << "the answer's stack is the database's: " << meta(&root, "error.stack");
}

TEST_F(TracesTest, ARedisFailureIsAReplyErrorOnTheRedisSpan) {
  ASSERT_EQ(post("/chaos/configure", R"({"cache_failure_rate": 1.0})").status, 200);
  const HttpReply reply = get("/products/23");
  const auto trace = trace_with_id(reply, "GET /products/{id}");
  ASSERT_TRUE(trace);
  const SpanData* failed = nullptr;
  for (const auto& span : *trace)
    if (span.name == "redis.command" && span.error == 1) failed = &span;
  ASSERT_NE(failed, nullptr) << "a Redis span failed";
  EXPECT_EQ(failed->service, "sre-lab-redis");
  EXPECT_EQ(meta(failed, "error.type"), "redis.ReplyError");
  EXPECT_NE(meta(failed, "error.message").find("chaos: injected cache failure"), std::string::npos)
      << meta(failed, "error.message");
  EXPECT_EQ(metric(failed, "chaos.injected_failure"), 1.0);
  const std::string stack = meta(failed, "error.stack");
  EXPECT_NE(
      stack.find("\n    at hiredis (redis::Client::command)\n    at catalog::RedisProductCache::"),
      std::string::npos)
      << stack;
  EXPECT_GE(std::count(stack.begin(), stack.end(), '\n'), 3) << stack;
}

TEST_F(TracesTest, AnUnmatchedRequestIsTracedAsItsMethodWithItsStatus) {
  const HttpReply missing = get("/wp-login.php?user=admin&password=hunter2");
  ASSERT_EQ(missing.status, 404);
  const auto trace = trace_with_id(missing, "GET");
  ASSERT_TRUE(trace) << "scans show in the traces";
  const SpanData& root = root_of(*trace);
  EXPECT_EQ(root.type, "web");
  EXPECT_EQ(meta(&root, "http.status_code"), "404");
  EXPECT_EQ(meta(&root, "http.route"), "<unset>");
  EXPECT_EQ(meta(&root, "http.url"), "http://127.0.0.1/wp-login.php?user=admin&<redacted>");
  EXPECT_EQ(root.error, 0);

  EXPECT_EQ(del("/products/1").status, 405);
  EXPECT_TRUE(trace_where("DELETE", [](const TraceChunk& chunk) {
    return meta(&root_of(chunk), "http.status_code") == "405";
  }));
}

TEST_F(TracesTest, ContinuesTheCallersTraceFromDatadogAndW3CHeaders) {
  HttpClient client(service_->port());
  const HttpReply datadog = client.request(boost::beast::http::verb::get, "/products/4", {},
                                           {{"x-datadog-trace-id", "1234567890123"},
                                            {"x-datadog-parent-id", "777"},
                                            {"x-datadog-sampling-priority", "2"}});
  ASSERT_EQ(datadog.status, 200);
  const auto dd_trace = trace_where("GET /products/{id}", [](const TraceChunk& chunk) {
    return root_of(chunk).trace_id.low == 1234567890123ULL;
  });
  ASSERT_TRUE(dd_trace);
  EXPECT_EQ(root_of(*dd_trace).parent_id, 777u);
  EXPECT_EQ(metric(&root_of(*dd_trace), "_sampling_priority_v1"), 2.0);

  const HttpReply w3c =
      client.request(boost::beast::http::verb::get, "/products/4", {},
                     {{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}});
  ASSERT_EQ(w3c.status, 200);
  EXPECT_EQ(w3c.header("x-trace-id"), "0af7651916cd43dd8448eb211c80319c");
  const auto w3c_trace = trace_where("GET /products/{id}", [](const TraceChunk& chunk) {
    return root_of(chunk).trace_id.low == 0x8448eb211c80319cULL;
  });
  ASSERT_TRUE(w3c_trace);
  EXPECT_EQ(meta(&root_of(*w3c_trace), "_dd.p.tid"), "0af7651916cd43dd");
  EXPECT_EQ(root_of(*w3c_trace).parent_id, 0xb7ad6b7169203331ULL);
}

class LogsTest : public TracesTest {
 protected:
  LogsTest() {
    log_path_ = ::testing::TempDir() + "sre-lab-traces-test-" + std::to_string(::getpid()) + ".log";
    std::remove(log_path_.c_str());
    flags_["log-file"] = log_path_;
  }
  ~LogsTest() override { std::remove(log_path_.c_str()); }

  std::vector<boost::json::object> log_lines() {
    std::vector<boost::json::object> lines;
    std::ifstream file(log_path_);
    for (std::string line; std::getline(file, line);) {
      boost::system::error_code ec;
      auto value = boost::json::parse(line, ec);
      EXPECT_FALSE(ec) << "every log line is JSON: " << line;
      if (!ec && value.is_object()) lines.push_back(value.as_object());
    }
    return lines;
  }

  std::string log_path_;
};

TEST_F(LogsTest, AFailingRequestsLogLineCarriesItsTraceAndSpanIds) {
  ASSERT_EQ(
      post("/resilience/configure", R"({"mode": "disabled", "fallback_enabled": false})").status,
      200);
  ASSERT_EQ(post("/chaos/configure", R"({"db_failure_rate": 1.0})").status, 200);
  const HttpReply failed = get("/products/7");
  ASSERT_EQ(failed.status, 500) << failed.body;
  const auto trace = trace_with_id(failed, "GET /products/{id}");
  ASSERT_TRUE(trace);
  const SpanData& root = root_of(*trace);

  const auto text = [](const boost::json::object& entry, const char* key) {
    const auto* value = entry.if_contains(key);
    return value && value->is_string() ? std::string(value->as_string()) : std::string("<unset>");
  };
  std::optional<boost::json::object> line;
  ASSERT_TRUE(eventually(
      [&] {
        for (auto& entry : log_lines())
          if (text(entry, "message") == "database query failed") line = entry;
        return line.has_value();
      },
      5s));
  EXPECT_EQ(text(*line, "level"), "error");
  EXPECT_EQ(text(*line, "logger"), "catalog.product_service");
  // 128-bit ids are logged whole by default: the answer's X-Trace-Id, 32 hex digits.
  ASSERT_NE(root.trace_id.high, 0u);
  EXPECT_EQ(text(*line, "dd.trace_id"), telemetry::to_hex(root.trace_id));
  EXPECT_EQ(text(*line, "dd.trace_id"), failed.header("x-trace-id"));
  EXPECT_EQ(text(*line, "dd.span_id"), std::to_string(root.span_id));
  EXPECT_EQ(text(*line, "dd.service"), "sre-lab");
  EXPECT_EQ(text(*line, "dd.env"), "lab-test");
  EXPECT_EQ(text(*line, "dd.version"), "9.9.9");
  EXPECT_NE(text(*line, "error.message").find("chaos: injected"), std::string::npos);

  // A storm of the same failure is rate-limited: far fewer lines than failures.
  for (int i = 0; i < 30; ++i) get("/products/7");
  int failures_logged = 0;
  for (auto& entry : log_lines())
    failures_logged += text(entry, "message") == "database query failed";
  EXPECT_LE(failures_logged, 6) << "31 failures, at most 5 lines per 10 s window (+1 summary)";
  EXPECT_GE(failures_logged, 1);
}

class AgentAwayTest : public TracesTest {
 protected:
  AgentAwayTest() { flags_["trace-queue-spans"] = "100"; }
};

TEST_F(AgentAwayTest, QueueStaysBoundedDropsAreCountedAndSendingResumes) {
  agent_.stop();
  for (int i = 0; i < 150; ++i) ASSERT_EQ(get("/products/5").status, 200);
  ASSERT_NE(service_->traces(), nullptr);
  const auto exporters = service_->traces()->exporters();
  ASSERT_EQ(exporters.size(), 1u);
  const auto away = exporters[0].exporter->stats();
  EXPECT_LE(away.queued_spans, 100u);
  EXPECT_GT(away.dropped_traces, 0u);
  const HttpReply metrics = get("/metrics");
  EXPECT_NE(metrics.body.find("trace_export_dropped_total{destination=\"datadog-agent\"}"),
            std::string::npos);

  agent_.clear();
  agent_.start();
  EXPECT_TRUE(eventually([&] { return !received().empty(); }, 40s))
      << "the retained batch goes out once the agent is back (after the backoff)";
  ASSERT_EQ(get("/products/6").status, 200);
  EXPECT_TRUE(trace_where("GET /products/{id}", [](const TraceChunk& chunk) {
    return meta(&root_of(chunk), "http.url").find("/products/6") != std::string::npos;
  }));
}

}  // namespace
}  // namespace srelab::testing
