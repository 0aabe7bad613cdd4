// Reading the experiment's lists of activities — the steady-state hypothesis' probes, the method,
// the rollbacks — in the file's order, so that what one activity may name exists already: a
// `{ref: NAME}` in the method or the rollbacks copies an activity defined before it (in the
// steady-state hypothesis, the method, or earlier in the rollbacks), and a probe's `of` names a
// load action earlier in its own list. parse_experiment() makes one reader and reads the three
// lists through it, in that order.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "experiment/document.hpp"
#include "experiment/experiment_spec.hpp"
#include "experiment/fields.hpp"
#include "experiment/spec_errors.hpp"

namespace srelab::experiment {

enum class ActivityList { steady_state, method, rollbacks, before };

class ActivityReader {
 public:
  ActivityReader(const boost::json::object& configuration, const LoadPlanBuilder& build_plan,
                 SpecErrors& errors);

  // `list` is the list's node (already known to be a list); the result is meaningful only when
  // the errors are still ok().
  std::vector<Activity> read(const Node& list, ActivityList which);

 private:
  struct ListState {
    ActivityList which;
    std::string name;                // "the method"
    std::vector<std::string> loads;  // load actions read so far
  };

  std::optional<Activity> read_one(const Node& node, std::size_t index, ListState& list);
  std::optional<Activity> read_ref(const Node& node, std::size_t index, const ListState& list);
  void read_tolerance_and_pauses(const Fields& fields, const ListState& list, Activity& activity);

  const boost::json::object& configuration_;
  const LoadPlanBuilder& build_plan_;
  SpecErrors& errors_;
  std::vector<Activity> defined_;  // every activity read so far: what a ref may copy
};

}  // namespace srelab::experiment
