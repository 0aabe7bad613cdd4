// The real lab as an experiment target: admin calls and probes over HTTP to the service, the
// load generator (load/) in process on its own thread for the background load.
#pragma once

#include <memory>
#include <optional>
#include <thread>

#include "experiment/target.hpp"

namespace srelab::experiment {

class LabTarget final : public Target {
 public:
  explicit LabTarget(std::string service_url);
  ~LabTarget() override;

  http::HttpAnswer send(const std::string& method, const std::string& url,
                        const std::map<std::string, std::string>& headers, std::string body,
                        double timeout_s) override;
  boost::json::value get_json(std::string_view path, std::string& error) override;
  Timeline timeline(double since_ms) override;
  std::vector<TraceSummary> slowest_traces(double from_ms, double to_ms,
                                           std::size_t limit) override;
  std::string console_url() const override { return service_url_ + "/console"; }

  void start_load(const load::LoadPlan& plan, PhaseBook& book) override;
  load::LoadReport stop_load() override;
  load::LoadReport run_load(const load::LoadPlan& plan, std::stop_token stop) override;

  double wall_ms() const override;
  bool sleep(double seconds, std::stop_token stop) override;

 private:
  std::string service_url_;  // without a trailing slash
  std::stop_source load_stop_;
  std::optional<load::LoadReport> load_report_;
  std::jthread load_thread_;
};

}  // namespace srelab::experiment
