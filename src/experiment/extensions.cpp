#include "experiment/extensions.hpp"

#include "experiment/fields.hpp"
#include "experiment/load_arguments.hpp"

namespace srelab::experiment {

namespace {

constexpr std::string_view kWhat = "the sre-lab extension";

void read_phases(const Node& node, Phases& phases, SpecErrors& errors) {
  Fields fields(node, "the phases of " + std::string(kWhat),
                {"warmup", "baseline", "injection", "recovery", "settle"}, errors);
  phases.warmup_s = fields.seconds("warmup").value_or(phases.warmup_s);
  phases.baseline_s = fields.seconds("baseline", Bound::exclusive).value_or(phases.baseline_s);
  phases.injection_s = fields.seconds("injection", Bound::exclusive).value_or(phases.injection_s);
  phases.recovery_s = fields.seconds("recovery").value_or(phases.recovery_s);
  phases.settle_s = fields.seconds("settle").value_or(phases.settle_s);
}

// Each variant: a name and vars that name configuration entries (checked here, so a typo is an
// error on its line rather than at the variant's run).
void read_variants(const Node& list, const boost::json::object& configuration, SpecErrors& errors,
                   std::vector<Variant>& variants) {
  if (list.kind != Node::Kind::list || list.items.empty())
    return errors.fail(list.line, "'variants' in " + std::string(kWhat) +
                                      " must be a non-empty list of {name, vars}, got " +
                                      describe(list));
  for (std::size_t i = 0; i < list.items.size() && errors.ok(); ++i) {
    const Node& item = list.items[i];
    Fields fields(item, "variant #" + std::to_string(i + 1) + " of " + std::string(kWhat),
                  {"name", "vars"}, errors);
    if (!fields.ok()) return;
    Variant variant;
    variant.name = fields.text("name", Presence::required).value_or("");
    const Node* vars = fields.get("vars", Presence::required);
    if (!fields.ok()) return;
    if (vars->kind != Node::Kind::object)
      return fields.fail("vars", *vars, "an object: configuration entry → value");
    for (const Member& member : vars->members) {
      if (!configuration.contains(member.key))
        return errors.fail(member.line, "variant '" + variant.name + "' sets '" + member.key +
                                            "', which is not a configuration entry");
      if (!member.value.is_scalar())
        return errors.fail(member.line, "variant '" + variant.name + "': '" + member.key +
                                            "' must be a string, number or boolean");
      variant.vars[member.key] = scalar_text(member.value.scalar);
    }
    variants.push_back(std::move(variant));
  }
}

void read_sre_lab(const Node& node, const boost::json::object& configuration,
                  const LoadPlanBuilder& build_plan, ActivityReader& reader, SpecErrors& errors,
                  Experiment& experiment) {
  Fields fields(node, std::string(kWhat), {"name", "load", "phases", "variants", "before"}, errors);
  if (const Node* before = fields.get("before")) {
    if (before->kind != Node::Kind::list)
      return fields.fail("before", *before, "a list of actions");
    experiment.before = reader.read(*before, ActivityList::before);
  }
  if (const Node* phases = fields.get("phases")) read_phases(*phases, experiment.phases, errors);
  if (const Node* variants = fields.get("variants"))
    read_variants(*variants, configuration, errors, experiment.variants);
  if (const Node* load = fields.get("load")) {
    LoadSource source{load, load->line, "the load of " + std::string(kWhat),
                      std::string(kWhat) + "'s load"};
    experiment.load = read_load(source, configuration, build_plan, errors);
  }
}

}  // namespace

void read_extensions(const Node& list, const boost::json::object& configuration,
                     const LoadPlanBuilder& build_plan, ActivityReader& reader, SpecErrors& errors,
                     Experiment& experiment) {
  int sre_lab_line = 0;
  for (std::size_t i = 0; i < list.items.size() && errors.ok(); ++i) {
    const Node& extension = list.items[i];
    const std::string what = "extension #" + std::to_string(i + 1);
    if (extension.kind != Node::Kind::object) {
      errors.fail(extension.line,
                  what + " must be an object with a 'name', got " + describe(extension));
      return;
    }
    const Node* name = extension.find("name");
    if (!name) return errors.fail(extension.line, "missing field 'name' in " + what);
    if (name->kind != Node::Kind::string) {
      errors.fail(name->line, "'name' in " + what + " must be a string, got " + describe(*name));
      return;
    }
    if (name->text() != "sre-lab") continue;
    if (sre_lab_line != 0) {
      errors.fail(extension.line, "a second sre-lab extension (the first is at line " +
                                      std::to_string(sre_lab_line) + ")");
      return;
    }
    sre_lab_line = extension.line;
    read_sre_lab(extension, configuration, build_plan, reader, errors, experiment);
  }
}

}  // namespace srelab::experiment
