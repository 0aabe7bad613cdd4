#include "gateway/gateway_config.hpp"

#include <string_view>

namespace srelab::gateway {
namespace {

std::string ms(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + "ms";
}

std::string address(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// One JSON object a line. Strings go through the `json` converter, so a path or header with
// quotes or control characters cannot break the line; numbers are HAProxy's own (-1: the phase
// did not happen). Request fields are kept in variables at request time: the request's headers
// are no longer there when the line is written.
constexpr std::string_view kLogFormat =
    R"({\"time\":%Ts.%ms,\"request_id\":\"%[unique-id,json(utf8s)]\",)"
    R"(\"method\":\"%[capture.req.method,json(utf8s)]\",\"path\":\"%[var(txn.path),json(utf8s)]\",)"
    R"(\"status\":%ST,\"Tq\":%Tq,\"Tw\":%Tw,\"Tc\":%Tc,\"Tr\":%Tr,\"Ta\":%Ta,)"
    R"(\"termination\":\"%tsc\",\"x_trace_id\":\"%[capture.res.hdr(0),json(utf8s)]\",)"
    R"(\"dd_trace_id\":\"%[var(txn.dd_trace_id),json(utf8s)]\",)"
    R"(\"dd_tags\":\"%[var(txn.dd_tags),json(utf8s)]\",)"
    R"(\"traceparent\":\"%[var(txn.traceparent),json(utf8s)]\",)"
    R"(\"bytes\":%B,\"retries\":%rc,\"server_queue\":%sq,\"backend_queue\":%bq})";

// The gateway's own errors in the service's JSON shape: {"error", "detail"}.
std::string error_page(int status, std::string_view error, const std::string& detail) {
  std::string line = "  http-error status " + std::to_string(status) +
                     " content-type application/json string \"{\\\"error\\\":\\\"";
  line.append(error).append("\\\",\\\"detail\\\":\\\"").append(detail).append("\\\"}\"\n");
  return line;
}

}  // namespace

std::string render_gateway_config(const GatewayConfigSettings& s) {
  std::string text;
  text += "# The lab's API gateway, written by `sre-lab up` (docs/gateway.md). Runs in the\n";
  text += "# foreground; the access log is one JSON line a request on stdout.\n";
  text += "global\n";
  text += "  log stdout format raw local0 info\n";
  text += "  maxconn " + std::to_string(s.max_connections) + "\n";
  text += "  hard-stop-after 5s\n";  // a soft stop (SIGUSR1) ends within it
  text += "\ndefaults\n";
  text += "  mode http\n";
  text += "  log global\n";
  text += "  option dontlognull\n";
  text += "  option forwardfor\n";
  text += "  timeout connect " + ms(s.connect_timeout) + "\n";
  text += "  timeout server " + ms(s.server_timeout) + "\n";
  text += "  timeout queue " + ms(s.queue_timeout) + "\n";
  text += "  timeout client " + ms(s.client_timeout) + "\n";
  text += "  timeout http-request 10s\n";
  text += "  timeout http-keep-alive 10s\n";
  text +=
      error_page(502, "Bad Gateway", "the service closed the connection or sent no valid answer");
  text += error_page(
      503, "Service Unavailable",
      "no healthy service (GET /readyz failing) or the queue wait exceeded " + ms(s.queue_timeout));
  text += error_page(504, "Gateway Timeout",
                     "the service did not answer within " + ms(s.server_timeout));
  text += "\nfrontend gateway\n";
  text += "  bind " + address(s.listen_host, s.listen_port) + "\n";
  text += "  # X-Request-Id: the caller's when it is sane, else a new one; upstream and back.\n";
  text +=
      "  http-request set-var(txn.request_id) req.hdr(x-request-id) if "
      "{ req.hdr(x-request-id) -m reg ^[[:graph:]]{1,128}$ }\n";
  text += "  http-request set-var(txn.request_id) uuid unless { var(txn.request_id) -m found }\n";
  text += "  unique-id-format %[var(txn.request_id)]\n";
  text += "  http-request set-header X-Request-Id %[unique-id]\n";
  text += "  http-after-response set-header X-Request-Id %[unique-id]\n";
  text += "  # Trace context passes untouched; a request without any gets a Datadog trace id:\n";
  text +=
      "  # 63 random low bits, and high bits as Datadog tracers make them (the time in seconds,\n";
  text += "  # then 32 zero bits); no sampling priority, so the service's sampler decides.\n";
  text +=
      "  http-request set-var(txn.trace_low) rand if !{ req.hdr(traceparent) -m found } "
      "!{ req.hdr(x-datadog-trace-id) -m found }\n";
  text +=
      "  http-request set-header x-datadog-trace-id "
      "%[rand(2147483647),add(1),mul(4294967296),add(txn.trace_low)] "
      "if { var(txn.trace_low) -m found }\n";
  text +=
      "  http-request set-header x-datadog-tags _dd.p.tid=%[date,mul(4294967296),hex,lower] "
      "if { var(txn.trace_low) -m found }\n";
  text += "  http-request set-var(txn.dd_trace_id) req.hdr(x-datadog-trace-id)\n";
  text += "  http-request set-var(txn.dd_tags) req.hdr(x-datadog-tags)\n";
  text += "  http-request set-var(txn.traceparent) req.hdr(traceparent)\n";
  text += "  http-request set-var(txn.path) path\n";
  text += "  capture response header X-Trace-Id len 64\n";
  text += "  log-format \"";
  text.append(kLogFormat);
  text += "\"\n";
  text += "  default_backend service\n";
  text += "\nbackend service\n";
  text += "  option httpchk\n";
  text += "  http-check send meth GET uri /readyz\n";
  text += "  http-check expect status 200\n";
  // Several replicas are taken in turn, as HAProxy does by default; written out for the reader.
  if (s.replicas > 1) text += "  balance roundrobin\n";
  for (std::size_t k = 1; k <= s.replicas; ++k) {
    const std::string name = s.replicas == 1 ? "service" : "service" + std::to_string(k);
    const auto port = static_cast<std::uint16_t>(s.service_port + k - 1);
    text += "  server " + name + " " + address(s.service_host, port) + " maxconn " +
            std::to_string(s.server_connections) + " check inter " + ms(s.check_interval) +
            " fall 3 rise 2\n";
  }
  return text;
}

}  // namespace srelab::gateway
