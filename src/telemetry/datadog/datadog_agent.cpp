#include "telemetry/datadog/datadog_agent.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <stdexcept>
#include <utility>

#include "telemetry/datadog/container_id.hpp"
#include "telemetry/datadog/datadog_payload.hpp"

namespace srelab::telemetry {
namespace {

constexpr std::string_view kUrlVariable = "DD_TRACE_AGENT_URL";
constexpr std::string_view kHostVariable = "DD_AGENT_HOST";
constexpr std::string_view kPortVariable = "DD_TRACE_AGENT_PORT";
constexpr std::string_view kDefaultHost = "localhost";
constexpr std::string_view kDefaultPort = "8126";
// The project's version (CMake's project VERSION), for a caller that gives none.
constexpr std::string_view kBuiltVersion = SRE_LAB_VERSION;

struct RateKeyView {
  std::string_view service;
  std::string_view env;
};

// "service:<s>,env:<e>" → {s, e}. Datadog service names cannot hold a comma, env values can
// hold neither, so the first ",env:" after the prefix splits them.
std::optional<RateKeyView> parse_rate_key(std::string_view key) {
  constexpr std::string_view kService = "service:";
  constexpr std::string_view kEnv = ",env:";
  if (!key.starts_with(kService)) return std::nullopt;
  key.remove_prefix(kService.size());
  const auto split = key.find(kEnv);
  if (split == std::string_view::npos) return std::nullopt;
  return RateKeyView{key.substr(0, split), key.substr(split + kEnv.size())};
}

std::optional<std::string_view> given(std::optional<std::string_view> value) {
  if (value && !value->empty()) return value;
  return std::nullopt;
}

std::string quoted(std::string_view value) {
  return "\"" + std::string(value) + "\"";
}

AgentUrlError bad(std::string_view variable, std::string_view what, std::string_view value) {
  AgentUrlError error;
  error.message = std::string(variable) + " " + std::string(what) + ", got " + quoted(value);
  return error;
}

bool valid_port(std::string_view text) {
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return ec == std::errc() && end == text.data() + text.size() && port >= 1 && port <= 65535;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

// An IPv6 literal without brackets: hex digits, ':', '.', at least one ':'.
bool is_ipv6_text(std::string_view text) {
  if (text.find(':') == std::string_view::npos) return false;
  for (char c : text) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != ':' && c != '.') return false;
  }
  return true;
}

bool is_host_name(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

// The host as it goes in a URL ("[::1]" for an IPv6 address), or nullopt when it is not a host.
std::optional<std::string> url_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']' &&
      is_ipv6_text(host.substr(1, host.size() - 2))) {
    return std::string(host);
  }
  if (is_ipv6_text(host)) return "[" + std::string(host) + "]";
  if (is_host_name(host)) return std::string(host);
  return std::nullopt;
}

// unix:///abs/path or http+unix:///abs/path (the tracers' two spellings) → unix:///abs/path.
boost::system::result<std::string, AgentUrlError> validate_socket_url(std::string_view url) {
  const std::string_view path = url.substr(url.find("://") + 3);  // the caller saw "://"
  if (!path.starts_with("/") || path.size() < 2 || path.ends_with("/") ||
      path.find_first_of("?# ") != std::string_view::npos) {
    return bad(kUrlVariable, "must name a socket by its absolute path: unix:///path/to/apm.socket",
               url);
  }
  return std::string(kUnixScheme) + std::string(path);
}

boost::system::result<std::string, AgentUrlError> validate_url(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  if (url.starts_with("unix://") || url.starts_with("http+unix://")) {
    return validate_socket_url(url);
  }
  if (url.starts_with("https:") || url.starts_with("https+unix:")) {
    return bad(kUrlVariable,
               "uses https, which is not supported: give an http://host:port or unix:///path URL",
               url);
  }
  const auto malformed = [&] {
    return bad(kUrlVariable, "must be an http://host[:port][/path] or unix:///path URL", url);
  };
  if (!url.starts_with(kHttp)) return malformed();
  std::string_view rest = url.substr(kHttp.size());
  const auto path_at = rest.find('/');
  const std::string_view authority = rest.substr(0, path_at);
  std::string_view path = path_at == std::string_view::npos ? "" : rest.substr(path_at);
  if (path.find_first_of("?# ") != std::string_view::npos) return malformed();

  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return malformed();
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(":")) return malformed();
      port = after.substr(1);
    }
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!url_host(host)) return malformed();
  if (port && !valid_port(*port)) {
    return bad(kUrlVariable, "must have a port number 1..65535", url);
  }
  while (path.ends_with("/")) path.remove_suffix(1);
  return std::string(kHttp) + std::string(authority) + std::string(path);
}

}  // namespace

// ---- AgentSamplingRates ----

AgentSamplingRates::AgentSamplingRates() : rates_(std::make_shared<const Rates>()) {}

double AgentSamplingRates::rate_for(std::string_view service, std::string_view env) const {
  const std::shared_ptr<const Rates> rates = rates_.load(std::memory_order_acquire);
  if (auto it = rates->find(RateKeyView{service, env}); it != rates->end()) return it->second;
  if (auto it = rates->find(RateKeyView{}); it != rates->end()) return it->second;
  return 1.0;
}

bool AgentSamplingRates::update_from_json(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(body, ec);
  if (ec || !json.is_object()) return false;
  const auto* by_service = json.as_object().if_contains("rate_by_service");
  if (by_service == nullptr || !by_service->is_object()) return false;
  auto rates = std::make_shared<Rates>();
  for (const auto& [key, value] : by_service->as_object()) {
    const auto parsed = parse_rate_key(key);
    if (!parsed || !value.is_number()) continue;
    const double rate = value.to_number<double>();
    if (!(rate >= 0.0 && rate <= 1.0)) continue;  // NaN fails too
    (*rates)[Key{std::string(parsed->service), std::string(parsed->env)}] = rate;
  }
  const std::shared_ptr<const Rates> current = rates_.load(std::memory_order_acquire);
  const bool same = current->size() == rates->size() &&
                    std::equal(current->begin(), current->end(), rates->begin(),
                               [](const auto& a, const auto& b) {
                                 return a.first.service == b.first.service &&
                                        a.first.env == b.first.env && a.second == b.second;
                               });
  if (!same) rates_.store(std::move(rates), std::memory_order_release);
  return true;
}

std::size_t AgentSamplingRates::size() const {
  return rates_.load(std::memory_order_acquire)->size();
}

// ---- DatadogAgentDestination ----

DatadogAgentDestination::DatadogAgentDestination(DatadogAgentSettings settings)
    : settings_(std::move(settings)) {
  std::string_view base = settings_.agent_url;
  while (base.ends_with("/")) base.remove_suffix(1);
  if (base.starts_with(kUnixScheme)) {
    // HTTP over the socket: the URL only gives the request its path and Host header.
    socket_path_ = std::string(base.substr(kUnixScheme.size()));
    base = "http://localhost";
  }
  traces_url_ = std::string(base) + std::string(kAgentTracesPath);
}

std::string DatadogAgentDestination::encode_trace(const TraceChunk& trace) const {
  return encode_v04_trace(trace);
}

ExportRequest DatadogAgentDestination::request_for(
    const std::vector<std::string_view>& traces) const {
  ExportRequest request;
  request.method = "POST";
  request.url = traces_url_;
  request.headers = {
      {"Content-Type", std::string(kDatadogPayloadContentType)},
      {"Datadog-Meta-Lang", "cpp"},
      {"Datadog-Meta-Lang-Version", cpp_language_version()},
      {"Datadog-Meta-Tracer-Version",
       settings_.tracer_version.empty() ? std::string(kBuiltVersion) : settings_.tracer_version},
      {"X-Datadog-Trace-Count", std::to_string(traces.size())},
  };
  if (!settings_.entity_id.empty()) {
    request.headers.emplace_back("Datadog-Entity-ID", settings_.entity_id);
    if (settings_.entity_id.starts_with(kContainerIdPrefix))
      request.headers.emplace_back("Datadog-Container-ID",
                                   settings_.entity_id.substr(kContainerIdPrefix.size()));
  }
  request.body = join_v04_traces(traces);
  request.unix_socket = socket_path_;
  return request;
}

void DatadogAgentDestination::on_response(const ExportResponse& response) {
  if (response.status == 200) rates_.update_from_json(response.body);
}

std::string cpp_language_version() {
  return std::to_string(__cplusplus);
}

void throw_exception_from_error(const AgentUrlError& error, const boost::source_location&) {
  throw std::invalid_argument(error.message);
}

boost::system::result<std::string, AgentUrlError> agent_url_from(
    std::optional<std::string_view> dd_trace_agent_url,
    std::optional<std::string_view> dd_agent_host,
    std::optional<std::string_view> dd_trace_agent_port) {
  if (const auto url = given(dd_trace_agent_url)) return validate_url(*url);
  const std::string_view host = given(dd_agent_host).value_or(kDefaultHost);
  const std::string_view port = given(dd_trace_agent_port).value_or(kDefaultPort);
  const auto url_host_text = url_host(host);
  if (!url_host_text) {
    return bad(kHostVariable, "must be a host name or an IP address", host);
  }
  if (!valid_port(port)) return bad(kPortVariable, "must be a port number 1..65535", port);
  return "http://" + *url_host_text + ":" + std::string(port);
}

}  // namespace srelab::telemetry
