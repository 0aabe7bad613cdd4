// One line of the gateway's access log, as gateway_config.hpp makes HAProxy write it:
//   {"time":1796171092.694,"request_id":"…","method":"GET","path":"/products/1","status":504,
//    "Tq":0,"Tw":0,"Tc":1,"Tr":-1,"Ta":1003,"termination":"sH--","x_trace_id":"-",
//    "dd_trace_id":"2750379117637344806","dd_tags":"_dd.p.tid=6a6e3e5b00000000",
//    "traceparent":"-","bytes":246,"retries":0,
//    "server_queue":0,"backend_queue":0}
// Timings are HAProxy's, in milliseconds, -1 when the phase did not happen: Tq until the request
// was complete, Tw in the queue, Tc connecting upstream, Tr until the upstream's answer headers,
// Ta the whole request. "-" is HAProxy's empty string. Lines that are not such an object (its
// own warnings share the file) are refused, not an error. Sans-I/O: the reader (app/) feeds it
// lines from the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace srelab::gateway {

struct AccessLogRecord {
  std::string request_id;
  std::string method;
  std::string path;
  int status = 0;
  int tq_ms = -1;
  int tw_ms = -1;
  int tc_ms = -1;
  int tr_ms = -1;
  int ta_ms = -1;
  std::string termination;  // e.g. "----", "sH--" (server timeout), "SC--" (connection refused)
  std::string trace_id;     // 32 lowercase hex digits, "" when the line names none

  // The upstream sent no answer headers, so the status is the gateway's own (its 502, 503, 504,
  // or a 400/408 for a bad or slow client).
  bool answered_by_gateway() const { return tr_ms < 0; }
};

std::optional<AccessLogRecord> parse_access_log_line(std::string_view line);

// The trace a line names, as the service spells it (X-Trace-Id: 32 lowercase hex): the
// upstream's X-Trace-Id when it answered; else the request's context the way the service
// extracts it, Datadog first (the decimal id is the low 64 bits, x-datadog-tags' _dd.p.tid the
// high 64), then W3C traceparent; "" when none is usable.
std::string trace_id_of(std::string_view x_trace_id, std::string_view dd_trace_id,
                        std::string_view dd_tags, std::string_view traceparent);

}  // namespace srelab::gateway
