#include "console/console.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>
#include <utility>

#include "core/json_string.hpp"

namespace srelab::console {

struct Console::Sampler {
  explicit Sampler(boost::asio::io_context& context) : timer(context) {}
  boost::asio::steady_timer timer;
  bool stopped = false;  // on the context's thread only
};

namespace {

// The Logger's records into the store: one copy per line, under the store's short lock. The
// store is bounded by itself, so it keeps the traced problems the repeat limit drops from stdout:
// a failed trace in the console keeps its log lines.
class StoreLogSink final : public telemetry::LogSink {
 public:
  explicit StoreLogSink(std::shared_ptr<LogStore> store) : store_(std::move(store)) {}
  void write(const telemetry::LogRecord& record, std::string_view) override { store_->add(record); }
  bool keeps_traced_problems() const override { return true; }
  void count_suppressed() override { store_->count_suppressed(); }

 private:
  std::shared_ptr<LogStore> store_;
};

void add_fault(std::string& out, std::string_view key, double value, std::string_view unit = {}) {
  if (!out.empty()) out += ", ";
  out += key;
  out += '=';
  out += format_number(value);
  out += unit;
}

}  // namespace

ConsoleSettings bounded_console_settings(std::size_t max_traces, std::size_t max_trace_bytes,
                                         std::size_t max_logs) {
  if (max_traces < 10 || max_trace_bytes == 0 || max_logs == 0)
    throw std::invalid_argument(
        "console bounds: at least 10 traces, and more than 0 trace bytes and log lines");
  ConsoleSettings settings;
  settings.traces.max_traces = max_traces;
  settings.traces.max_bytes = max_trace_bytes;
  settings.traces.error_traces = std::min<std::size_t>(100, max_traces / 10);
  settings.traces.slow_traces = std::min<std::size_t>(20, max_traces / 20);
  settings.logs.max_records = max_logs;
  settings.logs.max_bytes = max_logs * 1024;
  return settings;
}

std::string describe_chaos(const chaos::ChaosSettings& settings) {
  std::string out;
  if (settings.db_failure_rate > 0) add_fault(out, "db_failure_rate", settings.db_failure_rate);
  if (settings.db_latency_s > 0) add_fault(out, "db_latency", settings.db_latency_s, "s");
  if (settings.cache_failure_rate > 0)
    add_fault(out, "cache_failure_rate", settings.cache_failure_rate);
  if (settings.cache_latency_s > 0) add_fault(out, "cache_latency", settings.cache_latency_s, "s");
  if (settings.saturation_ms_per_query != chaos::ChaosSettings{}.saturation_ms_per_query)
    add_fault(out, "saturation_ms_per_query", settings.saturation_ms_per_query);
  if (!out.empty() && settings.duration_s)
    out += ", for " + format_number(*settings.duration_s) + "s";
  return out;
}

Console::Console(ConsoleSettings settings, const Clock& clock)
    : settings_(std::move(settings)),
      clock_(clock),
      admission_(settings_.admission),
      traces_(settings_.traces),
      logs_(std::make_shared<LogStore>(settings_.logs)),
      timeline_(settings_.timeline),
      experiment_runs_(settings_.experiments) {}

Console::~Console() {
  stop();
}

std::shared_ptr<telemetry::LogSink> Console::log_sink() {
  return std::make_shared<StoreLogSink>(logs_);
}

void Console::observe_chaos(const chaos::ChaosSettings& settings, Clock::wall_time at) {
  std::string description = describe_chaos(settings);
  std::lock_guard lock(chaos_mutex_);
  show_chaos(std::move(description), at);
}

// The settings are read under the lock: read before a configure and applied after its observer
// ran, they would end the new band.
void Console::poll_chaos(chaos::ChaosState& faults, Clock::wall_time at) {
  std::lock_guard lock(chaos_mutex_);
  show_chaos(describe_chaos(faults.current()), at);
}

void Console::show_chaos(std::string description, Clock::wall_time at) {
  if (description == chaos_in_force_) return;
  if (description.empty())
    timeline_.end_chaos(at);
  else
    timeline_.mark_chaos(at, description);
  chaos_in_force_ = std::move(description);
}

namespace {

boost::asio::awaitable<void> sample_loop(std::shared_ptr<Console::Sampler> sampler,
                                         Console& console, const telemetry::Registry& registry,
                                         chaos::ChaosState& faults,
                                         std::chrono::milliseconds interval) {
  auto next = std::chrono::steady_clock::now();
  while (!sampler->stopped) {
    const Clock::wall_time now = console.clock().wall();
    console.timeline().sample(registry.snapshot(), now);
    console.poll_chaos(faults, now);
    console.experiment_launches().poll();  // reaps a child started from the console
    // On a fixed grid, so the points stay a second apart however long a sample took; a tick
    // missed (a busy thread) is skipped rather than caught up.
    next += interval;
    const auto steady_now = std::chrono::steady_clock::now();
    if (next < steady_now) next = steady_now + interval;
    sampler->timer.expires_at(next);
    boost::system::error_code ignored;
    co_await sampler->timer.async_wait(
        boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }
}

}  // namespace

void Console::start(boost::asio::io_context& context, const telemetry::Registry& registry,
                    chaos::ChaosState& faults) {
  auto sampler = std::make_shared<Sampler>(context);
  sampler_ = sampler;
  boost::asio::co_spawn(
      context, sample_loop(std::move(sampler), *this, registry, faults, settings_.sample_interval),
      boost::asio::detached);
}

void Console::stop() {
  auto sampler = sampler_.lock();
  if (!sampler) return;
  boost::asio::post(sampler->timer.get_executor(), [sampler] {
    sampler->stopped = true;
    sampler->timer.cancel();
  });
}

}  // namespace srelab::console
