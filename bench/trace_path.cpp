// What tracing one cache hit costs on the request thread, in isolation: the trace a cache hit
// makes (root http.request with the request tags, a redis.command child), handed to the Datadog
// exporter (which encodes it on the calling thread), with the exporter's flush run every 1000
// traces against a transport that answers 200 at once. Run by `./lab bench` beside the end-to-end
// benchmarks:
//   build/release/bench/trace_path_bench
#include <benchmark/benchmark.h>

#include <string>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "telemetry/datadog/datadog_agent.hpp"
#include "telemetry/export/trace_exporter.hpp"
#include "telemetry/tracing/client_span.hpp"
#include "telemetry/tracing/sampler.hpp"
#include "telemetry/tracing/span.hpp"
#include "telemetry/tracing/trace_id.hpp"

namespace {

using namespace srelab;
using namespace srelab::telemetry;

class AnsweringTransport final : public ExportTransport {
 public:
  result<ExportResponse> send(const ExportRequest& request, std::chrono::milliseconds) override {
    bytes += request.body.size();
    ExportResponse response;
    response.status = 200;
    response.body = R"({"rate_by_service":{"service:,env:":1}})";
    return response;
  }
  std::size_t bytes = 0;
};

// The Redis client spans' peer, as the service builds it (catalog/peer_endpoints.cpp).
const PeerEndpoint kRedis{"redis", "redis", "redis", "hiredis", "127.0.0.1", 6379, "0", "", false};

// The process's identity, which every span carries.
TracerSettings tracer_settings() {
  TracerSettings settings{"sre-lab", "", "", {}};
  settings.runtime_id = "6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5";
  settings.process_id = 4242;
  return settings;
}

// The tags the cache-hit path sets, in its order (request_tracing, product_lookup, product_cache).
void trace_cache_hit(Tracer& tracer, const TraceSink& sink, std::string& header) {
  Span root = tracer.start_root(sink, "http.request", "GET /products/{id}");
  root.set_type("web");
  root.set_tag("span.kind", "server");
  root.set_tag("http.method", "GET");
  root.set_tag("http.route", "/products/{id}");
  root.set_tag("http.url", "http://127.0.0.1:18000/products/" + std::to_string(417));
  root.set_tag("resilience.circuit_breaker.state", "CLOSED");
  {
    Span redis = root.child("redis.command", "GET");
    tag_client_span(redis, kRedis);
    redis.set_tag("redis.raw_command", "GET product:417");
    redis.set_metric("cache.hit", 1);
  }
  root.set_metric("product.id", 417);
  root.set_tag("app.source", "cache");
  root.set_tag("http.status_code", std::to_string(200));
  header = to_hex(root.trace_id());
}

void BM_CacheHitTrace(benchmark::State& state) {
  SteadyClock clock;
  Random random(42);
  AnsweringTransport transport;
  DatadogAgentSettings agent_settings;
  agent_settings.agent_url = "http://127.0.0.1:8126";
  DatadogAgentDestination destination(agent_settings);
  TraceExporter exporter(TraceExporterSettings{}, destination, transport, clock);
  Sampler sampler(SamplerSettings{},
                  [&destination] { return destination.rates().rate_for("sre-lab", ""); });
  Tracer tracer(tracer_settings(), random, clock, &sampler);
  const TraceSink sink = [&exporter](TraceChunk&& chunk) { exporter.submit(std::move(chunk)); };
  std::string header;
  std::size_t traces = 0;
  for (auto _ : state) {
    trace_cache_hit(tracer, sink, header);
    if (++traces % 1000 == 0) exporter.flush_once();
  }
  exporter.flush_once();
  state.counters["bytes/trace"] = double(transport.bytes) / double(traces);
}
BENCHMARK(BM_CacheHitTrace);

// The same trace without an exporter: what building the spans costs.
void BM_CacheHitSpansOnly(benchmark::State& state) {
  SteadyClock clock;
  Random random(42);
  Tracer tracer(tracer_settings(), random, clock, nullptr);
  const TraceSink sink = [](TraceChunk&& chunk) { benchmark::DoNotOptimize(chunk.data()); };
  std::string header;
  for (auto _ : state) trace_cache_hit(tracer, sink, header);
}
BENCHMARK(BM_CacheHitSpansOnly);

}  // namespace

BENCHMARK_MAIN();
