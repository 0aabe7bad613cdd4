#include "gateway/gateway_metrics.hpp"

namespace srelab::gateway {
namespace {

using telemetry::metric_info;
using telemetry::Unit;

// Gateway timeouts are seconds long (5 s by default): the default bounds reach 10 s.
telemetry::Histogram& seconds_histogram(telemetry::Registry& registry, const char* name,
                                        const char* help) {
  return registry.histogram(metric_info(name, help, Unit::seconds)).get();
}

void observe_ms(telemetry::Histogram& histogram, int milliseconds) {
  if (milliseconds >= 0) histogram.observe(milliseconds / 1000.0);
}

}  // namespace

GatewayMetrics::GatewayMetrics(telemetry::Registry& registry)
    : own_responses_(registry.counter(
          metric_info("gateway.own_responses",
                      "Answers the gateway made itself (the service sent none), by status",
                      Unit::none, {"status"}))),
      duration_(seconds_histogram(registry, "gateway.request.duration",
                                  "Whole request time at the gateway (HAProxy Ta)")),
      queue_(seconds_histogram(registry, "gateway.queue.duration",
                               "Time queued at the gateway for a server slot (HAProxy Tw)")),
      connect_(seconds_histogram(registry, "gateway.connect.duration",
                                 "Time to connect to the service (HAProxy Tc)")),
      response_(seconds_histogram(registry, "gateway.response.duration",
                                  "Time until the service's answer headers (HAProxy Tr)")),
      parsed_(registry
                  .counter(metric_info("gateway.log.lines", "Gateway access log lines read",
                                       Unit::none, {"result"}))
                  .with({"parsed"})),
      skipped_(registry
                   .counter(metric_info("gateway.log.lines", "Gateway access log lines read",
                                        Unit::none, {"result"}))
                   .with({"skipped"})) {
  auto& requests = registry.counter(metric_info("gateway.requests",
                                                "Requests answered at the gateway, by status class",
                                                Unit::none, {"status_class"}));
  const char* classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
  for (std::size_t i = 0; i < by_class_.size(); ++i) by_class_[i] = &requests.with({classes[i]});
  // Exported at 0 from the start: the first 504 then counts as an increase (a series first
  // seen is only a baseline for rates, in Prometheus as on the console's dashboard).
  for (const char* status : {"502", "503", "504"}) own_responses_.with({status});
}

void GatewayMetrics::record(const AccessLogRecord& record) {
  parsed_.inc();
  const int hundreds = record.status / 100;
  by_class_[hundreds >= 1 && hundreds <= 5 ? hundreds - 1 : 5]->inc();
  // with() locks and allocates, once a status; the gateway makes only a handful of them.
  if (record.answered_by_gateway() && record.status > 0)
    own_responses_.with({std::to_string(record.status)}).inc();
  observe_ms(duration_, record.ta_ms);
  observe_ms(queue_, record.tw_ms);
  observe_ms(connect_, record.tc_ms);
  observe_ms(response_, record.tr_ms);
}

}  // namespace srelab::gateway
