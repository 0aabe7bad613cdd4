// One plain HTTP GET, for readiness checks at start-up (Prometheus' /-/ready and its targets): the
// lab links no HTTP client, and a blocking request on loopback is all it needs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace srelab::lab {

struct HttpAnswer {
  int status = 0;  // 0: nothing answered within the timeout (refused, no status line)
  std::string body;
};

// HTTP/1.0, so the server closes the connection after the body: what was read is the body.
HttpAnswer http_get(const std::string& host, std::uint16_t port, std::string_view target,
                    std::chrono::milliseconds timeout);

}  // namespace srelab::lab
