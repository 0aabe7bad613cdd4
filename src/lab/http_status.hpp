// The status of one plain HTTP GET, for a readiness check at start-up (Prometheus' /-/ready):
// the lab links no HTTP client, and a blocking request on loopback is all it needs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace srelab::lab {

// The answer's status code, or 0 when nothing answered within `timeout` (refused, no status line).
int http_status(const std::string& host, std::uint16_t port, std::string_view target,
                std::chrono::milliseconds timeout);

}  // namespace srelab::lab
