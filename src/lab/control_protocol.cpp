#include "lab/control_protocol.hpp"

#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "core/json_string.hpp"

namespace srelab::lab {
namespace {

constexpr std::string_view kDependencies[] = {"redis", "postgres"};

std::string line_of(const boost::json::object& object) {
  return to_json_text(object) + "\n";
}

boost::json::object child_json(const ChildView& view) {
  boost::json::object out;
  out["state"] = to_string(view.state);
  out["pid"] = view.pid ? boost::json::value(*view.pid) : nullptr;
  out["restarts"] = view.restarts;
  out["last_exit"] =
      view.last_exit.empty() ? boost::json::value(nullptr) : boost::json::value(view.last_exit);
  if (view.restart_in_s) out["restart_in_s"] = *view.restart_in_s;
  if (view.reverts_in_s) out["reverts_in_s"] = *view.reverts_in_s;
  return out;
}

}  // namespace

std::optional<ControlRequest> parse_control_request(std::string_view line, std::string& error) {
  FieldError field;
  auto object = parse_json_object(line, field);
  if (!object) {
    error = field.detail;
    return std::nullopt;
  }
  JsonFields fields(*object, {"op", "redis", "postgres", "duration_s"});
  std::string op;
  fields.one_of("op", {"act", "status", "watch"}, op);
  ControlRequest request;
  request.op = op == "act"     ? ControlRequest::Op::act
               : op == "watch" ? ControlRequest::Op::watch
                               : ControlRequest::Op::status;
  for (std::string_view name : kDependencies) {
    std::string action;
    if (fields.one_of(name, {"kill", "stop", "start", "pause", "resume"}, action) &&
        !action.empty())
      request.orders.push_back({std::string(name), *parse_dependency_action(action)});
  }
  fields.number("duration_s", 0, 86400, request.duration_s, LowerBound::exclusive);
  if (fields.ok() && op.empty()) fields.fail("op", "op is required: act, status or watch");
  if (fields.ok() && request.op == ControlRequest::Op::act && request.orders.empty())
    fields.fail("redis", "act needs redis or postgres");
  if (!fields.ok()) {
    error = fields.error()->detail;
    return std::nullopt;
  }
  return request;
}

std::string request_line(const ControlRequest& request) {
  boost::json::object out;
  switch (request.op) {
    case ControlRequest::Op::act:
      out["op"] = "act";
      break;
    case ControlRequest::Op::status:
      out["op"] = "status";
      break;
    case ControlRequest::Op::watch:
      out["op"] = "watch";
      break;
  }
  for (const ActOrder& order : request.orders) out[order.dependency] = to_string(order.action);
  if (request.duration_s) out["duration_s"] = *request.duration_s;
  return line_of(out);
}

std::string act_answer_line(const ActResult& result) {
  if (result.status != 200) return error_answer_line(result.status, result.detail);
  boost::json::object dependencies;
  for (std::size_t i = 0; i < result.dependencies.size(); ++i) {
    boost::json::object one = child_json(result.dependencies[i]);
    one["action"] = to_string(result.actions[i]);
    dependencies[result.dependencies[i].name] = std::move(one);
  }
  return line_of({{"ok", true}, {"dependencies", std::move(dependencies)}});
}

std::string status_answer_line(const std::vector<ChildView>& children) {
  boost::json::object dependencies;
  boost::json::object processes;
  for (const ChildView& child : children)
    (child.dependency ? dependencies : processes)[child.name] = child_json(child);
  return line_of({{"ok", true},
                  {"supervised", true},
                  {"dependencies", std::move(dependencies)},
                  {"processes", std::move(processes)}});
}

std::string watch_answer_line() {
  return line_of({{"ok", true}, {"watching", true}});
}

std::string error_answer_line(int status, std::string_view detail) {
  return line_of({{"ok", false}, {"status", status}, {"detail", detail}});
}

std::string event_line(const SupervisorEvent& event) {
  return line_of({{"event", event.kind}, {"child", event.child}, {"message", event.message}});
}

}  // namespace srelab::lab
