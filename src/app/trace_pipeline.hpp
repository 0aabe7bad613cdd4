// Where every finished trace goes: the consumers the configuration asks for (the Datadog Agent
// exporter, the OTLP exporter, the console's store), fed from the request threads through one
// TraceSink. The pipeline also owns the shared Sampler (fed by the Agent's rates), and says once
// in the log when an exporter's destination stops answering and once when it answers again.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "app/serve_config.hpp"
#include "core/clock.hpp"
#include "telemetry/logging/logger.hpp"
#include "telemetry/metrics/registry.hpp"
#include "telemetry/tracing/sampler.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::telemetry {
class TraceExporter;
}

namespace srelab::app {

class TracePipeline {
 public:
  using Consumer = std::function<void(telemetry::TraceChunk&&)>;
  // Asked on the request thread before the consumer is given a chunk, and before the copy it
  // would be given is made: false skips the consumer for that chunk. Must be cheap and
  // thread-safe. An empty Wants takes every chunk (the exporters).
  using Wants = std::function<bool(const telemetry::TraceChunk&)>;

  // `logger` may be null (no reachability lines); it must outlive the pipeline.
  TracePipeline(const TracingConfig& config, const Clock& clock, telemetry::Registry& registry,
                telemetry::Logger* logger = nullptr);
  ~TracePipeline();
  TracePipeline(const TracePipeline&) = delete;
  TracePipeline& operator=(const TracePipeline&) = delete;

  telemetry::Sampler& sampler() { return *sampler_; }
  // For the request threads; cheap to copy (one pointer).
  telemetry::TraceSink sink() {
    return [this](telemetry::TraceChunk&& chunk) { deliver(std::move(chunk)); };
  }
  // At setup, before traffic: a local consumer (the console's store). Consumers run on the
  // request threads, in the order added, after the exporters' queues. Every consumer that wants
  // a chunk but the last one gets a copy; the last takes the chunk itself. Throws
  // std::length_error beyond kMaxConsumers: a wiring bug.
  void add_consumer(Consumer consumer, Wants wants = {});
  static constexpr std::size_t kMaxConsumers = 64;

  // The exporters, for stats (tests, /metrics).
  struct ExporterView {
    std::string_view name;  // "datadog-agent", "otlp"
    const telemetry::TraceExporter* exporter;
  };
  std::vector<ExporterView> exporters() const;

  // "" while the Datadog Agent answers (or is not used); otherwise one line saying that traces
  // cannot reach it, why, and how many were dropped: a note for /readyz, not a failure.
  std::string agent_note() const;

  void start();
  // Sends what is queued (bounded by `deadline`) and stops the exporters. Idempotent.
  void stop(std::chrono::milliseconds deadline = std::chrono::milliseconds(2000));

 private:
  struct Exporters;
  void deliver(telemetry::TraceChunk&& chunk);

  std::unique_ptr<Exporters> exporters_;
  std::unique_ptr<telemetry::Sampler> sampler_;
  struct Entry {
    Consumer consume;
    Wants wants;  // empty: every chunk
  };
  std::vector<Entry> consumers_;
};

}  // namespace srelab::app
