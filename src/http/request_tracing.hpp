// A root span per request, as Datadog's web integrations make them: name `http.request` (so the
// agent's trace metrics are trace.http.request.hits/errors/duration), resource
// "<METHOD> <route>", span.kind server, http.method/route/url/status_code, error on 5xx with the
// answer's own error and detail. The caller's trace is continued from Datadog or W3C headers;
// the answer carries the trace id (X-Trace-Id: 32 hex, the W3C form; its low 16 digits are the
// 64-bit id Datadog shows, in hex) so a learner with curl can find the trace. A middleware layer,
// one per worker thread (its Tracer draws ids from that thread's Random), which the composition
// root puts outermost on its Router, so the span covers the other layers and their answers.
#pragma once

#include "http/middleware.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::http {

class RequestTracing final : public Middleware {
 public:
  // `sink` takes every finished trace (exporters, the console); `tracer` must outlive this.
  RequestTracing(telemetry::Tracer& tracer, telemetry::TraceSink sink)
      : tracer_(tracer), sink_(std::move(sink)) {}

  std::optional<Response> before(RequestContext& context) override;
  void after(RequestContext& context, Response& response) override;

 private:
  telemetry::Tracer& tracer_;
  telemetry::TraceSink sink_;
};

}  // namespace srelab::http
