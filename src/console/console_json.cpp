#include "console/console_json.hpp"

#include <boost/json/parse.hpp>
#include <cmath>
#include <cstdint>

#include "core/json_string.hpp"
#include "telemetry/logging/logger.hpp"

namespace srelab::console {
namespace {

// "key":
void append_key(std::string& out, std::string_view key) {
  append_json_string(out, key);
  out += ':';
}

void append_string_member(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  append_json_string(out, value);
}

template <class Integer>
void append_integer_member(std::string& out, std::string_view key, Integer value) {
  append_key(out, key);
  out += std::to_string(value);
}

void append_ms_member(std::string& out, std::string_view key, std::int64_t ns) {
  append_key(out, key);
  out += format_number(static_cast<double>(ns) / 1e6);
}

void append_bool_member(std::string& out, std::string_view key, bool value) {
  append_key(out, key);
  out += value ? "true" : "false";
}

void append_trace_stats(std::string& out, const TraceStats& stats) {
  out += '{';
  append_integer_member(out, "traces", stats.store.traces);
  out += ',';
  append_integer_member(out, "bytes", stats.store.bytes);
  out += ',';
  append_integer_member(out, "max_traces", stats.bounds.max_traces);
  out += ',';
  append_integer_member(out, "max_bytes", stats.bounds.max_bytes);
  out += ',';
  append_integer_member(out, "recent", stats.store.recent);
  out += ',';
  append_integer_member(out, "errors", stats.store.errors);
  out += ',';
  append_integer_member(out, "slowest", stats.store.slowest);
  out += ',';
  append_integer_member(out, "added", stats.store.added);
  out += ',';
  append_integer_member(out, "evicted", stats.store.evicted);
  out += ',';
  append_integer_member(out, "rejected", stats.store.rejected);
  out += ',';
  append_integer_member(out, "sampled_out", stats.admission.sampled_out);
  out += ',';
  append_integer_member(out, "flagged_sampled_out", stats.admission.flagged_sampled_out);
  out += ',';
  append_integer_member(out, "ignored", stats.admission.ignored);
  out += '}';
}

void append_log_stats(std::string& out, const LogStats& stats) {
  out += '{';
  append_integer_member(out, "records", stats.store.records);
  out += ',';
  append_integer_member(out, "bytes", stats.store.bytes);
  out += ',';
  append_integer_member(out, "max_records", stats.bounds.max_records);
  out += ',';
  append_integer_member(out, "max_bytes", stats.bounds.max_bytes);
  out += ',';
  append_integer_member(out, "evicted", stats.store.evicted);
  out += ',';
  append_integer_member(out, "rejected", stats.store.rejected);
  out += ',';
  append_integer_member(out, "last_sequence", stats.store.last_sequence);
  out += ',';
  append_integer_member(out, "suppressed", stats.store.suppressed);
  out += '}';
}

void append_summary(std::string& out, const TraceSummary& trace) {
  out += '{';
  append_string_member(out, "trace_id", trace.trace_id);
  out += ',';
  append_string_member(out, "service", trace.service);
  out += ',';
  append_string_member(out, "name", trace.name);
  out += ',';
  append_string_member(out, "resource", trace.resource);
  out += ',';
  append_ms_member(out, "start_ms", trace.start);
  out += ',';
  append_ms_member(out, "duration_ms", trace.duration);
  out += ',';
  append_bool_member(out, "error", trace.error);
  out += ',';
  append_integer_member(out, "status_code", trace.status_code);
  out += ',';
  append_integer_member(out, "span_count", trace.span_count);
  out += ",\"tags\":{";
  for (std::size_t i = 0; i < trace.tags.size(); ++i) {
    if (i) out += ',';
    append_string_member(out, trace.tags[i].first, trace.tags[i].second);
  }
  out += "}}";
}

void append_span(std::string& out, const telemetry::SpanData& span) {
  out += '{';
  append_string_member(out, "span_id", telemetry::to_hex16(span.span_id));
  out += ",\"parent_id\":";
  if (span.parent_id == 0)
    out += "null";
  else
    append_json_string(out, telemetry::to_hex16(span.parent_id));
  out += ',';
  append_string_member(out, "name", span.name);
  out += ',';
  append_string_member(out, "resource", span.resource);
  out += ',';
  append_string_member(out, "service", span.service);
  out += ',';
  append_string_member(out, "type", span.type);
  out += ',';
  append_ms_member(out, "start_ms", span.start);
  out += ',';
  append_ms_member(out, "duration_ms", span.duration);
  out += ',';
  append_bool_member(out, "error", span.error != 0);
  out += ",\"meta\":{";
  bool first = true;
  for (const auto& [key, value] : span.meta) {
    if (!first) out += ',';
    first = false;
    append_string_member(out, key, value);
  }
  out += "},\"metrics\":{";
  first = true;
  for (const auto& [key, value] : span.metrics) {
    if (!std::isfinite(value)) continue;  // JSON has no NaN or infinity
    if (!first) out += ',';
    first = false;
    append_key(out, key);
    out += format_number(value);
  }
  out += "}}";
}

// The Logger's field values are JSON text already; one that is not is shown as a string rather
// than breaking the whole answer.
void append_field_value(std::string& out, const std::string& value) {
  boost::system::error_code ec;
  boost::json::parse(value, ec);
  if (ec)
    append_json_string(out, value);
  else
    out += value;
}

}  // namespace

void append_log(std::string& out, const StoredLog& log) {
  const telemetry::LogRecord& record = log.record;
  out += '{';
  append_integer_member(out, "sequence", log.sequence);
  out += ',';
  append_string_member(out, "time", telemetry::format_log_time(record.time));
  out += ',';
  append_string_member(out, "level", telemetry::to_string(record.level));
  out += ',';
  append_string_member(out, "logger", record.logger);
  out += ',';
  append_string_member(out, "message", record.message);
  out += ',';
  append_string_member(
      out, "trace_id",
      record.trace_id.is_zero() ? std::string() : telemetry::to_hex(record.trace_id));
  out += ',';
  append_string_member(out, "span_id",
                       record.span_id == 0 ? std::string() : telemetry::to_hex16(record.span_id));
  out += ",\"fields\":{";
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    if (i) out += ',';
    append_key(out, record.fields[i].first);
    append_field_value(out, record.fields[i].second);
  }
  out += "}}";
}

std::string render_trace_list(const std::vector<TraceSummary>& traces, const TraceStats& stats) {
  std::string out = "{\"traces\":[";
  for (std::size_t i = 0; i < traces.size(); ++i) {
    if (i) out += ',';
    append_summary(out, traces[i]);
  }
  out += "],\"stats\":";
  append_trace_stats(out, stats);
  out += '}';
  return out;
}

std::string render_trace(std::string_view trace_id, const telemetry::TraceChunk& spans,
                         const std::vector<StoredLog>& logs) {
  std::string out = "{";
  append_string_member(out, "trace_id", trace_id);
  out += ",\"spans\":[";
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i) out += ',';
    append_span(out, spans[i]);
  }
  out += "],\"logs\":[";
  for (std::size_t i = 0; i < logs.size(); ++i) {
    if (i) out += ',';
    append_log(out, logs[i]);
  }
  out += "]}";
  return out;
}

std::string render_log_page(const LogPage& page) {
  std::string out = "{\"logs\":[";
  for (std::size_t i = 0; i < page.records.size(); ++i) {
    if (i) out += ',';
    append_log(out, page.records[i]);
  }
  out += "],";
  append_integer_member(out, "last_sequence", page.last_sequence);
  out += ',';
  append_integer_member(out, "suppressed", page.suppressed);
  out += '}';
  return out;
}

std::string render_status(const ConsoleStatus& status) {
  std::string out = "{\"pool\":{";
  append_integer_member(out, "size", status.pool.size);
  out += ',';
  append_integer_member(out, "active", status.pool.active);
  out += ',';
  append_integer_member(out, "idle", status.pool.idle);
  out += ',';
  append_integer_member(out, "waiting", status.pool.waiting);
  out += "},";
  append_string_member(out, "breaker", status.breaker);
  out += ',';
  append_bool_member(out, "tracing", status.tracing);
  out += ",\"console\":{\"traces\":";
  append_trace_stats(out, status.traces);
  out += ",\"logs\":";
  append_log_stats(out, status.logs);
  out += "}}";
  return out;
}

}  // namespace srelab::console
