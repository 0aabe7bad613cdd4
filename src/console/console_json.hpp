// The JSON bodies of the console API (the shapes web/openapi.json documents), written from the
// stores' plain structs: console_routes answers with them, the unit tests read them back.
// Times are ms since the Unix epoch as numbers (fractional where a span's microseconds matter),
// ids lowercase hex, log times RFC 3339.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "console/log_store.hpp"
#include "console/trace_admission.hpp"
#include "console/trace_store.hpp"
#include "postgres/pool.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::console {

// What the stats objects show of the trace store: its counts, its bounds and the admission's.
struct TraceStats {
  TraceStoreStats store;
  TraceStoreSettings bounds;
  TraceAdmissionStats admission;
};

struct LogStats {
  LogStoreStats store;
  LogStoreSettings bounds;
};

// {"traces":[{"trace_id","service","name","resource","start_ms","duration_ms","error",
//   "status_code","span_count","tags":{…}}…],"stats":{…}}
std::string render_trace_list(const std::vector<TraceSummary>& traces, const TraceStats& stats);

// {"trace_id","spans":[{"span_id","parent_id"|null,"name","resource","service","type",
//   "start_ms","duration_ms","error","meta":{…},"metrics":{…}}…],"logs":[…]}; spans in the
// order the tracer listed them (started, chunk by chunk), logs oldest first.
std::string render_trace(std::string_view trace_id, const telemetry::TraceChunk& spans,
                         const std::vector<StoredLog>& logs);

// {"logs":[{"sequence","time","level","logger","message","trace_id","span_id","fields":{…}}…],
//  "last_sequence","suppressed"}; the page's order (newest first).
std::string render_log_page(const LogPage& page);

struct ConsoleStatus {
  postgres::PoolCounts pool;
  std::string_view breaker;  // "CLOSED", "OPEN", …
  bool tracing = false;
  TraceStats traces;
  LogStats logs;
};

// {"pool":{"size","active","idle","waiting"},"breaker","tracing",
//  "console":{"traces":{…},"logs":{…}}}
std::string render_status(const ConsoleStatus& status);

// One log object; a field value that is not valid JSON text is written as a string of it.
void append_log(std::string& out, const StoredLog& log);

}  // namespace srelab::console
