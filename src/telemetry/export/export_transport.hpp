// The seam between the trace exporters (pure logic here: queue, batching, retry) and the network.
// Exporters build an ExportRequest and hand it to an ExportTransport; the http module provides the
// real one (a blocking HTTP/1.1 client used from the exporter's own thread), tests a fake.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/errc.hpp"

namespace srelab::telemetry {

struct ExportRequest {
  std::string method = "POST";                               // "POST" or "PUT"
  std::string url;                                           // absolute: http://host:port/path
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type among them
  std::string body;
  // Non-empty: the HTTP request goes over this unix domain stream socket; `url` then gives only
  // its path and Host header.
  std::string unix_socket;
};

struct ExportResponse {
  int status = 0;
  std::string body;
  std::optional<std::chrono::seconds> retry_after;  // from a Retry-After header in seconds
};

class ExportTransport {
 public:
  virtual ~ExportTransport() = default;
  // Blocks for at most `timeout`. A connection, timeout or protocol failure is an error; any
  // HTTP status (even 500) is a response.
  virtual result<ExportResponse> send(const ExportRequest& request,
                                      std::chrono::milliseconds timeout) = 0;
};

}  // namespace srelab::telemetry
