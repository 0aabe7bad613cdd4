// The control channel between `up` and its services, sans-I/O: one JSON object a line, one
// request → one answer, except `watch`, after whose answer `up` pushes one line per supervisor
// event until the connection closes.
//   {"op":"act","redis":"pause","postgres":"stop","duration_s":2}
//     → {"ok":true,"dependencies":{"redis":{"action":"pause","state":"paused","pid":41,...}}}
//     → {"ok":false,"status":409,"detail":"redis is stopped: nothing to pause"}
//   {"op":"status"} → {"ok":true,"supervised":true,"dependencies":{...},"processes":{...}}
//   {"op":"watch"}  → {"ok":true,"watching":true}, then {"event":"exited","child":"redis",...}
// A bad line answers {"ok":false,"status":400,"detail":...}. ControlServer (up's side) and the
// service's client (app/dependency_client) speak it; the service has validated what it sends,
// and up checks it again: a socket is a process boundary.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/supervisor.hpp"

namespace srelab::lab {

struct ControlRequest {
  enum class Op { act, status, watch };
  Op op = Op::status;
  std::vector<ActOrder> orders;      // act: redis before postgres
  std::optional<double> duration_s;  // act: the guardrail, 0 < x <= 86400
};

// nullopt with a one-line reason when the line is not a valid request.
std::optional<ControlRequest> parse_control_request(std::string_view line, std::string& error);
std::string request_line(const ControlRequest& request);  // with its '\n'

std::string act_answer_line(const ActResult& result);
std::string status_answer_line(const std::vector<ChildView>& children);
std::string watch_answer_line();
std::string error_answer_line(int status, std::string_view detail);
std::string event_line(const SupervisorEvent& event);

}  // namespace srelab::lab
