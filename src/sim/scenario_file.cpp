#include "sim/scenario_file.hpp"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <span>
#include <sstream>

#include "chaos/chaos_settings.hpp"
#include "experiment/document.hpp"

namespace srelab::sim {

namespace {

using experiment::describe;
using experiment::Node;

constexpr double kMaxDuration = 7 * 24 * 3600;  // a week of simulated time is plenty
constexpr double kMaxRate = 1e8;
constexpr std::string_view kShareForm =
    "a share of the replicas in (0, 1], or a percentage like '20%'";

// The first error of one parse, as "FILE:LINE: PATH: what is wrong".
class Errors {
 public:
  explicit Errors(std::string file_name) : file_name_(std::move(file_name)) {}

  void fail(int line, const std::string& path, std::string_view message) {
    if (!ok()) return;
    message_ = file_name_ + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": ";
    message_ += path.empty() ? std::string(message) : path + ": " + std::string(message);
  }
  bool ok() const { return message_.empty(); }
  const std::string& message() const { return message_; }

 private:
  std::string file_name_;
  std::string message_;
};

std::string join(std::span<const std::string_view> words) {
  std::string text;
  for (const auto word : words) text += (text.empty() ? "" : ", ") + std::string(word);
  return text;
}

// One object of the file at `path` ("" for the top level, "faults[2]", "gateway"): its keys
// are checked against `accepted` when it is made, then each reader returns its field's value
// or nullopt (absent, or wrong: the error is kept).
class Object {
 public:
  Object(const Node& node, std::string path, std::span<const std::string_view> accepted,
         Errors& errors)
      : node_(node), path_(std::move(path)), errors_(errors) {
    if (node.kind != Node::Kind::object) {
      errors_.fail(node.line, path_, "an object is required, got " + describe(node));
      return;
    }
    for (const auto& member : node.members) {
      if (std::find(accepted.begin(), accepted.end(), member.key) != accepted.end()) continue;
      errors_.fail(member.line, child(member.key),
                   "unknown key (accepted: " + join(accepted) + ")");
    }
  }

  bool ok() const { return errors_.ok(); }
  int line() const { return node_.line; }
  const std::string& path() const { return path_; }
  std::string child(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const Node* get(std::string_view key, bool required = false) const {
    if (!ok() || node_.kind != Node::Kind::object) return nullptr;
    if (const Node* value = node_.find(key)) return value;
    if (required) errors_.fail(node_.line, child(key), "required");
    return nullptr;
  }

  // The line of `key` itself (the value's line for an object value is its first key's).
  int key_line(std::string_view key) const {
    for (const auto& member : node_.members)
      if (member.key == key) return member.line;
    return node_.line;
  }

  void fail(std::string_view key, const Node& value, std::string_view form) const {
    errors_.fail(value.line, child(key), std::string(form) + ", got " + describe(value));
  }

  std::optional<std::string> text(std::string_view key) const {
    const Node* value = get(key);
    if (!value) return std::nullopt;
    if (value->kind != Node::Kind::string) {
      fail(key, *value, "a string");
      return std::nullopt;
    }
    return std::string(value->text());
  }

  // A number in [min, max] (or (min, max] when `open_low`); `form` is what the error says.
  std::optional<double> number(std::string_view key, double min, double max, bool open_low,
                               std::string_view form, bool required = false) const {
    const Node* value = get(key, required);
    if (!value) return std::nullopt;
    const double number =
        value->kind == Node::Kind::number ? value->scalar.to_number<double>() : std::nan("");
    if (!std::isfinite(number) || number > max || (open_low ? number <= min : number < min)) {
      fail(key, *value, form);
      return std::nullopt;
    }
    return number;
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min,
                                      std::int64_t max) const {
    const std::string form =
        "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    const Node* value = get(key);
    if (!value) return std::nullopt;
    if (const auto* exact = value->scalar.if_int64();
        value->kind == Node::Kind::number && exact && *exact >= min && *exact <= max)
      return *exact;
    if (const auto* real = value->scalar.if_double(); value->kind == Node::Kind::number && real &&
                                                      *real == std::floor(*real) &&
                                                      *real >= double(min) && *real <= double(max))
      return static_cast<std::int64_t>(*real);
    fail(key, *value, form);
    return std::nullopt;
  }

  std::optional<bool> boolean(std::string_view key) const {
    const Node* value = get(key);
    if (!value) return std::nullopt;
    if (value->kind != Node::Kind::boolean) {
      fail(key, *value, "true or false");
      return std::nullopt;
    }
    return value->scalar.as_bool();
  }

  Errors& errors() const { return errors_; }

 private:
  const Node& node_;
  std::string path_;
  Errors& errors_;
};

std::string seconds_form(double min, double max, std::string_view max_name = {}) {
  std::ostringstream text;
  text << "a number of seconds in [" << min << ", " << max << "]";
  if (!max_name.empty()) text << " (" << max_name << ")";
  return text.str();
}

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

void read_header(const Object& top, Scenario& scenario, std::string_view stem) {
  scenario.name = top.text("name").value_or(std::string(stem));
  scenario.description = top.text("description").value_or("");
  if (auto seed = top.integer("seed", 0, std::numeric_limits<std::int64_t>::max()))
    scenario.seed = static_cast<std::uint64_t>(*seed);
  scenario.duration_s =
      top.number("duration_s", 0, kMaxDuration, true, "a number of seconds in (0, 604800]", true)
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

void read_gateway(const Node& node, GatewayModel& gateway, Errors& errors) {
  static constexpr std::array<std::string_view, 4> kKeys{"enabled", "server_timeout_s",
                                                         "queue_timeout_s", "server_connections"};
  const Object object(node, "gateway", kKeys, errors);
  gateway.enabled = object.boolean("enabled").value_or(gateway.enabled);
  if (auto s = object.number("server_timeout_s", 0.1, 600, false, seconds_form(0.1, 600)))
    gateway.server_timeout = to_ms(*s);
  if (auto s = object.number("queue_timeout_s", 0, 600, false, seconds_form(0, 600)))
    gateway.queue_timeout = to_ms(*s);
  if (auto n = object.integer("server_connections", 1, 1'000'000))
    gateway.server_connections = static_cast<std::size_t>(*n);
}

void read_replica(const Node& node, ReplicaModel& replica, Errors& errors) {
  static constexpr std::array<std::string_view, 4> kKeys{"pool_size", "cache_ttl_s", "stale_ttl_s",
                                                         "stale_copies"};
  const Object object(node, "replica", kKeys, errors);
  if (auto n = object.integer("pool_size", 1, 100)) replica.pool_size = std::size_t(*n);
  if (auto s = object.integer("cache_ttl_s", 1, 86400))
    replica.cache_ttl = std::chrono::seconds(*s);
  if (auto s = object.integer("stale_ttl_s", 1, 2'592'000))
    replica.stale_ttl = std::chrono::seconds(*s);
  if (auto n = object.integer("stale_copies", 0, 10'000'000))
    replica.stale_copies = std::size_t(*n);
}

void read_postgres(const Node& node, PostgresModel& postgres, Errors& errors) {
  static constexpr std::array<std::string_view, 1> kKeys{"max_connections"};
  const Object object(node, "postgres", kKeys, errors);
  if (auto n = object.integer("max_connections", 1, 1'000'000))
    postgres.max_connections = std::size_t(*n);
}

// A body written as a YAML map with the endpoint's keys: JSON text for the service's own parser,
// whose complaint is reported at the offending key's line.
template <class Merge>
std::optional<std::string> read_body(const Object& owner, std::string_view key, const Node& body,
                                     Merge merge) {
  const std::string text = boost::json::serialize(experiment::to_json(body));
  FieldError error;
  if (merge(text, error)) return text;
  int line = body.line;
  for (const auto& member : body.members)
    if (member.key == error.key) line = member.line;
  const std::string path = owner.child(key) + (error.key.empty() ? "" : "." + error.key);
  owner.errors().fail(line, path, error.detail);
  return std::nullopt;
}

std::optional<std::string> chaos_body(const Object& owner, std::string_view key, const Node& body) {
  return read_body(owner, key, body, [](const std::string& text, FieldError& error) {
    return chaos::merge_chaos_settings(chaos::ChaosSettings{}, text, error).has_value();
  });
}

std::optional<resilience::ResilienceSettings> resilience_settings(
    const Object& owner, std::string_view key, const Node& body,
    const resilience::ResilienceSettings& current) {
  std::optional<resilience::ResilienceSettings> merged;
  read_body(owner, key, body, [&](const std::string& text, FieldError& error) {
    merged = resilience::merge_resilience_settings(current, text, error);
    return merged.has_value();
  });
  return merged;
}

// "20%" or 0.2.
std::optional<double> replica_share(const Object& fault) {
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

void read_traffic(const Node& node, Scenario& scenario, Errors& errors) {
  if (node.kind != Node::Kind::list || node.items.empty()) {
    errors.fail(node.line, "traffic",
                "a list of segments ({at_s, rate, ids}), the first at 0, got " + describe(node));
    return;
  }
  static constexpr std::array<std::string_view, 3> kKeys{"at_s", "rate", "ids"};
  std::optional<load::IdDistribution> ids;
  for (std::size_t i = 0; i < node.items.size() && errors.ok(); ++i) {
    const Object segment(node.items[i], "traffic[" + std::to_string(i) + "]", kKeys, errors);
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
      next.at_s =
          segment.number("at_s", previous, scenario.duration_s, true, form.str(), true).value_or(0);
      if (segment.ok() && next.at_s >= scenario.duration_s)
        segment.fail("at_s", *segment.get("at_s"), form.str());
    }
    next.rate = segment
                    .number("rate", 0, kMaxRate, false,
                            "a number of requests per second in [0, 100000000]", true)
                    .value_or(0);
    if (const Node* text = segment.get("ids")) {
      ids = load::IdDistribution::parse(text->text());
      if (!ids || text->kind != Node::Kind::string) segment.fail("ids", *text, load::kIdsForm);
    }
    if (ids) next.ids = *ids;  // a segment without ids keeps the previous segment's
    if (segment.ok()) scenario.traffic.push_back(std::move(next));
  }
}

void read_fault(const Object& fault, Scenario& scenario) {
  FaultEvent event;
  event.at_s = fault
                   .number("at_s", 0, scenario.duration_s, false,
                           seconds_form(0, scenario.duration_s, "duration_s"), true)
                   .value_or(0);
  static constexpr std::array<std::string_view, 3> kActions{"chaos", "resilience", "clear_cache"};
  std::string_view action;
  for (const auto key : kActions) {
    if (!fault.get(key)) continue;
    if (!action.empty())
      return fault.errors().fail(fault.key_line(key), fault.path(),
                                 "one action per fault: both " + std::string(action) + " and " +
                                     std::string(key) + " are given");
    action = key;
  }
  if (!fault.ok()) return;
  if (action.empty())
    return fault.errors().fail(fault.line(), fault.path(),
                               "an action is required: chaos, resilience or clear_cache");
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

void read_faults(const Node& node, Scenario& scenario, Errors& errors) {
  if (node.kind != Node::Kind::list) {
    errors.fail(node.line, "faults", "a list of faults, got " + describe(node));
    return;
  }
  static constexpr std::array<std::string_view, 5> kKeys{"at_s", "chaos", "resilience",
                                                         "clear_cache", "replicas"};
  for (std::size_t i = 0; i < node.items.size() && errors.ok(); ++i)
    read_fault(Object(node.items[i], "faults[" + std::to_string(i) + "]", kKeys, errors), scenario);
  // Faults at the same second keep the file's order.
  std::stable_sort(scenario.faults.begin(), scenario.faults.end(),
                   [](const FaultEvent& a, const FaultEvent& b) { return a.at_s < b.at_s; });
}

void read_calibration(const Object& top, const std::filesystem::path& directory,
                      Scenario& scenario) {
  const auto file = top.text("calibration");
  if (!file) return;
  std::string why;
  const std::filesystem::path path = directory / *file;
  if (auto calibration = read_calibration_file(path, why))
    scenario.calibration = std::move(*calibration);
  else
    top.errors().fail(top.key_line("calibration"), "calibration", why);
}

}  // namespace

std::optional<Scenario> parse_scenario(std::string_view text, const std::string& file_name,
                                       const std::filesystem::path& directory, std::string& error) {
  Errors errors(file_name);
  auto document = experiment::read_document(text);
  if (!document.root) {
    errors.fail(document.error_line, "", document.error);
    error = errors.message();
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 13> kTop{
      "name",    "description", "seed",     "duration_s", "replicas", "arrivals", "calibration",
      "gateway", "replica",     "postgres", "resilience", "traffic",  "faults"};
  const Object top(*document.root, "", kTop, errors);
  Scenario scenario;
  read_header(top, scenario, std::filesystem::path(file_name).stem().string());
  if (const Node* node = top.get("gateway")) read_gateway(*node, scenario.gateway, errors);
  if (const Node* node = top.get("replica")) read_replica(*node, scenario.replica, errors);
  if (const Node* node = top.get("postgres")) read_postgres(*node, scenario.postgres, errors);
  if (const Node* node = top.get("resilience"))
    scenario.resilience =
        resilience_settings(top, "resilience", *node, {}).value_or(scenario.resilience);
  if (const Node* node = top.get("traffic", true)) read_traffic(*node, scenario, errors);
  if (const Node* node = top.get("faults")) read_faults(*node, scenario, errors);
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
