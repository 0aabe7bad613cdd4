#include "experiment/activities.hpp"

#include <algorithm>

#include "experiment/fields.hpp"
#include "experiment/providers.hpp"
#include "experiment/tolerance.hpp"

namespace srelab::experiment {

namespace {

std::string list_name(ActivityList which) {
  switch (which) {
    case ActivityList::steady_state:
      return "the steady-state hypothesis";
    case ActivityList::method:
      return "the method";
    case ActivityList::before:
      return "the sre-lab extension's before";
    default:
      return "the rollbacks";
  }
}

// "probe 'p95 below 50 ms'" when the activity has a name, else "activity #2 of the method".
std::string what_of(const Node& node, std::size_t index, const std::string& list) {
  const Node* name = node.find("name");
  if (!name || name->text().empty())
    return "activity #" + std::to_string(index + 1) + " of " + list;
  const Node* type = node.find("type");
  const bool typed = type && (type->text() == "probe" || type->text() == "action");
  return std::string(typed ? type->text() : "activity") + " '" + std::string(name->text()) + "'";
}

// The load whose samples a probe reads, if it names one.
// A load action, or a bulk test whose rows the runner reads as answers.
bool gives_samples(const Activity& activity) {
  if (std::holds_alternative<LoadCall>(activity.provider)) return true;
  const auto* call = std::get_if<HttpCall>(&activity.provider);
  return activity.type == Activity::Type::action && call != nullptr &&
         call->url.find("/products/bulk/test") != std::string::npos;
}

std::string_view of_field(const Provider& provider) {
  if (const auto* latency = std::get_if<LatencyProbe>(&provider)) return latency->of;
  if (const auto* answers = std::get_if<AnswersProbe>(&provider)) return answers->of;
  return {};
}

}  // namespace

ActivityReader::ActivityReader(const boost::json::object& configuration,
                               const LoadPlanBuilder& build_plan, SpecErrors& errors)
    : configuration_(configuration), build_plan_(build_plan), errors_(errors) {}

std::vector<Activity> ActivityReader::read(const Node& list, ActivityList which) {
  ListState state{which, list_name(which), {}};
  std::vector<Activity> activities;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    auto activity = read_one(list.items[i], i, state);
    if (!activity) break;
    if (gives_samples(*activity)) state.loads.push_back(activity->name);
    defined_.push_back(*activity);
    activities.push_back(std::move(*activity));
  }
  return activities;
}

std::optional<Activity> ActivityReader::read_one(const Node& node, std::size_t index,
                                                 ListState& list) {
  if (node.kind != Node::Kind::object) {
    errors_.fail(node.line, "activity #" + std::to_string(index + 1) + " of " + list.name +
                                " must be an object, got " + describe(node));
    return std::nullopt;
  }
  if (list.which != ActivityList::steady_state && node.find("ref"))
    return read_ref(node, index, list);
  const std::string what = what_of(node, index, list.name);
  Fields fields(node, what, {"type", "name", "provider", "tolerance", "pauses"}, errors_,
                {"background", "controls"});
  Activity activity;
  activity.line = node.line;
  const auto type = fields.text("type", Presence::required);
  if (type && *type != "action" && *type != "probe")
    fields.fail("type", *fields.get("type"), "action or probe");
  activity.type = type == "probe" ? Activity::Type::probe : Activity::Type::action;
  if (fields.ok() && list.which == ActivityList::steady_state &&
      activity.type == Activity::Type::action) {
    fields.fail("type", *fields.get("type"), "probe (the steady-state hypothesis holds probes)");
  }
  if (fields.ok() && list.which == ActivityList::rollbacks &&
      activity.type == Activity::Type::probe) {
    fields.fail("type", *fields.get("type"),
                "action (rollbacks undo the method; the steady-state hypothesis is what is "
                "judged after them)");
  }
  if (fields.ok() && list.which == ActivityList::before && activity.type == Activity::Type::probe) {
    fields.fail("type", *fields.get("type"),
                "action (what runs before the load prepares the lab; probes belong to the "
                "steady-state hypothesis)");
  }
  activity.name = fields.text("name", Presence::required, false).value_or("");
  const Node* provider = fields.get("provider", Presence::required);
  if (!fields.ok()) return std::nullopt;
  const ProviderContext context{activity.type, what,           activity.name, list.name,
                                list.loads,    configuration_, build_plan_};
  auto read = read_provider(*provider, context, errors_);
  if (!read) return std::nullopt;
  activity.provider = std::move(*read);
  read_tolerance_and_pauses(fields, list, activity);
  activity.written = to_json(node);
  if (!errors_.ok()) return std::nullopt;
  return activity;
}

void ActivityReader::read_tolerance_and_pauses(const Fields& fields, const ListState& list,
                                               Activity& activity) {
  const Node* tolerance = fields.get("tolerance");
  if (tolerance && activity.type == Activity::Type::action) {
    errors_.fail(tolerance->line,
                 "'tolerance' in " + fields.what() + ": only probes have a tolerance");
    return;
  }
  if (tolerance) {
    activity.tolerance =
        read_tolerance(*tolerance, output_of(activity.provider), fields.what(), errors_);
  } else if (list.which == ActivityList::steady_state) {
    errors_.fail(fields.line(), "missing field 'tolerance' in " + fields.what() +
                                    " (every probe of the steady-state hypothesis needs one)");
  }
  if (const Node* pauses = fields.get("pauses")) {
    Fields pause(*pauses, "the pauses of " + fields.what(), {"before", "after"}, errors_);
    activity.pause_before_s = pause.seconds("before").value_or(0);
    activity.pause_after_s = pause.seconds("after").value_or(0);
  }
}

std::optional<Activity> ActivityReader::read_ref(const Node& node, std::size_t index,
                                                 const ListState& list) {
  Fields fields(node, "activity #" + std::to_string(index + 1) + " of " + list.name, {"ref"},
                errors_);
  const auto name = fields.text("ref", Presence::required, false);
  if (!name) return std::nullopt;
  const auto same_name = [&](const Activity& a) { return a.name == *name; };
  const auto found = std::find_if(defined_.rbegin(), defined_.rend(), same_name);
  if (found == defined_.rend()) {
    fields.fail("ref", *fields.get("ref"), "the name of an activity defined before it");
    return std::nullopt;
  }
  Activity copy = *found;
  copy.line = node.line;
  if ((list.which == ActivityList::rollbacks || list.which == ActivityList::before) &&
      copy.type == Activity::Type::probe) {
    errors_.fail(node.line, "ref '" + *name + "' in " + list.name +
                                " copies a probe: only actions go there (the steady-state "
                                "hypothesis holds the probes)");
    return std::nullopt;
  }
  const std::string_view of = of_field(copy.provider);
  if (!of.empty() && std::find(list.loads.begin(), list.loads.end(), of) == list.loads.end()) {
    errors_.fail(node.line, "ref '" + *name + "' in " + list.name + " copies a probe that reads " +
                                "load '" + std::string(of) + "', which does not run before it in " +
                                list.name);
    return std::nullopt;
  }
  return copy;
}

}  // namespace srelab::experiment
