// One structured log line before it is written: what the logger hands its sinks (stdout/file as a
// JSON line, the console's log store). Ids are those of the span active at the call (0 = none).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "telemetry/tracing/trace_id.hpp"

namespace srelab::telemetry {

enum class LogLevel { debug, info, warning, error };

std::string_view to_string(LogLevel level);  // "debug", "info", "warning", "error"

struct LogRecord {
  Clock::wall_time time{};
  LogLevel level = LogLevel::info;
  std::string logger;  // e.g. "catalog.product_service"
  std::string message;
  TraceId trace_id;  // low 64 bits are dd.trace_id
  SpanId span_id = 0;
  // Extra attributes, values already JSON text (a quoted string, a number, true/false).
  std::vector<std::pair<std::string, std::string>> fields;
};

}  // namespace srelab::telemetry
