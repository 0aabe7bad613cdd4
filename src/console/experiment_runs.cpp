#include "console/experiment_runs.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "core/json_fields.hpp"

namespace srelab::console {
namespace {

constexpr std::string_view kVerdicts[] = {"held",   "deviated", "inconclusive",
                                          "failed", "aborted",  "interrupted"};
// What a sender may call a run (its experiment and variant names) is cut to this.
constexpr std::size_t kMaxNameBytes = 200;

RunRefused refuse(std::string key, std::string detail) {
  return RunRefused{false, FieldError{std::move(key), std::move(detail)}};
}

std::string text(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

double number(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_number() ? value->to_number<double>() : NAN;
}

const boost::json::object* object_at(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_object() ? &value->as_object() : nullptr;
}

const boost::json::array* array_at(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_array() ? &value->as_array() : nullptr;
}

// Reads `digits` decimal digits at `at`, moving past them; nullopt when they are not there.
std::optional<int> digits(std::string_view text, std::size_t& at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  at += count;
  return value;
}

bool expect(std::string_view text, std::size_t& at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  ++at;
  return true;
}

// "2024-05-01T10:00:00.123456" (the journal's: UTC, as Chaos Toolkit writes it), also with "Z" or
// a "+HH:MM" offset, as ms since the epoch.
std::optional<double> iso_to_ms(std::string_view iso) {
  std::size_t at = 0;
  const auto year = digits(iso, at, 4);
  if (!year || !expect(iso, at, '-')) return std::nullopt;
  const auto month = digits(iso, at, 2);
  if (!month || !expect(iso, at, '-')) return std::nullopt;
  const auto day = digits(iso, at, 2);
  if (!day || !(expect(iso, at, 'T') || expect(iso, at, ' '))) return std::nullopt;
  const auto hour = digits(iso, at, 2);
  if (!hour || !expect(iso, at, ':')) return std::nullopt;
  const auto minute = digits(iso, at, 2);
  if (!minute || !expect(iso, at, ':')) return std::nullopt;
  const auto second = digits(iso, at, 2);
  if (!second || *month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60)
    return std::nullopt;
  double fraction = 0;
  if (expect(iso, at, '.')) {
    double scale = 0.1;
    const std::size_t first = at;
    while (at < iso.size() && iso[at] >= '0' && iso[at] <= '9') {
      fraction += (iso[at++] - '0') * scale;
      scale /= 10;
    }
    if (at == first) return std::nullopt;
  }
  int offset_minutes = 0;
  if (at < iso.size() && (iso[at] == '+' || iso[at] == '-')) {
    const int sign = iso[at++] == '-' ? -1 : 1;
    const auto hours = digits(iso, at, 2);
    if (!hours || !expect(iso, at, ':')) return std::nullopt;
    const auto minutes = digits(iso, at, 2);
    if (!minutes) return std::nullopt;
    offset_minutes = sign * (*hours * 60 + *minutes);
  } else {
    expect(iso, at, 'Z');
  }
  if (at != iso.size()) return std::nullopt;
  std::tm utc{};
  utc.tm_year = *year - 1900;
  utc.tm_mon = *month - 1;
  utc.tm_mday = *day;
  utc.tm_hour = *hour;
  utc.tm_min = *minute;
  utc.tm_sec = *second;
  const std::time_t seconds = ::timegm(&utc);
  return (static_cast<double>(seconds) - offset_minutes * 60.0 + fraction) * 1000;
}

std::string rfc3339(double ms) {
  const auto whole = static_cast<std::time_t>(std::floor(ms / 1000));
  const auto millis = static_cast<int>(std::floor(ms - static_cast<double>(whole) * 1000));
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char out[96];  // room for any int the format could get
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return out;
}

// The runner's own extension: the first of `extensions` named "sre-lab"; its index in `index`.
const boost::json::object* sre_lab_extension(const boost::json::object& journal,
                                             std::size_t& index) {
  const auto* extensions = array_at(journal, "extensions");
  if (extensions == nullptr) return nullptr;
  for (index = 0; index < extensions->size(); ++index) {
    const auto& item = (*extensions)[index];
    if (item.is_object() && text(item.as_object(), "name") == "sre-lab") return &item.as_object();
  }
  return nullptr;
}

std::vector<RunPhase> phases(const boost::json::object& extension, double start_ms) {
  std::vector<RunPhase> out;
  const auto* list = array_at(extension, "phases");
  if (list == nullptr) return out;
  for (const auto& item : *list) {
    if (!item.is_object()) continue;
    const auto& phase = item.as_object();
    const double start = number(phase, "start");
    const double end = number(phase, "end");
    if (std::isnan(start) || std::isnan(end)) continue;
    out.push_back({text(phase, "name"), start_ms + start * 1000, start_ms + end * 1000});
  }
  return out;
}

// The judged probes of activity records (CTK's), each carrying its judgement as "sre-lab".
void add_probes(const boost::json::array* records, std::vector<RunProbe>& out) {
  if (records == nullptr) return;
  for (const auto& record : *records) {
    if (!record.is_object()) continue;
    const auto* judged = object_at(record.as_object(), "sre-lab");
    if (judged == nullptr) continue;
    out.push_back({text(*judged, "phase"), text(*judged, "statement"), text(*judged, "judgement"),
                   text(*judged, "evidence")});
  }
}

std::vector<RunProbe> probes(const boost::json::object& journal) {
  std::vector<RunProbe> out;
  const auto* states = object_at(journal, "steady_states");
  const auto steady = [&](std::string_view when) -> const boost::json::array* {
    const auto* state = states != nullptr ? object_at(*states, when) : nullptr;
    return state != nullptr ? array_at(*state, "probes") : nullptr;
  };
  add_probes(steady("before"), out);
  add_probes(array_at(journal, "run"), out);
  add_probes(steady("after"), out);
  return out;
}

std::vector<std::string> tags(const boost::json::object* experiment) {
  std::vector<std::string> out;
  const auto* list = experiment != nullptr ? array_at(*experiment, "tags") : nullptr;
  if (list == nullptr) return out;
  for (const auto& tag : *list)
    if (tag.is_string()) out.emplace_back(tag.as_string());
  return out;
}

// An optional name the sender gives: absent is "", anything but a string is refused.
std::optional<std::string> optional_name(const boost::json::object& body, std::string_view key,
                                         std::optional<RunRefused>& refused) {
  const auto* value = body.if_contains(key);
  if (value == nullptr || value->is_null()) return std::string();
  if (!value->is_string()) {
    refused = refuse(std::string(key),
                     std::string(key) + " must be a string, got " + describe_json_value(*value));
    return std::nullopt;
  }
  std::string name(value->as_string());
  if (name.size() > kMaxNameBytes) name.resize(kMaxNameBytes);
  return name;
}

}  // namespace

std::variant<ParsedRun, RunRefused> parse_run(std::string_view body,
                                              const ExperimentRunsSettings& settings) {
  if (body.size() > settings.max_body_bytes) {
    return RunRefused{true,
                      {"",
                       "the run is " + std::to_string(body.size()) +
                           " bytes; the console takes runs (journal and report together) of "
                           "up to " +
                           std::to_string(settings.max_body_bytes) + " bytes",
                       FieldError::Kind::body}};
  }
  FieldError error;
  const auto object = parse_json_object(body, error);
  if (!object) return RunRefused{false, error};
  const auto* journal = object_at(*object, "journal");
  if (journal == nullptr)
    return refuse("journal",
                  "journal must be the run's journal.json, a JSON object (what `sre-lab "
                  "experiment run` writes)");
  std::size_t index = 0;
  const auto* extension = sre_lab_extension(*journal, index);
  if (extension == nullptr)
    return refuse("journal.extensions",
                  "journal.extensions must hold the \"sre-lab\" extension that `sre-lab "
                  "experiment run` writes: this journal has none");
  const std::string prefix = "journal.extensions[" + std::to_string(index) + "].";
  ParsedRun run;
  RunSummary& summary = run.summary;
  summary.verdict = text(*extension, "verdict");
  if (std::find(std::begin(kVerdicts), std::end(kVerdicts), summary.verdict) == std::end(kVerdicts))
    return refuse(prefix + "verdict", prefix +
                                          "verdict must be one of held, deviated, inconclusive, "
                                          "failed, aborted, interrupted");
  const std::string start = text(*journal, "start");
  const auto start_ms = iso_to_ms(start);
  if (!start_ms)
    return refuse("journal.start",
                  "journal.start must be the run's start as an ISO 8601 time, e.g. "
                  "2024-05-01T10:00:00.123456, got '" +
                      start.substr(0, 64) + "'");
  const auto* report = object->if_contains("report_html");
  if (report == nullptr || !report->is_string() || report->as_string().empty())
    return refuse("report_html", "report_html must be the run's report.html, a non-empty string");
  std::optional<RunRefused> refused;
  const auto experiment_name = optional_name(*object, "name", refused);
  const auto variant = experiment_name ? optional_name(*object, "variant", refused) : std::nullopt;
  if (refused) return *refused;

  const auto* experiment = object_at(*journal, "experiment");
  summary.title = experiment != nullptr ? text(*experiment, "title") : "";
  if (summary.title.empty()) summary.title = "(untitled experiment)";
  summary.experiment = *experiment_name;
  summary.variant = *variant;
  summary.tags = tags(experiment);
  summary.reason = text(*extension, "reason");
  summary.status = text(*journal, "status");
  summary.start_ms = *start_ms;
  summary.start = rfc3339(*start_ms);
  const double duration = number(*journal, "duration");
  summary.duration_s = std::isnan(duration) ? 0 : duration;
  summary.phases = phases(*extension, *start_ms);
  summary.probes = probes(*journal);
  run.report_html = std::string(report->as_string());
  summary.report_bytes = run.report_html.size();
  return run;
}

ExperimentRuns::ExperimentRuns(ExperimentRunsSettings settings) : settings_(settings) {
  if (settings_.max_runs == 0 || settings_.max_body_bytes == 0 || settings_.max_report_bytes == 0)
    throw std::invalid_argument("experiment runs: every bound must be more than 0");
}

std::variant<std::uint64_t, RunRefused> ExperimentRuns::add(std::string_view body) {
  auto parsed = parse_run(body, settings_);
  if (auto* refused = std::get_if<RunRefused>(&parsed)) return std::move(*refused);
  ParsedRun& run = std::get<ParsedRun>(parsed);
  auto report = std::make_shared<const std::string>(std::move(run.report_html));
  std::lock_guard lock(mutex_);
  // A report larger than all the room there is still gets in, alone: it is under the body limit.
  while (!runs_.empty() && (runs_.size() >= settings_.max_runs ||
                            report_bytes_ + report->size() > settings_.max_report_bytes)) {
    report_bytes_ -= runs_.front().report->size();
    runs_.pop_front();
  }
  run.summary.id = next_id_++;
  report_bytes_ += report->size();
  runs_.push_back({std::move(run.summary), std::move(report)});
  return runs_.back().summary.id;
}

std::vector<RunSummary> ExperimentRuns::list() const {
  std::lock_guard lock(mutex_);
  std::vector<RunSummary> out;
  out.reserve(runs_.size());
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) out.push_back(it->summary);
  return out;
}

std::shared_ptr<const std::string> ExperimentRuns::report(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  for (const Run& run : runs_)
    if (run.summary.id == id) return run.report;
  return nullptr;
}

}  // namespace srelab::console
