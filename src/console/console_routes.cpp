#include "console/console_routes.hpp"

#include <algorithm>
#include <string>

#include "console/answer_handler.hpp"
#include "console/console_json.hpp"
#include "console/console_query.hpp"
#include "console/experiment_routes.hpp"
#include "http/responses.hpp"

namespace srelab::console {
namespace {

using boost::asio::awaitable;

// A trace's log lines beside its spans: the newest this many.
constexpr std::size_t kLogsPerTrace = 200;

TraceStats trace_stats(const Console& console) {
  return {console.traces().stats(), console.traces().settings(), console.admission().stats()};
}

http::Response timeline(const Console& console, std::string_view query) {
  FieldError error;
  const auto since = parse_timeline_query(query, error);
  if (!since) return http::field_error(error);
  return http::json_response(http::Status::ok, render_json(console.timeline().points(*since)));
}

http::Response trace_list(const Console& console, std::string_view query) {
  FieldError error;
  const auto filter = parse_trace_query(query, error);
  if (!filter) return http::field_error(error);
  return http::json_response(
      http::Status::ok, render_trace_list(console.traces().list(*filter), trace_stats(console)));
}

http::Response one_trace(const Console& console, bool tracing, std::string_view id_text) {
  const auto id = normalize_trace_id(id_text);
  if (!id) {
    return http::field_error({"trace_id", "trace_id must be 32 hex digits, got '" +
                                              std::string(id_text.substr(0, 64)) +
                                              (id_text.size() > 64 ? "…'" : "'")});
  }
  const auto spans = console.traces().get(*id);
  if (!spans) {
    return http::json_error(
        http::Status::not_found, "Not Found",
        tracing ? "trace " + *id +
                      " is not held by the console: it may have been evicted (the store is "
                      "bounded) or not recorded (fast successful traces are sampled)"
                : "tracing is off (--tracing off / SRE_LAB_TRACING=off): the console holds no "
                  "traces");
  }
  LogFilter filter;
  filter.trace_id = *id;
  filter.limit = kLogsPerTrace;
  LogPage logs = console.logs().list(filter);
  std::reverse(logs.records.begin(), logs.records.end());  // oldest first, beside the spans
  return http::json_response(http::Status::ok, render_trace(*id, *spans, logs.records));
}

http::Response log_page(const Console& console, std::string_view query) {
  FieldError error;
  const auto filter = parse_log_query(query, error);
  if (!filter) return http::field_error(error);
  return http::json_response(http::Status::ok, render_log_page(console.logs().list(*filter)));
}

http::Response status(const Console& console, const resilience::CircuitBreaker& breaker,
                      const postgres::Pool& pool, bool tracing) {
  ConsoleStatus status;
  status.pool = pool.counts();
  status.breaker = resilience::to_string(breaker.state());
  status.tracing = tracing;
  status.traces = trace_stats(console);
  status.logs = {console.logs().stats(), console.logs().settings()};
  return http::json_response(http::Status::ok, render_status(status));
}

}  // namespace

void add_console_routes(http::Router& router, Console& console,
                        const resilience::CircuitBreaker& breaker, const postgres::Pool& pool,
                        bool tracing, const http::MiddlewarePtr& admin_guard) {
  auto add = [&](const char* pattern, http::Handler answer) {
    router.add(http::Verb::get, pattern, std::move(answer), {admin_guard});
  };
  const Console* view = &console;
  add("/console/api/timeline", answer_handler([view](const http::RequestContext& request) {
        return timeline(*view, request.query);
      }));
  add("/console/api/traces", answer_handler([view](const http::RequestContext& request) {
        return trace_list(*view, request.query);
      }));
  add("/console/api/traces/{trace_id}",
      answer_handler([view, tracing](const http::RequestContext& request) {
        return one_trace(*view, tracing, request.params.get("trace_id"));
      }));
  add("/console/api/logs", answer_handler([view](const http::RequestContext& request) {
        return log_page(*view, request.query);
      }));
  add("/console/api/status",
      answer_handler([view, &breaker, &pool, tracing](const http::RequestContext&) {
        return status(*view, breaker, pool, tracing);
      }));
  add_experiment_routes(router, console.experiment_runs(), console.experiment_launches(),
                        console.clock(), admin_guard);
}

}  // namespace srelab::console
