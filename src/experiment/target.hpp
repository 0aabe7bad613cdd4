// The experiment runner's one seam: what it asks of the system under experiment. LabTarget is the
// real lab (HTTP to the service and the load generator on real sockets); the simulator will be
// the other implementation, so `experiment run --target sim` needs nothing else from the runner.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/phase_book.hpp"
#include "http/exchange.hpp"
#include "load/load_plan.hpp"
#include "load/load_report.hpp"

namespace srelab::experiment {

// The console's timeline: series key → one value per point (NaN where the service had none).
struct Timeline {
  std::vector<double> time_ms;  // Unix epoch milliseconds, increasing
  std::map<std::string, std::vector<double>> values;
};

struct TraceSummary {
  std::string trace_id;
  double start_ms = 0;  // Unix epoch milliseconds
  double duration_s = 0;
  int status = 0;
};

class Target {
 public:
  virtual ~Target() = default;

  virtual http::HttpAnswer send(const std::string& method, const std::string& url,
                                const std::map<std::string, std::string>& headers, std::string body,
                                double timeout_s) = 0;
  // The service's GET `path` (e.g. "/resilience") as JSON; null with `error` set when it fails.
  virtual boost::json::value get_json(std::string_view path, std::string& error) = 0;
  virtual Timeline timeline(double since_ms) = 0;
  // Traces of product lookups that started in [from_ms, to_ms], slowest first, at most `limit`.
  virtual std::vector<TraceSummary> slowest_traces(double from_ms, double to_ms,
                                                   std::size_t limit) = 0;
  virtual std::string console_url() const = 0;

  // The background load: seconds go into `book` as they come; stop_load() ends it.
  virtual void start_load(const load::LoadPlan& plan, PhaseBook& book) = 0;
  virtual load::LoadReport stop_load() = 0;
  // A foreground load run (the `load` action).
  virtual load::LoadReport run_load(const load::LoadPlan& plan, std::stop_token stop) = 0;

  virtual double wall_ms() const = 0;  // now, Unix epoch milliseconds
  // Waits `seconds`; false when `stop` was requested first.
  virtual bool sleep(double seconds, std::stop_token stop) = 0;
};

}  // namespace srelab::experiment
