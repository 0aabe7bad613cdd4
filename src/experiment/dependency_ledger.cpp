#include "experiment/dependency_ledger.hpp"

#include "catalog/dependency_controller.hpp"

namespace srelab::experiment {
namespace {

// The action that undoes `action`, or "" when there is none to run.
std::string_view undo_of(std::string_view action) {
  if (action == "pause") return "resume";
  if (action == "stop") return "start";
  return {};
}

// Calls `each(dependency, action)` for the dependencies the body orders about.
template <class Each>
void for_each_order(const boost::json::value& body, Each each) {
  if (!body.is_object()) return;
  for (std::string_view dependency : catalog::kDependencies) {
    const auto* action = body.as_object().if_contains(dependency);
    if (action != nullptr && action->is_string()) each(dependency, action->as_string());
  }
}

}  // namespace

bool takes_dependency_down(const boost::json::value& body) {
  bool down = false;
  for_each_order(body, [&](std::string_view, std::string_view action) {
    down = down || !undo_of(action).empty();
  });
  return down;
}

void DependencyLedger::record(const boost::json::value& body) {
  for_each_order(body, [this](std::string_view dependency, std::string_view action) {
    last_[std::string(dependency)] = action;
  });
}

std::vector<DependencyCall> DependencyLedger::undo() {
  std::vector<DependencyCall> calls;
  for (const auto& [dependency, action] : last_) {
    const std::string_view undo = undo_of(action);
    if (undo.empty()) continue;
    DependencyCall call;
    call.actions.emplace_back(dependency, undo);
    calls.push_back(std::move(call));
  }
  last_.clear();
  return calls;
}

}  // namespace srelab::experiment
