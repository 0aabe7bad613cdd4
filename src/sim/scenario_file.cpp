#include "sim/scenario_file.hpp"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "chaos/chaos_settings.hpp"
#include "experiment/document.hpp"
#include "experiment/fields.hpp"

namespace srelab::sim {

namespace {

using experiment::Bound;
using experiment::describe;
using experiment::Fields;
using experiment::Node;
using experiment::Presence;
using experiment::SpecErrors;

constexpr std::string_view kTopWhat = "the scenario";
constexpr double kMaxDuration = 7 * 24 * 3600;  // a week of simulated time is plenty
constexpr double kMaxRate = 1e8;
constexpr std::string_view kShareForm =
    "a share of the replicas in (0, 1], or a percentage like '20%'";

// Where a key of `owner` sits in the file ("resilience", "faults[2].chaos"): what an error in
// another reader's words (the service's parsers, the calibration file's) is prefixed with.
std::string path_of(const Fields& owner, std::string_view key) {
  return owner.what() == kTopWhat ? std::string(key) : owner.what() + "." + std::string(key);
}

std::string seconds_form(double min, double max, std::string_view max_name = {}) {
  std::ostringstream text;
  text << "a number of seconds in [" << min << ", " << max << "]";
  if (!max_name.empty()) text << " (" << max_name << ")";
  return text.str();
}

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

void read_header(const Fields& top, Scenario& scenario, std::string_view stem) {
  scenario.name = top.text("name").value_or(std::string(stem));
  scenario.description = top.text("description").value_or("");
  if (auto seed = top.integer("seed", 0, std::numeric_limits<std::int64_t>::max()))
    scenario.seed = static_cast<std::uint64_t>(*seed);
  scenario.duration_s =
      top.number("duration_s", 0, kMaxDuration, "a number of seconds in (0, 604800]",
                 Bound::exclusive, Presence::required)
          .value_or(scenario.duration_s);
  if (auto replicas = top.integer("replicas", 1, 10000))
    scenario.replicas = static_cast<std::size_t>(*replicas);
  if (const Node* arrivals = top.get("arrivals")) {
    if (arrivals->text() == "poisson")
      scenario.poisson_arrivals = true;
    else if (arrivals->text() != "constant")
      top.fail("arrivals", *arrivals,
               "'constant' (the load generator's even spacing) or 'poisson' (random gaps)");
  }
}

void read_gateway(const Node& node, GatewayModel& gateway, SpecErrors& errors) {
  const Fields fields(node, "gateway",
                      {"enabled", "server_timeout_s", "queue_timeout_s", "server_connections"},
                      errors);
  gateway.enabled = fields.boolean("enabled").value_or(gateway.enabled);
  if (auto s = fields.number("server_timeout_s", 0.1, 600, seconds_form(0.1, 600)))
    gateway.server_timeout = to_ms(*s);
  if (auto s = fields.number("queue_timeout_s", 0, 600, seconds_form(0, 600)))
    gateway.queue_timeout = to_ms(*s);
  if (auto n = fields.integer("server_connections", 1, 1'000'000))
    gateway.server_connections = static_cast<std::size_t>(*n);
}

void read_replica(const Node& node, ReplicaModel& replica, SpecErrors& errors) {
  const Fields fields(node, "replica", {"pool_size", "cache_ttl_s", "stale_ttl_s", "stale_copies"},
                      errors);
  if (auto n = fields.integer("pool_size", 1, 100)) replica.pool_size = std::size_t(*n);
  if (auto s = fields.integer("cache_ttl_s", 1, 86400))
    replica.cache_ttl = std::chrono::seconds(*s);
  if (auto s = fields.integer("stale_ttl_s", 1, 2'592'000))
    replica.stale_ttl = std::chrono::seconds(*s);
  if (auto n = fields.integer("stale_copies", 0, 10'000'000))
    replica.stale_copies = std::size_t(*n);
}

void read_postgres(const Node& node, PostgresModel& postgres, SpecErrors& errors) {
  const Fields fields(node, "postgres", {"max_connections"}, errors);
  if (auto n = fields.integer("max_connections", 1, 1'000'000))
    postgres.max_connections = std::size_t(*n);
}

// A body written as a YAML map with the endpoint's keys: JSON text for the service's own parser,
// whose complaint is reported in its words at the offending key's line.
template <class Merge>
std::optional<std::string> read_body(const Fields& owner, std::string_view key, const Node& body,
                                     Merge merge) {
  const std::string text = boost::json::serialize(experiment::to_json(body));
  FieldError error;
  if (merge(text, error)) return text;
  int line = body.line;
  for (const auto& member : body.members)
    if (member.key == error.key) line = member.line;
  const std::string path = path_of(owner, key) + (error.key.empty() ? "" : "." + error.key);
  owner.errors().fail(line, path + ": " + error.detail);
  return std::nullopt;
}

std::optional<std::string> chaos_body(const Fields& owner, std::string_view key, const Node& body) {
  return read_body(owner, key, body, [](const std::string& text, FieldError& error) {
    return chaos::merge_chaos_settings(chaos::ChaosSettings{}, text, error).has_value();
  });
}

std::optional<resilience::ResilienceSettings> resilience_settings(
    const Fields& owner, std::string_view key, const Node& body,
    const resilience::ResilienceSettings& current) {
  std::optional<resilience::ResilienceSettings> merged;
  read_body(owner, key, body, [&](const std::string& text, FieldError& error) {
    merged = resilience::merge_resilience_settings(current, text, error);
    return merged.has_value();
  });
  return merged;
}

// "20%" or 0.2.
std::optional<double> replica_share(const Fields& fault) {
  const Node* value = fault.get("replicas");
  if (!value) return 1.0;
  double share = std::nan("");
  if (value->kind == Node::Kind::number) {
    share = value->scalar.to_number<double>();
  } else if (value->kind == Node::Kind::string && value->text().ends_with('%')) {
    const std::string_view digits = value->text().substr(0, value->text().size() - 1);
    if (auto percent = experiment::parse_number(digits)) share = percent->to_number<double>() / 100;
  }
  if (!(share > 0 && share <= 1)) {
    fault.fail("replicas", *value, kShareForm);
    return std::nullopt;
  }
  return share;
}

void read_traffic(const Fields& top, const Node& node, Scenario& scenario) {
  if (node.kind != Node::Kind::list || node.items.empty()) {
    top.fail("traffic", node, "a list of segments ({at_s, rate, ids}), the first at 0");
    return;
  }
  SpecErrors& errors = top.errors();
  std::optional<load::IdDistribution> ids;
  for (std::size_t i = 0; i < node.items.size() && errors.ok(); ++i) {
    const Fields segment(node.items[i], "traffic[" + std::to_string(i) + "]",
                         {"at_s", "rate", "ids"}, errors);
    TrafficSegment next;
    const double previous = scenario.traffic.empty() ? 0 : scenario.traffic.back().at_s;
    if (i == 0) {
      if (const Node* at = segment.get("at_s");
          at && !(at->kind == Node::Kind::number && at->scalar.to_number<double>() == 0))
        segment.fail("at_s", *at, "0 (the first segment starts the run)");
    } else {
      std::ostringstream form;
      form << "a number of seconds in (" << previous << ", " << scenario.duration_s
           << ") (after the previous segment, before duration_s)";
      next.at_s = segment
                      .number("at_s", previous, scenario.duration_s, form.str(), Bound::exclusive,
                              Presence::required)
                      .value_or(0);
      if (segment.ok() && next.at_s >= scenario.duration_s)
        segment.fail("at_s", *segment.get("at_s"), form.str());
    }
    next.rate =
        segment
            .number("rate", 0, kMaxRate, "a number of requests per second in [0, 100000000]",
                    Bound::inclusive, Presence::required)
            .value_or(0);
    if (const Node* text = segment.get("ids")) {
      ids = load::IdDistribution::parse(text->text());
      if (!ids || text->kind != Node::Kind::string) segment.fail("ids", *text, load::kIdsForm);
    }
    if (ids) next.ids = *ids;  // a segment without ids keeps the previous segment's
    if (segment.ok()) scenario.traffic.push_back(std::move(next));
  }
}

void read_fault(const Fields& fault, Scenario& scenario) {
  FaultEvent event;
  event.at_s = fault
                   .number("at_s", 0, scenario.duration_s,
                           seconds_form(0, scenario.duration_s, "duration_s"), Bound::inclusive,
                           Presence::required)
                   .value_or(0);
  static constexpr std::array<std::string_view, 3> kActions{"chaos", "resilience", "clear_cache"};
  std::string_view action;
  for (const auto key : kActions) {
    if (!fault.get(key)) continue;
    if (!action.empty())
      return fault.errors().fail(fault.key_line(key), fault.what() + " has two actions, " +
                                                          std::string(action) + " and " +
                                                          std::string(key) + ": one per fault");
    action = key;
  }
  if (!fault.ok()) return;
  if (action.empty())
    return fault.errors().fail(fault.line(),
                               fault.what() + " needs an action: chaos, resilience or clear_cache");
  const Node& body = *fault.get(action);
  if (action == "clear_cache") {
    if (body.kind != Node::Kind::boolean || !body.scalar.as_bool())
      return fault.fail("clear_cache", body, "true (the cache is emptied)");
    if (const Node* share = fault.get("replicas"))
      return fault.fail("replicas", *share,
                        "absent: the cache is shared, clearing it reaches every replica");
    event.kind = FaultEvent::Kind::clear_cache;
  } else if (body.kind == Node::Kind::string && body.text() == "reset") {
    event.kind =
        action == "chaos" ? FaultEvent::Kind::chaos_reset : FaultEvent::Kind::resilience_reset;
  } else if (body.kind != Node::Kind::object) {
    return fault.fail(action, body,
                      action == "chaos"
                          ? "an object of POST /chaos/configure keys, or 'reset'"
                          : "an object of POST /resilience/configure keys, or 'reset'");
  } else if (action == "chaos") {
    event.kind = FaultEvent::Kind::chaos;
    event.body = chaos_body(fault, action, body).value_or("");
  } else {
    event.kind = FaultEvent::Kind::resilience;
    // Checked against the settings every replica starts with: a body valid only after some
    // earlier fault (a minimum_calls above the starting window) is refused.
    if (resilience_settings(fault, action, body, scenario.resilience))
      event.body = boost::json::serialize(experiment::to_json(body));
  }
  if (auto share = replica_share(fault)) event.replica_share = *share;
  if (fault.ok()) scenario.faults.push_back(std::move(event));
}

void read_faults(const Fields& top, const Node& node, Scenario& scenario) {
  if (node.kind != Node::Kind::list) {
    top.fail("faults", node, "a list of faults");
    return;
  }
  for (std::size_t i = 0; i < node.items.size() && top.ok(); ++i)
    read_fault(Fields(node.items[i], "faults[" + std::to_string(i) + "]",
                      {"at_s", "chaos", "resilience", "clear_cache", "replicas"}, top.errors()),
               scenario);
  // Faults at the same second keep the file's order.
  std::stable_sort(scenario.faults.begin(), scenario.faults.end(),
                   [](const FaultEvent& a, const FaultEvent& b) { return a.at_s < b.at_s; });
}

void read_calibration(const Fields& top, const std::filesystem::path& directory,
                      Scenario& scenario) {
  const auto file = top.text("calibration");
  if (!file) return;
  std::string why;
  const std::filesystem::path path = directory / *file;
  if (auto calibration = read_calibration_file(path, why))
    scenario.calibration = std::move(*calibration);
  else
    top.errors().fail(top.key_line("calibration"), "calibration: " + why);
}

}  // namespace

std::optional<Scenario> parse_scenario(std::string_view text, const std::string& file_name,
                                       const std::filesystem::path& directory, std::string& error) {
  SpecErrors errors(file_name);
  auto document = experiment::read_document(text);
  if (!document.root) {
    errors.fail(document.error_line, document.error);
    error = errors.message();
    return std::nullopt;
  }
  const Fields top(
      *document.root, std::string(kTopWhat),
      {"name", "description", "seed", "duration_s", "replicas", "arrivals", "calibration",
       "gateway", "replica", "postgres", "resilience", "traffic", "faults"},
      errors);
  Scenario scenario;
  read_header(top, scenario, std::filesystem::path(file_name).stem().string());
  if (const Node* node = top.get("gateway")) read_gateway(*node, scenario.gateway, errors);
  if (const Node* node = top.get("replica")) read_replica(*node, scenario.replica, errors);
  if (const Node* node = top.get("postgres")) read_postgres(*node, scenario.postgres, errors);
  if (const Node* node = top.get("resilience"))
    scenario.resilience =
        resilience_settings(top, "resilience", *node, {}).value_or(scenario.resilience);
  if (const Node* node = top.get("traffic", Presence::required)) read_traffic(top, *node, scenario);
  if (const Node* node = top.get("faults")) read_faults(top, *node, scenario);
  read_calibration(top, directory, scenario);
  if (!errors.ok()) {
    error = errors.message();
    return std::nullopt;
  }
  return scenario;
}

std::optional<Scenario> read_scenario_file(const std::filesystem::path& path, std::string& error) {
  const auto text = read_text_file(path);
  if (!text) {
    error = path.string() + ": cannot read the file";
    return std::nullopt;
  }
  return parse_scenario(*text, path.string(), path.parent_path(), error);
}

std::optional<Calibration> read_calibration_file(const std::filesystem::path& path,
                                                 std::string& error) {
  const auto text = read_text_file(path);
  if (!text) {
    error = path.string() + ": cannot read the calibration file";
    return std::nullopt;
  }
  std::string why;
  auto calibration = parse_calibration(*text, why);
  if (!calibration) error = path.string() + ": " + why;
  return calibration;
}

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return std::nullopt;
  return text.str();
}

}  // namespace srelab::sim
