#include "lab/supervisor.hpp"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace srelab::lab {
namespace {

using namespace std::chrono_literals;

// After a SIGKILL the kernel ends a process at once; this only covers its reaping.
constexpr auto kKillReapWait = 2000ms;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  const double s = std::chrono::duration<double>(to - from).count();
  return std::max(0.0, std::round(s * 10) / 10);
}

std::string pid_text(const ChildSpec& spec) {
  const pid_t pid = spec.hooks.pid();
  return pid > 0 ? " (pid " + std::to_string(pid) + ")" : "";
}

}  // namespace

const char* to_string(ChildState state) {
  switch (state) {
    case ChildState::running:
      return "running";
    case ChildState::paused:
      return "paused";
    case ChildState::stopped:
      return "stopped";
    case ChildState::restarting:
      return "restarting";
    case ChildState::failed:
      return "failed";
  }
  return "?";
}

const char* to_string(DependencyAction action) {
  switch (action) {
    case DependencyAction::kill:
      return "kill";
    case DependencyAction::stop:
      return "stop";
    case DependencyAction::start:
      return "start";
    case DependencyAction::pause:
      return "pause";
    case DependencyAction::resume:
      return "resume";
  }
  return "?";
}

std::optional<DependencyAction> parse_dependency_action(std::string_view text) {
  for (auto action : {DependencyAction::kill, DependencyAction::stop, DependencyAction::start,
                      DependencyAction::pause, DependencyAction::resume})
    if (text == to_string(action)) return action;
  return std::nullopt;
}

std::string describe_exit(std::optional<int> status) {
  if (!status || *status < 0) return "exited (status unknown)";
  if (*status > 128) {
    const int signal = *status - 128;
    const char* name = ::sigabbrev_np(signal);
    return "killed by " +
           (name != nullptr ? "SIG" + std::string(name) : "signal " + std::to_string(signal));
  }
  return "exited with status " + std::to_string(*status);
}

Supervisor::Supervisor(const RestartSettings& settings, EventSink sink)
    : settings_(settings), sink_(std::move(sink)) {}

void Supervisor::add(ChildSpec spec, Clock::time_point now) {
  Child& child = children_.emplace_back(std::move(spec), RestartPolicy(settings_));
  child.policy.started(now);
}

void Supervisor::add_external(std::string name, std::string why) {
  external_[std::move(name)] = std::move(why);
}

bool Supervisor::tick(Clock::time_point now) {
  for (Child& child : children_) {
    const bool up = child.state == ChildState::running || child.state == ChildState::paused;
    if (up && !child.spec.hooks.running()) exited(child, now);
    if (child.state == ChildState::restarting && now >= child.restart_at)
      start(child, "restarted", now);
    if (child.revert_at && now >= *child.revert_at) {
      child.revert_at.reset();
      if (child.revert_action == DependencyAction::resume && child.state == ChildState::paused) {
        child.spec.hooks.signal(SIGCONT, true);
        child.state = ChildState::running;
        emit(child, "resumed", child.spec.label + " resumed: its duration_s guardrail ran out");
      } else if (child.revert_action == DependencyAction::start &&
                 child.state == ChildState::stopped) {
        start(child, "started", now);
      }
    }
  }
  return gave_up_.empty();
}

void Supervisor::exited(Child& child, Clock::time_point now) {
  child.last_exit = describe_exit(child.spec.hooks.exit_status());
  child.revert_at.reset();
  schedule_restart(child, child.spec.label + pid_text(child.spec) + " " + child.last_exit, now);
}

// After an exit or a failed start: when the next attempt comes, or giving up.
void Supervisor::schedule_restart(Child& child, const std::string& what, Clock::time_point now) {
  const auto at = child.policy.failed(now);
  if (!at) {
    child.state = ChildState::failed;
    const std::string why =
        settings_.limit == 0
            ? "restarts are off"
            : "restart limit reached (" + std::to_string(settings_.limit) + " failures in a row)";
    gave_up_ = what + "; " + why;
    emit(child, "gave_up", gave_up_);
    return;
  }
  child.state = ChildState::restarting;
  child.restart_at = *at;
  const double in = seconds_between(now, *at);
  char delay[32];
  std::snprintf(delay, sizeof delay, "%g", in);
  emit(child, "exited",
       what + "; restarting in " + delay + " s (restart " +
           std::to_string(child.policy.restarts()) + ")");
}

bool Supervisor::start(Child& child, const char* kind, Clock::time_point now) {
  std::string error;
  if (child.spec.hooks.start(error)) {
    child.state = ChildState::running;
    child.policy.started(now);
    emit(child, kind, child.spec.label + " " + kind + pid_text(child.spec));
    return true;
  }
  schedule_restart(child, child.spec.label + " did not start: " + error, now);
  return false;
}

ActResult Supervisor::act(const std::vector<ActOrder>& orders,
                          std::optional<Clock::duration> revert_after, Clock::time_point now) {
  ActResult result;
  for (const ActOrder& order : orders) {
    if (std::string why = refusal(order); !why.empty()) {
      result.status = 409;
      result.detail = std::move(why);
      return result;
    }
  }
  for (const ActOrder& order : orders) {
    Child& child = *find(order.dependency);
    apply(child, order.action, revert_after, now);
    result.dependencies.push_back(view_of(child, now));
    result.actions.push_back(order.action);
  }
  return result;
}

// Why `order` cannot be carried out now, or "" when it can.
std::string Supervisor::refusal(const ActOrder& order) {
  if (auto external = external_.find(order.dependency); external != external_.end())
    return external->second;
  Child* child = find(order.dependency);
  if (child == nullptr || !child->spec.dependency)
    return "no dependency named " + order.dependency + " runs under sre-lab up";
  const ChildState state = child->state;
  const bool up = state == ChildState::running || state == ChildState::paused;
  const std::string is = order.dependency + " is " + to_string(state);
  switch (order.action) {
    case DependencyAction::kill:
      return up ? "" : is + ": nothing to kill";
    case DependencyAction::pause:
      return up ? "" : is + ": nothing to pause";
    case DependencyAction::resume:
      return up ? "" : is + ": nothing to resume (start brings it back)";
    case DependencyAction::stop:
    case DependencyAction::start:
      return state == ChildState::failed ? is + ": up is giving up on it" : "";
  }
  return "";
}

void Supervisor::apply(Child& child, DependencyAction action,
                       std::optional<Clock::duration> revert_after, Clock::time_point now) {
  ChildHooks& hooks = child.spec.hooks;
  const std::string& label = child.spec.label;
  child.revert_at.reset();
  switch (action) {
    case DependencyAction::kill:
      // A crash, as a real one: the restart policy brings it back after its backoff.
      emit(child, "killed", label + pid_text(child.spec) + " killed (SIGKILL) on request");
      hooks.signal(SIGKILL, false);
      if (child.state == ChildState::paused) hooks.signal(SIGCONT, true);
      if (hooks.wait_exit(kKillReapWait)) exited(child, now);
      return;
    case DependencyAction::pause:
      if (child.state != ChildState::paused) {
        hooks.signal(SIGSTOP, true);
        child.state = ChildState::paused;
        emit(child, "paused", label + pid_text(child.spec) + " paused (SIGSTOP) on request");
      }
      if (revert_after) {
        child.revert_at = now + *revert_after;
        child.revert_action = DependencyAction::resume;
      }
      return;
    case DependencyAction::resume:
      if (child.state == ChildState::paused) {
        hooks.signal(SIGCONT, true);
        child.state = ChildState::running;
        emit(child, "resumed", label + pid_text(child.spec) + " resumed (SIGCONT) on request");
      }
      return;
    case DependencyAction::stop:
      if (child.state == ChildState::paused) hooks.signal(SIGCONT, true);  // else it ignores it
      hooks.stop();
      child.state = ChildState::stopped;
      emit(child, "stopped", label + " stopped on request");
      if (revert_after) {
        child.revert_at = now + *revert_after;
        child.revert_action = DependencyAction::start;
      }
      return;
    case DependencyAction::start:
      if (child.state == ChildState::stopped || child.state == ChildState::restarting)
        start(child, "started", now);
      return;
  }
}

void Supervisor::resume_paused() {
  for (Child& child : children_) {
    if (child.state != ChildState::paused) continue;
    child.spec.hooks.signal(SIGCONT, true);
    child.state = ChildState::running;
  }
}

std::vector<ChildView> Supervisor::view(Clock::time_point now) const {
  std::vector<ChildView> views;
  for (const Child& child : children_) views.push_back(view_of(child, now));
  return views;
}

ChildView Supervisor::view_of(const Child& child, Clock::time_point now) const {
  ChildView view;
  view.name = child.spec.name;
  view.dependency = child.spec.dependency;
  view.state = child.state;
  if (child.state == ChildState::running || child.state == ChildState::paused)
    view.pid = child.spec.hooks.pid();
  view.restarts = child.policy.restarts();
  view.last_exit = child.last_exit;
  if (child.state == ChildState::restarting)
    view.restart_in_s = seconds_between(now, child.restart_at);
  if (child.revert_at) view.reverts_in_s = seconds_between(now, *child.revert_at);
  return view;
}

Supervisor::Child* Supervisor::find(const std::string& name) {
  for (Child& child : children_)
    if (child.spec.name == name) return &child;
  return nullptr;
}

void Supervisor::emit(const Child& child, const char* kind, std::string message) {
  if (sink_) sink_({child.spec.name, kind, std::move(message)});
}

}  // namespace srelab::lab
