// The HAProxy configuration of the lab's API gateway, rendered from a plain struct: `up` writes
// it into the state directory and starts HAProxy on it (lab/gateway_server). No I/O here, so a
// unit test reads the text it makes.
//
// What the text sets up (docs/gateway.md says why each one):
//  - one frontend on the gateway's address, one backend with the service as its server (or one
//    server per replica, `up --replicas`, taken in turn), each health-checked on GET /readyz
//    and with its own `maxconn` beyond which requests wait in the queue;
//  - timeouts: connect, server (the upstream's answer: 504 beyond it), queue (503 beyond it),
//    client and http-request;
//  - X-Request-Id: an incoming one is kept when it is 1..128 visible characters, otherwise a
//    UUID; sent upstream and in every answer, the gateway's own errors included;
//  - trace context: traceparent and x-datadog-* pass through untouched; a request with neither
//    gets x-datadog-trace-id and x-datadog-tags' _dd.p.tid (no sampling priority, so the
//    service's sampler still decides), so that even a request the service never answered names
//    its trace in the log;
//  - one JSON line per request on stdout (see access_log.hpp for the fields);
//  - hard-stop-after, so the soft stop the lab sends (SIGUSR1) ends.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace srelab::gateway {

struct GatewayConfigSettings {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string service_host = "127.0.0.1";  // an IPv6 literal is written in brackets
  std::uint16_t service_port = 8000;
  std::size_t replicas = 1;  // replica k listens on service_port + k - 1
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds server_timeout{5000};
  std::chrono::milliseconds queue_timeout{5000};
  std::chrono::milliseconds client_timeout{30000};
  std::chrono::milliseconds check_interval{2000};
  std::size_t max_connections = 4096;    // the whole gateway
  std::size_t server_connections = 500;  // to each replica at once; the rest queue
};

std::string render_gateway_config(const GatewayConfigSettings& settings);

}  // namespace srelab::gateway
