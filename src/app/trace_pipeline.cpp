#include "app/trace_pipeline.hpp"

#include <cstdint>
#include <stdexcept>
#include <utility>

#include "http/http_export_transport.hpp"
#include "telemetry/datadog/datadog_agent.hpp"
#include "telemetry/export/trace_exporter.hpp"
#include "telemetry/otlp/otlp_json.hpp"

namespace srelab::app {

namespace {

constexpr std::string_view kLogger = "telemetry.trace_export";

// One warning when traces stop getting through and one info line when they do again: a missing
// Agent is a normal lab set-up, not an error storm. The exporter keeps retrying with backoff.
telemetry::TraceExporter::ReachabilityObserver log_reachability(telemetry::Logger& logger,
                                                                std::string where) {
  return [&logger, where = std::move(where)](bool reachable, const std::string& error) {
    if (reachable) {
      logger.info(kLogger, "traces reach their destination again", nullptr,
                  {telemetry::string_field("destination", where)});
    } else {
      logger.warning(
          kLogger,
          "traces cannot be sent; retrying with backoff, dropping (counted in "
          "trace.export.dropped) beyond the queue bound",
          nullptr,
          {telemetry::string_field("destination", where), telemetry::string_field("error", error)});
    }
  };
}

}  // namespace

// The exporters the configuration asks for, each with its destination, on one shared transport
// per exporter thread (a transport serializes its sends).
struct TracePipeline::Exporters {
  struct Exporter {
    std::unique_ptr<telemetry::TraceDestination> destination;
    std::unique_ptr<http::HttpExportTransport> transport;
    std::unique_ptr<telemetry::TraceExporter> exporter;
  };

  telemetry::DatadogAgentDestination* agent = nullptr;  // also all.front() when set
  std::string agent_url;
  std::vector<Exporter> all;

  void add(std::unique_ptr<telemetry::TraceDestination> destination, std::string where,
           const TracingConfig& config, const Clock& clock, telemetry::Logger* logger) {
    telemetry::TraceExporterSettings settings;
    settings.flush_interval = config.flush_interval;
    settings.max_queued_spans = config.max_queued_spans;
    Exporter entry;
    entry.transport = std::make_unique<http::HttpExportTransport>();
    entry.exporter =
        std::make_unique<telemetry::TraceExporter>(settings, *destination, *entry.transport, clock);
    if (logger) entry.exporter->set_reachability_observer(log_reachability(*logger, where));
    entry.destination = std::move(destination);
    all.push_back(std::move(entry));
  }
};

namespace {

void register_exporter_metrics(telemetry::Registry& registry,
                               const std::vector<TracePipeline::ExporterView>& exporters) {
  using telemetry::metric_info;
  auto& sent = registry.counter(metric_info("trace.export.sent", "Traces the destination accepted.",
                                            telemetry::Unit::none, {"destination"}));
  auto& dropped = registry.counter(metric_info(
      "trace.export.dropped",
      "Traces dropped because the export queue was full (the destination away or slow).",
      telemetry::Unit::none, {"destination"}));
  auto& rejected = registry.counter(metric_info("trace.export.rejected",
                                                "Traces the destination refused (not retried).",
                                                telemetry::Unit::none, {"destination"}));
  auto& failed = registry.counter(metric_info("trace.export.failed_requests",
                                              "Export requests that failed and will be retried.",
                                              telemetry::Unit::none, {"destination"}));
  auto& queued =
      registry.gauge(metric_info("trace.export.queued_spans", "Spans waiting to be sent (bounded).",
                                 telemetry::Unit::none, {"destination"}));
  for (const auto& view : exporters) {
    const telemetry::TraceExporter* exporter = view.exporter;
    const std::string_view name = view.name;
    sent.with_callback({name}, [exporter] { return double(exporter->stats().sent_traces); });
    dropped.with_callback({name}, [exporter] { return double(exporter->stats().dropped_traces); });
    rejected.with_callback({name},
                           [exporter] { return double(exporter->stats().rejected_traces); });
    failed.with_callback({name}, [exporter] { return double(exporter->stats().failed_requests); });
    queued.with_callback({name}, [exporter] { return double(exporter->stats().queued_spans); });
  }
}

}  // namespace

TracePipeline::TracePipeline(const TracingConfig& config, const Clock& clock,
                             telemetry::Registry& registry, telemetry::Logger* logger)
    : exporters_(std::make_unique<Exporters>()) {
  if (config.send && !config.agent_url.empty()) {
    telemetry::DatadogAgentSettings settings;
    settings.agent_url = config.agent_url;
    settings.tracer_version = SRE_LAB_VERSION;
    settings.entity_id = config.entity_id;
    auto agent = std::make_unique<telemetry::DatadogAgentDestination>(settings);
    exporters_->agent = agent.get();
    exporters_->agent_url = config.agent_url;
    exporters_->add(std::move(agent), "Datadog Agent " + config.agent_url, config, clock, logger);
  }
  if (config.send && !config.otlp_url.empty()) {
    telemetry::OtlpResource resource;
    resource.attributes = config.otlp_resource;
    exporters_->add(std::make_unique<telemetry::OtlpTracesDestination>(
                        config.otlp_url, std::move(resource), "sre-lab", SRE_LAB_VERSION),
                    "OTLP " + config.otlp_url, config, clock, logger);
  }

  std::function<double()> agent_rate;
  if (exporters_->agent) {
    agent_rate = [agent = exporters_->agent, service = config.tracer.service,
                  env = config.tracer.env] { return agent->rates().rate_for(service, env); };
  }
  sampler_ = std::make_unique<telemetry::Sampler>(config.sampler, std::move(agent_rate));

  for (const auto& entry : exporters_->all) {
    telemetry::TraceExporter* exporter = entry.exporter.get();
    add_consumer([exporter](telemetry::TraceChunk&& chunk) { exporter->submit(chunk); });
  }
  register_exporter_metrics(registry, exporters());
}

TracePipeline::~TracePipeline() {
  stop();
}

std::vector<TracePipeline::ExporterView> TracePipeline::exporters() const {
  std::vector<ExporterView> views;
  for (const auto& entry : exporters_->all)
    views.push_back({entry.destination->name(), entry.exporter.get()});
  return views;
}

std::string TracePipeline::agent_note() const {
  if (!exporters_->agent) return {};
  const telemetry::TraceExporterStats stats = exporters_->all.front().exporter->stats();
  if (stats.consecutive_failures == 0) return {};
  return "traces cannot reach the Datadog Agent at " + exporters_->agent_url + " (" +
         stats.last_error + "); retrying, " + std::to_string(stats.dropped_traces) +
         " traces dropped so far";
}

void TracePipeline::start() {
  for (auto& entry : exporters_->all) entry.exporter->start();
}

void TracePipeline::stop(std::chrono::milliseconds deadline) {
  for (auto& entry : exporters_->all) entry.exporter->stop(deadline);
}

void TracePipeline::add_consumer(Consumer consumer, Wants wants) {
  if (consumers_.size() >= kMaxConsumers)
    throw std::length_error("TracePipeline: more than kMaxConsumers consumers");
  consumers_.push_back(Entry{std::move(consumer), std::move(wants)});
}

void TracePipeline::deliver(telemetry::TraceChunk&& chunk) {
  // Who wants the chunk is settled first: a consumer that declines costs no copy, and the last
  // one that accepts takes the chunk itself.
  std::uint64_t wanted = 0;
  std::size_t last = consumers_.size();
  for (std::size_t i = 0; i < consumers_.size(); ++i) {
    if (consumers_[i].wants && !consumers_[i].wants(chunk)) continue;
    wanted |= std::uint64_t{1} << i;
    last = i;
  }
  if (last == consumers_.size()) return;
  for (std::size_t i = 0; i < last; ++i) {
    if ((wanted & (std::uint64_t{1} << i)) == 0) continue;
    telemetry::TraceChunk copy = chunk;
    consumers_[i].consume(std::move(copy));
  }
  consumers_[last].consume(std::move(chunk));
}

}  // namespace srelab::app
