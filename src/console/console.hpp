// The console's recording side, one per service: it owns the bounded stores the console API reads
// (TraceStore, LogStore, MetricTimeline) and feeds them —
//   traces:  wants_trace() is the trace pipeline's cheap pre-check (TraceAdmission), run before
//            the pipeline copies a chunk; add_trace() keeps an admitted chunk;
//   logs:    log_sink() is a LogSink for the Logger, each record copied into the LogStore;
//   metrics: a sampler on one io_context puts a registry snapshot into the timeline every
//            second (start/stop);
//   chaos:   observe_chaos() opens a band on the timeline when the faults in force change (the
//            chaos endpoints call it through ChaosControls' observer) and closes it when none is
//            left; the sampler polls the chaos in force too, which catches a duration_s that ran
//            out;
//   experiments: the runs `sre-lab experiment run` posts (ExperimentRuns) and the one started
//            from the console (ExperimentLaunches, which the app enables with its spawner); the
//            sampler polls the child, which reaps it soon after it exits.
// The app builds it when --console is on; every worker's router serves console_routes over it.
// Thread-safe: the stores are, and the sampler runs on one thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "chaos/chaos_settings.hpp"
#include "chaos/chaos_state.hpp"
#include "console/experiment_launches.hpp"
#include "console/experiment_runs.hpp"
#include "console/log_store.hpp"
#include "console/metric_timeline.hpp"
#include "console/trace_admission.hpp"
#include "console/trace_store.hpp"
#include "core/clock.hpp"
#include "telemetry/logging/logger.hpp"
#include "telemetry/metrics/registry.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::console {

struct ConsoleSettings {
  TraceStoreSettings traces;
  TraceAdmissionSettings admission;
  LogStoreSettings logs;
  MetricTimelineSettings timeline;
  ExperimentRunsSettings experiments;
  std::chrono::milliseconds sample_interval{1000};
};

// The settings for the bounds a user chooses (--console-traces, --console-trace-mb,
// --console-logs); the rest follows from them: the errors pool holds up to a tenth of the
// traces (at most 100), the slowest pool up to a twentieth (at most 20), and the logs up to 1 KiB
// a line on average. Throws std::invalid_argument when max_traces < 10, or a bound is 0.
ConsoleSettings bounded_console_settings(std::size_t max_traces, std::size_t max_trace_bytes,
                                         std::size_t max_logs);

// The faults in force as one line for a chaos band, in the chaos API's own words, e.g.
// "db_failure_rate=1, db_latency=0.2s, for 60s"; "" when the settings hold no fault (a changed
// saturation_ms_per_query counts: it is a knob of the same panel).
std::string describe_chaos(const chaos::ChaosSettings& settings);

class Console {
 public:
  // Throws std::invalid_argument for bounds the stores refuse. `clock` must outlive it.
  Console(ConsoleSettings settings, const Clock& clock);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // For TracePipeline::add_consumer(consumer, wants): on the request threads.
  bool wants_trace(const telemetry::TraceChunk& chunk) { return admission_.admit(chunk); }
  void add_trace(telemetry::TraceChunk&& chunk) { traces_.add(std::move(chunk)); }

  // For Logger::add_sink; it shares the LogStore, so it may outlive the Console.
  std::shared_ptr<telemetry::LogSink> log_sink();

  // Opens, replaces or closes the open chaos band as `settings` say; nothing when the faults
  // described are those of the band already open (or none, and none is open).
  void observe_chaos(const chaos::ChaosSettings& settings, Clock::wall_time at);
  // The same with the chaos in force now (what the sampler does every second: it catches a
  // duration_s that ran out).
  void poll_chaos(chaos::ChaosState& faults, Clock::wall_time at);

  // Every sample_interval, on `context`'s thread: a snapshot of `registry` into the timeline and
  // `faults` into poll_chaos; a first sample (the baseline) at once. Call once,
  // before or while the context runs. The sampler ends with stop() or with the context; this
  // Console, `registry` and `faults` must outlive its last wake-up (the app stops the context's
  // thread, or destroys the context, before they go).
  void start(boost::asio::io_context& context, const telemetry::Registry& registry,
             chaos::ChaosState& faults);
  // Thread-safe, idempotent: the sampler ends at its next wake-up.
  void stop();

  const TraceStore& traces() const { return traces_; }
  const LogStore& logs() const { return *logs_; }
  const MetricTimeline& timeline() const { return timeline_; }
  MetricTimeline& timeline() { return timeline_; }
  const TraceAdmission& admission() const { return admission_; }
  ExperimentRuns& experiment_runs() { return experiment_runs_; }
  ExperimentLaunches& experiment_launches() { return experiment_launches_; }
  const ConsoleSettings& settings() const { return settings_; }
  const Clock& clock() const { return clock_; }

  struct Sampler;  // the sampler's timer, shared with its coroutine (console.cpp)

 private:
  const ConsoleSettings settings_;
  const Clock& clock_;
  TraceAdmission admission_;
  TraceStore traces_;
  std::shared_ptr<LogStore> logs_;
  MetricTimeline timeline_;
  ExperimentRuns experiment_runs_;
  ExperimentLaunches experiment_launches_;

  void show_chaos(std::string description, Clock::wall_time at);  // chaos_mutex_ held

  std::mutex chaos_mutex_;
  std::string chaos_in_force_;  // the open band's description; "" when none is open

  // Held weakly: the timer belongs to the sampler's coroutine, which the io_context may destroy
  // before the Console goes.
  std::weak_ptr<Sampler> sampler_;
};

}  // namespace srelab::console
