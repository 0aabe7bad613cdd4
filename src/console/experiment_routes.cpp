#include "console/experiment_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>
#include <memory>
#include <string>

#include "console/answer_handler.hpp"
#include "core/json_string.hpp"
#include "http/responses.hpp"

namespace srelab::console {
namespace {

using boost::asio::awaitable;
using Field = http::beast_http::field;

// A report is the runner's own HTML, but what arrives is whatever was posted: shown under this
// policy, a script in it does not run and it loads nothing from anywhere.
constexpr const char* kReportPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

std::string report_url(std::uint64_t id) {
  return "/console/api/experiments/" + std::to_string(id) + "/report";
}

boost::json::object run_json(const RunSummary& run) {
  boost::json::array tags(run.tags.begin(), run.tags.end());
  boost::json::array phases;
  for (const RunPhase& phase : run.phases)
    phases.push_back({{"name", phase.name}, {"start", phase.start_ms}, {"end", phase.end_ms}});
  boost::json::array probes;
  for (const RunProbe& probe : run.probes)
    probes.push_back({{"phase", probe.phase},
                      {"statement", probe.statement},
                      {"judgement", probe.judgement},
                      {"evidence", probe.evidence}});
  return {{"id", run.id},
          {"title", run.title},
          {"experiment", run.experiment},
          {"variant", run.variant},
          {"tags", std::move(tags)},
          {"verdict", run.verdict},
          {"reason", run.reason},
          {"status", run.status},
          {"start", run.start},
          {"start_ms", run.start_ms},
          {"duration_s", run.duration_s},
          {"phases", std::move(phases)},
          {"probes", std::move(probes)},
          {"report_url", report_url(run.id)},
          {"report_bytes", run.report_bytes}};
}

boost::json::value launch_json(const std::optional<Launch>& launch) {
  if (!launch) return nullptr;
  boost::json::object vars;
  for (const auto& [name, value] : launch->vars) vars[name] = value;
  const ChildStatus& status = launch->status;
  return boost::json::object{
      {"name", launch->name},
      {"vars", std::move(vars)},
      {"pid", launch->pid},
      {"started_ms", launch->started_ms},
      {"running", status.running},
      {"exit_status", status.exit_status ? boost::json::value(*status.exit_status) : nullptr},
      {"output", status.output}};
}

http::Response list(const ExperimentRuns& runs, ExperimentLaunches& launches,
                    const std::vector<ShippedExperiment>& shipped) {
  launches.poll();
  boost::json::array items;
  for (const RunSummary& run : runs.list()) items.push_back(run_json(run));
  boost::json::array names;
  for (const auto& item : shipped) names.push_back({{"name", item.name}, {"title", item.title}});
  const boost::json::object body{{"runs", std::move(items)},
                                 {"shipped", std::move(names)},
                                 {"can_launch", launches.available()},
                                 {"launch", launch_json(launches.last())},
                                 {"limits",
                                  {{"max_runs", runs.settings().max_runs},
                                   {"max_body_bytes", runs.settings().max_body_bytes}}}};
  return http::json_response(http::Status::ok, to_json_text(body));
}

http::Response add_run(ExperimentRuns& runs, const std::string& body) {
  auto added = runs.add(body);
  if (const auto* refused = std::get_if<RunRefused>(&added)) {
    if (refused->too_large)
      return http::json_error(http::Status::payload_too_large, "Payload Too Large",
                              refused->error.detail);
    return http::field_error(refused->error);
  }
  const std::uint64_t id = std::get<std::uint64_t>(added);
  const boost::json::object answer{{"id", id}, {"report_url", report_url(id)}};
  return http::json_response(http::Status::created, to_json_text(answer));
}

http::Response report(const ExperimentRuns& runs, std::string_view id_text) {
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size())
    return http::field_error({"id",
                              "id must be a run's number, as listed by GET "
                              "/console/api/experiments, got '" +
                                  std::string(id_text.substr(0, 64)) + "'"});
  const auto html = runs.report(id);
  if (!html)
    return http::json_error(
        http::Status::not_found, "Not Found",
        "run " + std::to_string(id) + " is not held by the console: it keeps the last " +
            std::to_string(runs.settings().max_runs) + " runs, in memory, until the service stops");
  http::Response response{http::Status::ok, 11};
  response.set(Field::content_type, "text/html; charset=utf-8");
  response.set("Content-Security-Policy", kReportPolicy);
  response.set("X-Content-Type-Options", "nosniff");
  response.body() = *html;
  return response;
}

http::Response launch(ExperimentLaunches& launches, const Clock& clock,
                      const std::vector<ShippedExperiment>& shipped, const std::string& body) {
  FieldError error;
  const auto request = parse_launch_request(body, shipped, error);
  if (!request) return http::field_error(error);
  const double now_ms =
      std::chrono::duration<double, std::milli>(clock.wall().time_since_epoch()).count();
  const auto answer = launches.launch(*request, now_ms);
  switch (answer.outcome) {
    case ExperimentLaunches::Outcome::started: {
      const boost::json::object started{{"started", true}, {"pid", answer.pid}};
      return http::json_response(http::Status::accepted, to_json_text(started));
    }
    case ExperimentLaunches::Outcome::busy:
      return http::json_error(http::Status::conflict, "Conflict", answer.detail);
    case ExperimentLaunches::Outcome::unavailable:
      return http::json_error(http::Status::service_unavailable, "Service Unavailable",
                              answer.detail);
    case ExperimentLaunches::Outcome::failed:
      break;
  }
  return http::json_error(http::Status::internal_server_error, "Internal Server Error",
                          answer.detail);
}

}  // namespace

void add_experiment_routes(http::Router& router, ExperimentRuns& runs, ExperimentLaunches& launches,
                           const Clock& clock, const http::MiddlewarePtr& admin_guard) {
  // Read once: the embedded files do not change while the binary runs.
  auto shipped = std::make_shared<const std::vector<ShippedExperiment>>(shipped_experiments());
  router.add(http::Verb::get, "/console/api/experiments",
             answer_handler([&runs, &launches, shipped](const http::RequestContext&) {
               return list(runs, launches, *shipped);
             }),
             {admin_guard});
  // This route's own body limit: a run's report may be larger than the server's default.
  router.add(http::Verb::post, "/console/api/experiments",
             answer_handler([&runs](const http::RequestContext& request) {
               return add_run(runs, request.request.body());
             }),
             {admin_guard}, runs.settings().max_body_bytes);
  router.add(http::Verb::get, "/console/api/experiments/{id}/report",
             answer_handler([&runs](const http::RequestContext& request) {
               return report(runs, request.params.get("id"));
             }),
             {admin_guard});
  router.add(http::Verb::post, "/console/api/experiments/run",
             answer_handler([&launches, &clock, shipped](const http::RequestContext& request) {
               return launch(launches, clock, *shipped, request.request.body());
             }),
             {admin_guard});
}

}  // namespace srelab::console
