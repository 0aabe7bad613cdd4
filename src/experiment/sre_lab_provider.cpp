// The `type: sre-lab` provider: one reader per func, each checking its own arguments.
#include <algorithm>
#include <array>
#include <charconv>

#include "catalog/dependency_controller.hpp"
#include "console/metric_timeline.hpp"
#include "experiment/load_arguments.hpp"
#include "experiment/providers.hpp"

namespace srelab::experiment {

namespace {

struct Func {
  std::string_view name;
  Activity::Type type;
};
constexpr std::array<Func, 7> kFuncs{{
    {"load", Activity::Type::action},
    {"dependency", Activity::Type::action},
    {"latency", Activity::Type::probe},
    {"answers", Activity::Type::probe},
    {"metric", Activity::Type::probe},
    {"resilience", Activity::Type::probe},
    {"chaos", Activity::Type::probe},
}};

struct StatisticName {
  std::string_view name;
  MetricProbe::Statistic statistic;
};
constexpr std::array<StatisticName, 6> kStatistics{{
    {"last", MetricProbe::Statistic::last},
    {"first", MetricProbe::Statistic::first},
    {"min", MetricProbe::Statistic::min},
    {"max", MetricProbe::Statistic::max},
    {"mean", MetricProbe::Statistic::mean},
    {"increase", MetricProbe::Statistic::increase},
}};

std::string funcs_of(Activity::Type type) {
  std::string names;
  for (const auto& func : kFuncs) {
    if (func.type != type) continue;
    if (!names.empty()) names += ", ";
    names += func.name;
  }
  return names;
}

// `of` or `against`: the samples of a load action or bulk test run earlier in the same list
// (empty: the background load's).
std::string read_of(const Fields& arguments, const ProviderContext& context,
                    std::string_view key = "of") {
  const Node* of = arguments.get(key);
  if (!of) return {};
  const auto& loads = context.earlier_loads;
  if (of->kind != Node::Kind::string ||
      std::find(loads.begin(), loads.end(), of->text()) == loads.end()) {
    std::vector<std::string_view> names(loads.begin(), loads.end());
    arguments.fail(key, *of,
                   "the name of a load action or bulk test earlier in " + context.list + " (" +
                       (names.empty() ? std::string("there is none") : join(names)) + ")");
    return {};
  }
  return std::string(of->text());
}

// A quantile in (0, 1), or written as a percentile: "p95", "p99.9".
std::optional<double> quantile_of(const Node& node) {
  double value = 0;
  if (node.kind == Node::Kind::number) {
    value = node.scalar.to_number<double>();
  } else {
    std::string_view text = node.text();
    if (!text.starts_with('p') || text.size() < 2) return std::nullopt;
    text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    value /= 100;
  }
  if (!(value > 0 && value < 1)) return std::nullopt;
  return value;
}

std::optional<Provider> read_latency(const Fields& arguments, const ProviderContext& context) {
  LatencyProbe probe;
  if (const Node* quantile = arguments.get("quantile")) {
    if (auto value = quantile_of(*quantile)) {
      probe.quantile = *value;
    } else {
      arguments.fail("quantile", *quantile, "a number in (0, 1) or a percentile like p95");
    }
  }
  probe.of = read_of(arguments, context);
  probe.against = read_of(arguments, context, "against");
  if (!arguments.ok()) return std::nullopt;
  return probe;
}

// status "5xx" → its class; anything else that is not a status is an error.
void read_status(const Fields& arguments, AnswersProbe& probe) {
  const Node* status = arguments.get("status");
  if (!status) return;
  constexpr std::string_view form = "an HTTP status 100..599, or a class 1xx..5xx";
  if (status->kind == Node::Kind::string) {
    const std::string_view text = status->text();
    if (text.size() == 3 && text[0] >= '1' && text[0] <= '5' &&
        (text.substr(1) == "xx" || text.substr(1) == "XX")) {
      probe.status_class = text[0] - '0';
      return;
    }
    return arguments.fail("status", *status, form);
  }
  probe.status = arguments.integer("status", 100, 599, form);
}

std::optional<Provider> read_answers(const Fields& arguments, const ProviderContext& context) {
  AnswersProbe probe;
  read_status(arguments, probe);
  probe.source = arguments.text("source", Presence::optional, false);
  if (auto failed = arguments.boolean("failed")) {
    if (!*failed) arguments.fail("failed", *arguments.get("failed"), "true (or left out)");
    probe.failed = *failed;
  }
  probe.of = read_of(arguments, context);
  probe.against = read_of(arguments, context, "against");
  if (!arguments.ok()) return std::nullopt;
  const int given = (probe.status || probe.status_class) + probe.source.has_value() + probe.failed;
  if (given != 1) {
    arguments.errors().fail(arguments.line(), arguments.what() +
                                                  " must give exactly one of status, source, "
                                                  "failed: true");
    return std::nullopt;
  }
  return probe;
}

std::optional<Provider> read_metric(const Fields& arguments) {
  MetricProbe probe;
  if (auto series = arguments.text("series", Presence::required)) {
    const auto& all = console::kSeries;
    const auto is_it = [&](const console::SeriesInfo& info) { return info.key == *series; };
    if (std::none_of(all.begin(), all.end(), is_it)) {
      std::vector<std::string_view> keys;
      for (const auto& info : all) keys.push_back(info.key);
      arguments.fail("series", *arguments.get("series"), "a console series: " + join(keys));
    }
    probe.series = std::move(*series);
  }
  if (const Node* statistic = arguments.get("statistic")) {
    const auto* found =
        std::find_if(kStatistics.begin(), kStatistics.end(),
                     [&](const StatisticName& s) { return s.name == statistic->text(); });
    if (found == kStatistics.end()) {
      arguments.fail("statistic", *statistic, "one of last, first, min, max, mean, increase");
    } else {
      probe.statistic = found->statistic;
    }
  }
  if (!arguments.ok()) return std::nullopt;
  return probe;
}

bool dotted_path(std::string_view path) {
  if (path.empty()) return false;
  for (std::size_t start = 0;;) {
    const auto dot = path.find('.', start);
    if (dot == start || start == path.size()) return false;  // an empty segment
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::optional<Provider> read_state(const Fields& arguments, StateProbe::Endpoint endpoint) {
  StateProbe probe;
  probe.endpoint = endpoint;
  if (auto field = arguments.text("field", Presence::required)) {
    if (!dotted_path(*field))
      arguments.fail("field", *arguments.get("field"), "a dotted path like circuit_breaker.state");
    probe.field = std::move(*field);
  }
  probe.within_s = arguments.seconds("within").value_or(0);
  if (!arguments.ok()) return std::nullopt;
  return probe;
}

// {redis: pause, postgres: stop, duration_s: 30}: the words POST /chaos/dependency accepts,
// checked here so that a typo stops the file before the run, not half-way through it.
std::optional<Provider> read_dependency(const Fields& arguments) {
  DependencyCall call;
  for (std::string_view dependency : catalog::kDependencies) {
    const Node* action = arguments.get(dependency);
    if (!action) continue;
    const auto& actions = catalog::kDependencyActions;
    if (action->kind != Node::Kind::string ||
        std::find(actions.begin(), actions.end(), action->text()) == actions.end()) {
      arguments.fail(dependency, *action, "one of " + join(actions));
      continue;
    }
    call.actions.emplace_back(dependency, action->text());
  }
  call.duration_s = arguments.number("duration_s", 0, catalog::kMaxDependencyDuration_s,
                                     "a number of seconds in (0, 86400]", Bound::exclusive);
  if (!arguments.ok()) return std::nullopt;
  if (call.actions.empty()) {
    arguments.errors().fail(arguments.line(), arguments.what() +
                                                  " must name redis or postgres (or both) with "
                                                  "an action: " +
                                                  join(catalog::kDependencyActions));
    return std::nullopt;
  }
  return call;
}

std::optional<Provider> read_load_call(const Fields& provider, const ProviderContext& context) {
  LoadSource source{provider.get("arguments"), provider.line(),
                    "the arguments of " + context.activity, "load '" + context.name + "'"};
  auto plan = read_load(source, context.configuration, context.build_plan, provider.errors());
  if (!plan) return std::nullopt;
  return LoadCall{std::move(*plan)};
}

std::optional<Provider> read_func(std::string_view func, const Fields& arguments,
                                  const ProviderContext& context) {
  if (func == "latency") return read_latency(arguments, context);
  if (func == "answers") return read_answers(arguments, context);
  if (func == "metric") return read_metric(arguments);
  if (func == "dependency") return read_dependency(arguments);
  return read_state(
      arguments, func == "chaos" ? StateProbe::Endpoint::chaos : StateProbe::Endpoint::resilience);
}

std::span<const std::string_view> arguments_of(std::string_view func) {
  static constexpr std::array<std::string_view, 3> latency{"quantile", "of", "against"};
  static constexpr std::array<std::string_view, 5> answers{"status", "source", "failed", "of",
                                                           "against"};
  static constexpr std::array<std::string_view, 2> metric{"series", "statistic"};
  static constexpr std::array<std::string_view, 2> state{"field", "within"};
  static constexpr std::array<std::string_view, 3> dependency{"redis", "postgres", "duration_s"};
  if (func == "latency") return latency;
  if (func == "dependency") return dependency;
  if (func == "answers") return answers;
  if (func == "metric") return metric;
  return state;
}

}  // namespace

std::optional<Provider> read_sre_lab_provider(const Fields& provider,
                                              const ProviderContext& context) {
  auto func = provider.text("func", Presence::required);
  if (!func) return std::nullopt;
  const auto* found =
      std::find_if(kFuncs.begin(), kFuncs.end(), [&](const Func& f) { return f.name == *func; });
  if (found == kFuncs.end() || found->type != context.type) {
    const bool action = context.type == Activity::Type::action;
    provider.fail(
        "func", *provider.get("func"),
        std::string(action ? "an action's func: " : "a probe's func: ") + funcs_of(context.type));
    return std::nullopt;
  }
  if (*func == "load") return read_load_call(provider, context);
  Node empty;  // no arguments: every argument's default
  empty.kind = Node::Kind::object;
  empty.line = provider.line();
  const Node* arguments = provider.get("arguments");
  if (!arguments || arguments->kind == Node::Kind::null) arguments = &empty;
  Fields fields(*arguments, "the arguments of " + context.activity, arguments_of(*func),
                provider.errors());
  if (!fields.ok()) return std::nullopt;
  return read_func(*func, fields, context);
}

}  // namespace srelab::experiment
