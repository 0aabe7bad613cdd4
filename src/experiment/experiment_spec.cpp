// parse_experiment(): the file's tree (document), the configuration and the --var overrides,
// ${name} substitution, then the typed model, part by part in the file's reading order.
#include "experiment/experiment_spec.hpp"

#include <array>

#include "experiment/activities.hpp"
#include "experiment/configuration.hpp"
#include "experiment/document.hpp"
#include "experiment/extensions.hpp"
#include "experiment/fields.hpp"
#include "experiment/spec_errors.hpp"
#include "experiment/substitution.hpp"

namespace srelab::experiment {

namespace {

constexpr std::array<std::string_view, 10> kTopLevel{"version",
                                                     "title",
                                                     "description",
                                                     "tags",
                                                     "contributions",
                                                     "configuration",
                                                     "steady-state-hypothesis",
                                                     "method",
                                                     "rollbacks",
                                                     "extensions"};
// CTK features that run code or talk to secret stores: nothing in this lab does either.
constexpr std::array<std::string_view, 3> kUnsupported{"secrets", "controls", "runtime"};

std::optional<Node> read_root(std::string_view text, SpecErrors& errors) {
  auto document = read_document(text);
  if (!document.root) {
    errors.fail(document.error_line, document.error);
    return std::nullopt;
  }
  if (document.root->kind != Node::Kind::object) {
    errors.fail(document.root->line,
                "the top level must be an object of the experiment's fields (title, method, "
                "...), got " +
                    describe(*document.root));
    return std::nullopt;
  }
  return std::move(document.root);
}

void read_header(const Fields& top, Experiment& experiment) {
  experiment.title = top.text("title", Presence::required, false).value_or("");
  experiment.description = top.text("description").value_or("");
  experiment.tags = top.texts("tags").value_or(std::vector<std::string>{});
  // CTK writes the version as a string; YAML reads an unquoted 1.0 as a number: both are kept.
  const Node* version = top.get("version");
  if (version && version->kind != Node::Kind::string && version->kind != Node::Kind::number)
    top.fail("version", *version, "a string");
  const Node* contributions = top.get("contributions");
  if (contributions && contributions->kind != Node::Kind::object)
    top.fail("contributions", *contributions, "an object");
}

// The list under `key`, or nullptr (absent, or not a list of at least `at_least` items).
const Node* activity_list(const Fields& top, std::string_view key, Presence presence,
                          std::size_t at_least) {
  const Node* node = top.get(key, presence);
  if (node && (node->kind != Node::Kind::list || node->items.size() < at_least)) {
    top.fail(key, *node, at_least > 0 ? "a list of at least one activity" : "a list of activities");
    return nullptr;
  }
  return node;
}

void read_steady_state(const Node& node, ActivityReader& reader, SpecErrors& errors,
                       Experiment& experiment) {
  Fields fields(node, "the steady-state hypothesis", {"title", "probes"}, errors);
  SteadyStateHypothesis hypothesis;
  hypothesis.title = fields.text("title", Presence::required, false).value_or("");
  if (const Node* probes = fields.get("probes")) {
    if (probes->kind != Node::Kind::list) {
      fields.fail("probes", *probes, "a list of probes");
    } else {
      hypothesis.probes = reader.read(*probes, ActivityList::steady_state);
    }
  }
  if (errors.ok()) experiment.steady_state = std::move(hypothesis);
}

void read_parts(const Fields& top, ActivityReader& reader, Experiment& experiment) {
  if (const Node* hypothesis = top.get("steady-state-hypothesis"))
    read_steady_state(*hypothesis, reader, top.errors(), experiment);
  if (const Node* method = activity_list(top, "method", Presence::required, 1))
    experiment.method = reader.read(*method, ActivityList::method);
  if (const Node* rollbacks = activity_list(top, "rollbacks", Presence::optional, 0))
    experiment.rollbacks = reader.read(*rollbacks, ActivityList::rollbacks);
}

std::optional<Experiment> read_experiment(Node& root,
                                          const std::map<std::string, std::string>& vars,
                                          const LoadPlanBuilder& build_plan, SpecErrors& errors) {
  Fields top(root, "the experiment", kTopLevel, errors, kUnsupported);
  if (!top.ok()) return std::nullopt;
  auto configuration = read_configuration(top.get("configuration"), vars, errors);
  if (!configuration) return std::nullopt;
  for (auto& member : root.members)
    if (member.key != "configuration") substitute(member.value, *configuration, errors);

  Experiment experiment;
  read_header(top, experiment);
  ActivityReader reader(*configuration, build_plan, errors);
  read_parts(top, reader, experiment);
  if (const Node* extensions = top.get("extensions")) {
    if (extensions->kind != Node::Kind::list) {
      top.fail("extensions", *extensions, "a list of objects with a 'name'");
    } else {
      read_extensions(*extensions, *configuration, build_plan, reader, errors, experiment);
    }
  }
  if (!errors.ok()) return std::nullopt;

  experiment.service_url = scalar_text(configuration->at("service_url"));
  experiment.written = to_json(root);
  experiment.written.as_object()["configuration"] = *configuration;
  experiment.configuration = std::move(*configuration);
  return experiment;
}

}  // namespace

ParseResult parse_experiment(std::string_view text, std::string_view file_name,
                             const std::map<std::string, std::string>& vars,
                             const LoadPlanBuilder& build_plan) {
  SpecErrors errors(file_name);
  ParseResult result;
  if (auto root = read_root(text, errors))
    result.experiment = read_experiment(*root, vars, build_plan, errors);
  if (!errors.ok()) {
    result.experiment.reset();
    result.error = errors.message();
  }
  return result;
}

}  // namespace srelab::experiment
