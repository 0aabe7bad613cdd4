// The gateway's HAProxy configuration as `up` writes it: the addresses, the timeouts in force,
// the health check, the request id and trace rules and the JSON log line.
#include <gtest/gtest.h>

#include <string>

#include "gateway/gateway_config.hpp"

namespace srelab::gateway {
namespace {

using namespace std::chrono_literals;

bool has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(GatewayConfig, DefaultsAreTheIssuesTimeouts) {
  const std::string text = render_gateway_config({});
  EXPECT_TRUE(has(text, "  bind 127.0.0.1:8080\n")) << text;
  EXPECT_TRUE(has(text, "  server service 127.0.0.1:8000 maxconn 500 check inter 2000ms")) << text;
  EXPECT_TRUE(has(text, "  timeout connect 1000ms\n"));
  EXPECT_TRUE(has(text, "  timeout server 5000ms\n"));
  EXPECT_TRUE(has(text, "  timeout queue 5000ms\n"));
  EXPECT_TRUE(has(text, "  http-check send meth GET uri /readyz\n"));
  EXPECT_TRUE(has(text, "  http-check expect status 200\n"));
  EXPECT_TRUE(has(text, "  log stdout format raw local0 info\n"));
  EXPECT_TRUE(has(text, "  hard-stop-after 5s\n")) << "the lab's soft stop ends";
}

TEST(GatewayConfig, SettingsReachTheText) {
  GatewayConfigSettings settings;
  settings.listen_port = 18080;
  settings.service_host = "::1";
  settings.service_port = 18000;
  settings.server_timeout = 1s;
  settings.queue_timeout = 250ms;
  settings.server_connections = 7;
  const std::string text = render_gateway_config(settings);
  EXPECT_TRUE(has(text, "  bind 127.0.0.1:18080\n")) << text;
  EXPECT_TRUE(has(text, "  server service [::1]:18000 maxconn 7 ")) << text;
  EXPECT_TRUE(has(text, "  timeout server 1000ms\n"));
  EXPECT_TRUE(has(text, "  timeout queue 250ms\n"));
  EXPECT_TRUE(has(text, "did not answer within 1000ms")) << "the 504 page names the timeout";
}

TEST(GatewayConfig, OneServerIsTheServiceWithoutABalanceLine) {
  const std::string text = render_gateway_config({});
  EXPECT_FALSE(has(text, "balance")) << text;
  EXPECT_FALSE(has(text, "server service1 ")) << text;
}

TEST(GatewayConfig, ReplicasAreServersOnConsecutivePortsTakenInTurn) {
  GatewayConfigSettings settings;
  settings.service_port = 18000;
  settings.replicas = 3;
  settings.server_connections = 7;
  const std::string text = render_gateway_config(settings);
  EXPECT_TRUE(has(text, "\nbackend service\n  option httpchk\n")) << text;
  EXPECT_TRUE(has(text, "  balance roundrobin\n")) << text;
  // The same health check and the same per-server limit on each.
  for (const char* server : {"  server service1 127.0.0.1:18000 maxconn 7 check inter 2000ms "
                             "fall 3 rise 2\n",
                             "  server service2 127.0.0.1:18001 maxconn 7 check inter 2000ms "
                             "fall 3 rise 2\n",
                             "  server service3 127.0.0.1:18002 maxconn 7 check inter 2000ms "
                             "fall 3 rise 2\n"})
    EXPECT_TRUE(has(text, server)) << server << text;
  EXPECT_FALSE(has(text, "18003")) << text;
  EXPECT_FALSE(has(text, "server service ")) << text;
  std::size_t servers = 0;
  for (auto at = text.find("\n  server "); at != std::string::npos;
       at = text.find("\n  server ", at + 1))
    ++servers;
  EXPECT_EQ(servers, 3u);
}

TEST(GatewayConfig, RequestIdAndTraceContext) {
  const std::string text = render_gateway_config({});
  EXPECT_TRUE(has(text, "unique-id-format %[var(txn.request_id)]\n"));
  EXPECT_TRUE(has(text, "http-request set-header X-Request-Id %[unique-id]\n"));
  EXPECT_TRUE(has(text, "http-after-response set-header X-Request-Id %[unique-id]\n"))
      << "the gateway's own errors carry it too";
  EXPECT_TRUE(has(text, "capture response header X-Trace-Id len 64\n"));
  // No rule touches an incoming traceparent or x-datadog-* header: only one without either
  // gets a trace id.
  EXPECT_FALSE(has(text, "set-header traceparent"));
  EXPECT_FALSE(has(text, "del-header"));
  EXPECT_TRUE(has(text,
                  "if !{ req.hdr(traceparent) -m found } !{ req.hdr(x-datadog-trace-id) "
                  "-m found }"));
}

TEST(GatewayConfig, LogLineIsOneJsonObjectWithTheIssuesFields) {
  const std::string text = render_gateway_config({});
  const auto start = text.find("  log-format \"");
  ASSERT_NE(start, std::string::npos);
  const std::string line = text.substr(start, text.find('\n', start) - start);
  for (const char* field : {"request_id", "method", "path", "status", "Tq", "Tw", "Tc", "Tr", "Ta",
                            "termination", "x_trace_id", "dd_trace_id", "traceparent"})
    EXPECT_TRUE(has(line, std::string("\\\"") + field + "\\\":")) << field;
  // Every string HAProxy takes from the request goes through the json converter.
  for (const char* fetch :
       {"unique-id", "capture.req.method", "var(txn.path)", "capture.res.hdr(0)",
        "var(txn.dd_trace_id)", "var(txn.dd_tags)", "var(txn.traceparent)"})
    EXPECT_TRUE(has(line, std::string("%[") + fetch + ",json(utf8s)]")) << fetch;
}

}  // namespace
}  // namespace srelab::gateway
