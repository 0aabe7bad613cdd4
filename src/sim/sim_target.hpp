// The twin as an experiment target: `sre-lab experiment run FILE --target sim` runs the very same
// experiment file against a Simulation instead of the real lab. Admin calls (the http actions on
// /chaos, /resilience and the bulk test) are answered in process from the twin's replicas with the
// service's own parsers and documents; the background load is the twin's traffic; sleeping runs
// simulated time, so an experiment of minutes takes a moment; the timeline is built from the
// twin's seconds. With several replicas the twin is the lab of `up --replicas N` as an
// experiment sees it: the admin calls go to service_url, which is replica 1's port there, so
// they act on the first replica only (Redis, shared, is still cleared for all), while the load
// goes through the gateway to all of them; the timeline is the first replica's console's (its
// breaker and its pool), as the lab's runner reads it from service_url. Dependency faults
// (POST /chaos/dependency) are not modelled: they answer 409 saying so.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "catalog/admin_documents.hpp"
#include "experiment/target.hpp"
#include "load/load_report.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"

namespace srelab::sim {

class SimTarget final : public experiment::Target {
 public:
  // `scenario` gives the topology, calibration and seed; its traffic and faults are ignored (the
  // experiment drives them). `epoch_ms` is the wall time simulated time 0 stands for.
  SimTarget(const Scenario& scenario, double epoch_ms);

  http::HttpAnswer send(const std::string& method, const std::string& url,
                        const std::map<std::string, std::string>& headers, std::string body,
                        double timeout_s) override;
  boost::json::value get_json(std::string_view path, std::string& error) override;
  experiment::Timeline timeline(double since_ms) override;
  std::vector<experiment::TraceSummary> slowest_traces(double, double, std::size_t) override {
    return {};  // the twin keeps no traces
  }
  std::string console_url() const override { return {}; }

  void start_load(const load::LoadPlan& plan, experiment::PhaseBook& book) override;
  load::LoadReport stop_load() override;
  load::LoadReport run_load(const load::LoadPlan& plan, std::stop_token stop) override;

  double wall_ms() const override;
  bool sleep(double seconds, std::stop_token stop) override;

 private:
  struct Load {
    experiment::PhaseBook* book = nullptr;  // null for a foreground run
    double start_s = 0;                     // simulated time the load started (a whole second)
    load::ReportBook report;
  };

  http::HttpAnswer admin_call(const std::string& method, std::string_view target,
                              const std::string& body);
  http::HttpAnswer bulk_test(std::string_view query);
  boost::json::object chaos_document();
  boost::json::object resilience_document();
  boost::json::object resilience_facts();
  // The twin's POST /chaos/reset, /resilience/reset and /lab/reset, answered as the service does
  // (catalog/admin_answers.hpp).
  http::HttpAnswer reset_chaos();
  http::HttpAnswer reset_resilience();
  http::HttpAnswer reset_lab();
  void apply_to_first_replica(FaultEvent::Kind kind, std::string body = {});
  void advance_to(double t_s);
  void file_seconds();
  SimSecond first_replica_view(SimSecond second) const;
  void start_traffic(const load::LoadPlan& plan, experiment::PhaseBook* book);
  load::LoadReport stop_traffic();

  Simulation sim_;
  double epoch_ms_;
  std::size_t pool_size_;
  catalog::LeakSize leak_;
  std::uint64_t bulk_seed_;
  std::optional<Load> load_;
  experiment::Timeline timeline_;
};

}  // namespace srelab::sim
