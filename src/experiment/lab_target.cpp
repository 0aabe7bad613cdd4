#include "experiment/lab_target.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>

#include "load/run_load.hpp"

namespace srelab::experiment {
namespace {

constexpr std::chrono::milliseconds kProbeTimeout{5000};

double number_or_nan(const boost::json::value& value) {
  return value.is_number() ? value.to_number<double>() : std::nan("");
}

}  // namespace

LabTarget::LabTarget(std::string service_url) : service_url_(std::move(service_url)) {
  while (!service_url_.empty() && service_url_.back() == '/') service_url_.pop_back();
}

LabTarget::~LabTarget() {
  if (load_thread_.joinable()) stop_load();
}

http::HttpAnswer LabTarget::send(const std::string& method, const std::string& url,
                                 const std::map<std::string, std::string>& headers,
                                 std::string body, double timeout_s) {
  return http::http_exchange(method, url, headers, std::move(body),
                             std::chrono::milliseconds(std::llround(timeout_s * 1000)));
}

boost::json::value LabTarget::get_json(std::string_view path, std::string& error) {
  const http::HttpAnswer answer =
      http::http_exchange("GET", service_url_ + std::string(path), {}, {}, kProbeTimeout);
  if (answer.status != 200) {
    error = answer.status == 0
                ? answer.error
                : "GET " + std::string(path) + " answered " + std::to_string(answer.status);
    return nullptr;
  }
  boost::system::error_code ec;
  auto json = boost::json::parse(answer.body, ec);
  if (ec) {
    error = "GET " + std::string(path) + " answered something other than JSON";
    return nullptr;
  }
  return json;
}

Timeline LabTarget::timeline(double since_ms) {
  Timeline timeline;
  std::string error;
  const auto json = get_json("/console/api/timeline?since=" +
                                 std::to_string(static_cast<long long>(std::max(since_ms, 0.0))),
                             error);
  if (!json.is_object()) return timeline;
  const auto& object = json.as_object();
  if (const auto* time = object.if_contains("time"); time && time->is_array())
    for (const auto& t : time->as_array()) timeline.time_ms.push_back(number_or_nan(t));
  if (const auto* values = object.if_contains("values"); values && values->is_object())
    for (const auto& [key, series] : values->as_object()) {
      if (!series.is_array()) continue;
      auto& out = timeline.values[std::string(key)];
      for (const auto& v : series.as_array()) out.push_back(number_or_nan(v));
    }
  return timeline;
}

std::vector<TraceSummary> LabTarget::slowest_traces(double from_ms, double to_ms,
                                                    std::size_t limit) {
  std::vector<TraceSummary> traces;
  std::string error;
  // The console keeps the slowest traces longest, so the slow ones of the run are still there.
  const auto json =
      get_json("/console/api/traces?limit=500&resource=GET%20/products/%7Bid%7D", error);
  const auto* list = json.is_object() ? json.as_object().if_contains("traces") : nullptr;
  if (list == nullptr || !list->is_array()) return traces;
  for (const auto& item : list->as_array()) {
    if (!item.is_object()) continue;
    const auto& trace = item.as_object();
    TraceSummary summary;
    if (const auto* id = trace.if_contains("trace_id"); id && id->is_string())
      summary.trace_id = std::string(id->as_string());
    summary.start_ms = trace.contains("start_ms") ? number_or_nan(trace.at("start_ms")) : 0;
    summary.duration_s =
        trace.contains("duration_ms") ? number_or_nan(trace.at("duration_ms")) / 1000 : 0;
    if (const auto* status = trace.if_contains("status_code"); status && status->is_number())
      summary.status = static_cast<int>(status->to_number<double>());
    if (summary.trace_id.empty() || !(summary.start_ms >= from_ms && summary.start_ms <= to_ms))
      continue;
    traces.push_back(std::move(summary));
  }
  std::sort(traces.begin(), traces.end(),
            [](const auto& a, const auto& b) { return a.duration_s > b.duration_s; });
  if (traces.size() > limit) traces.resize(limit);
  return traces;
}

void LabTarget::start_load(const load::LoadPlan& plan, PhaseBook& book) {
  load_stop_ = std::stop_source();
  load_report_.reset();
  load_thread_ = std::jthread([this, plan, &book, stop = load_stop_.get_token()] {
    load_report_ = load::run_load(
        plan, stop,
        [&book](const load::SecondPoint& point, const telemetry::HistogramSnapshot& cumulative) {
          book.add(point, cumulative);
        });
  });
}

load::LoadReport LabTarget::stop_load() {
  load_stop_.request_stop();
  if (load_thread_.joinable()) load_thread_.join();
  return load_report_ ? std::move(*load_report_) : load::LoadReport{};
}

load::LoadReport LabTarget::run_load(const load::LoadPlan& plan, std::stop_token stop) {
  return load::run_load(plan, stop, {});
}

double LabTarget::wall_ms() const {
  return std::chrono::duration<double, std::milli>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool LabTarget::sleep(double seconds, std::stop_token stop) {
  if (seconds <= 0) return !stop.stop_requested();
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::microseconds(std::llround(seconds * 1e6));
  wake.wait_until(lock, stop, until, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace srelab::experiment
