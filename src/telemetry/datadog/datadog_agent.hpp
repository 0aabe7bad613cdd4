// The Datadog agent as a trace destination: POST <agent_url>/v0.4/traces with the msgpack v0.4
// body (datadog_payload.hpp) and dd-trace-cpp's headers (Content-Type: application/msgpack,
// Datadog-Meta-Lang: cpp, Datadog-Meta-Lang-Version, Datadog-Meta-Tracer-Version,
// X-Datadog-Trace-Count). The agent answers 200 with {"rate_by_service": {"service:<s>,env:<e>":
// rate}}; those rates land in AgentSamplingRates, which request threads read when they start a
// trace. Over a unix domain socket (unix:///path) the request is the same HTTP, sent on the
// socket (ExportRequest::unix_socket). agent_url_from() turns DD_TRACE_AGENT_URL / DD_AGENT_HOST /
// DD_TRACE_AGENT_PORT into the agent URL, for the app's config. Used by the app with a
// TraceExporter and the http module's HttpExportTransport.
#pragma once

#include <atomic>
#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/export/trace_destination.hpp"

namespace srelab::telemetry {

inline constexpr std::string_view kDefaultAgentUrl = "http://localhost:8126";
inline constexpr std::string_view kUnixScheme = "unix://";  // + an absolute socket path
inline constexpr std::string_view kAgentTracesPath = "/v0.4/traces";

// The agent's per-service sampling rates. Written by the exporter's thread, read by every request
// thread: a read takes an atomic shared_ptr copy of an immutable map and never allocates.
class AgentSamplingRates {
 public:
  AgentSamplingRates();

  // The rate for "service:<service>,env:<env>", else the default "service:,env:", else 1.0.
  double rate_for(std::string_view service, std::string_view env) const;

  // Replaces every rate with those of an agent answer's body. Returns false, changing nothing, when
  // the body is not a JSON object whose "rate_by_service" is an object. Entries whose key is not
  // "service:<s>,env:<e>" or whose value is not a number in [0, 1] are skipped.
  bool update_from_json(std::string_view body);

  std::size_t size() const;  // rates held

 private:
  struct Key {
    std::string service;
    std::string env;
  };
  struct KeyLess {
    using is_transparent = void;
    template <class A, class B>  // Key or a view with string_view members
    bool operator()(const A& a, const B& b) const {
      const std::string_view a_service = a.service;
      const std::string_view b_service = b.service;
      if (a_service != b_service) return a_service < b_service;
      return std::string_view(a.env) < std::string_view(b.env);
    }
  };
  using Rates = std::map<Key, double, KeyLess>;

  std::atomic<std::shared_ptr<const Rates>> rates_;
};

struct DatadogAgentSettings {
  std::string agent_url{kDefaultAgentUrl};  // as agent_url_from() returns it
  // Datadog-Meta-Tracer-Version: the sre-lab version; empty: the version this library was built
  // as (never an empty header).
  std::string tracer_version{};
  // Datadog-Entity-ID, the container the process runs in as the agent identifies it
  // (container_id.hpp: "ci-<container id>" or "in-<cgroup inode>"); empty: not sent. With a
  // "ci-" id, Datadog-Container-ID carries the bare id too, as dd-trace-cpp sends it.
  std::string entity_id{};
};

class DatadogAgentDestination final : public TraceDestination {
 public:
  explicit DatadogAgentDestination(DatadogAgentSettings settings);

  std::string_view name() const override { return "datadog-agent"; }
  std::string encode_trace(const TraceChunk& trace) const override;
  ExportRequest request_for(const std::vector<std::string_view>& traces) const override;
  // A 200's body updates rates(); other answers are left to the exporter.
  void on_response(const ExportResponse& response) override;

  const AgentSamplingRates& rates() const { return rates_; }
  // <agent_url>/v0.4/traces; http://localhost/v0.4/traces over a unix socket.
  const std::string& traces_url() const { return traces_url_; }
  const std::string& socket_path() const { return socket_path_; }  // "" over TCP

 private:
  DatadogAgentSettings settings_;
  std::string traces_url_;
  std::string socket_path_;
  AgentSamplingRates rates_;
};

// The C++ standard we are built with, as Datadog-Meta-Lang-Version: the value of __cplusplus as
// dd-trace-cpp sends it, "202002" for C++20.
std::string cpp_language_version();

// A rejected agent setting: one line naming the variable, e.g.
//   DD_TRACE_AGENT_PORT must be a port number 1..65535, got "80a"
struct AgentUrlError {
  // Not an aggregate, so that a std::string given to the result is its value, never an error.
  AgentUrlError() = default;
  std::string message;
};
// So that .value() on an error throws std::invalid_argument(message).
[[noreturn]] void throw_exception_from_error(const AgentUrlError& error,
                                             const boost::source_location& location);

// The agent URL from the environment's values (empty counts as unset): DD_TRACE_AGENT_URL wins
// (http://host[:port][/path], or a unix domain socket as unix:///path or http+unix:///path,
// returned as unix:///path; https:// is rejected as unsupported), else
// http://<DD_AGENT_HOST or localhost>:<DD_TRACE_AGENT_PORT or 8126>, an IPv6 host bracketed.
// The result has no trailing '/'.
boost::system::result<std::string, AgentUrlError> agent_url_from(
    std::optional<std::string_view> dd_trace_agent_url,
    std::optional<std::string_view> dd_agent_host,
    std::optional<std::string_view> dd_trace_agent_port);

}  // namespace srelab::telemetry
