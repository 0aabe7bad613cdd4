// The real telemetry::ExportTransport: a blocking HTTP/1.1 client for http:// URLs (not https),
// over TCP or, when the request names one (ExportRequest::unix_socket), a unix domain stream
// socket such as the Agent's /var/run/datadog/apm.socket. Used from a TraceExporter's own
// thread to reach the Datadog agent or an OTLP collector. Each
// send() runs Beast's async operations on a private io_context for at most `timeout` in all
// (resolve, connect, write, read): sync Beast calls would ignore a deadline. One connection is
// kept alive between sends to the same host:port (or socket); when the peer has closed it
// meanwhile, the request is sent once more on a fresh connection, transparently. Any failure closes
// the connection, so a late answer can never be read as the next request's.
//
// Errors: errc::timeout when the deadline passed, errc::invalid_argument for a URL that is not
// http://host[:port]/path (an IPv6 literal in brackets is fine), errc::protocol_error for an
// answer that is not HTTP/1.1; otherwise the system's (connection refused, host not found...).
// Any HTTP status is a response; Retry-After is read when it is a number of seconds.
// Thread-safe (sends are serialized), though one exporter thread is the intended caller.
#pragma once

#include <chrono>
#include <memory>

#include "telemetry/export/export_transport.hpp"

namespace srelab::http {

class HttpExportTransport final : public telemetry::ExportTransport {
 public:
  HttpExportTransport();
  ~HttpExportTransport() override;
  HttpExportTransport(const HttpExportTransport&) = delete;
  HttpExportTransport& operator=(const HttpExportTransport&) = delete;

  result<telemetry::ExportResponse> send(const telemetry::ExportRequest& request,
                                         std::chrono::milliseconds timeout) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace srelab::http
