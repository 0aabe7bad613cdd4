// Structured logs: one JSON object a line, with Datadog's log ↔ trace correlation attributes
// (dd.trace_id, dd.span_id, dd.service, dd.env, dd.version; reference/telemetry-protocols.md §4),
// handed to sinks (stdout, a file, later the console's log store). The whole app logs through one
// Logger from its IO threads; the app builds it and its sinks at startup.
//
// A line's fields, in this order:
//   time         RFC 3339 UTC with milliseconds, 2026-11-27T08:22:37.123Z (the Clock's wall())
//   level        "debug", "info", "warning", "error"
//   status       the same value: Datadog's log pipeline reads the level from `status`
//   message
//   logger       the component, e.g. "catalog.product_service"
//   logger.name  the same value, under the name Datadog's tracers use
//   dd.trace_id  with trace_id_128 on (the default, as current tracers do) and a non-zero high
//                half: 32 lowercase hex digits, the whole 128-bit id as W3C and the answer's
//                X-Trace-Id spell it; otherwise the decimal string of the low 64 bits ("0"
//                without a span), which is also what every tracer logs for a 64-bit id
//   dd.span_id   decimal string, "0" without a span
//   dd.service, dd.env, dd.version
//                (the five dd.* only when injection is on, DD_LOGS_INJECTION)
//   the settings' constant fields (e.g. `replica` for one of `up --replicas`)
//   the caller's extra fields, in the caller's order, then `suppressed` (see below)
//
// Repeats are rate-limited so a failing dependency cannot flood the log: per repeat key (by
// default logger + message) at most repeats_per_window lines are written per window; the rest are
// only counted, and the next line written for that key carries "suppressed": N, the number
// dropped since the previous written one. Windows are fixed, starting at a key's first line after
// the previous window ended. The Logger remembers at most kMaxRepeatKeys keys, forgetting the
// oldest window first; a count that was never reported because its key stopped logging (or was
// forgotten) shows only in suppressed_total() (the app's `logs.suppressed` metric) and in the
// sinks' count_suppressed().
//
// The limit protects stdout and the log file, not a trace's story: a traced problem — a warning
// or an error logged with a span, the best sign at log time that the request failed or degraded
// (its status is not known yet) — still reaches the sinks that keep_traced_problems() (the
// console's store, bounded by itself) when the limit drops it from the others.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/errc.hpp"
#include "telemetry/logging/log_record.hpp"
#include "telemetry/tracing/span.hpp"

namespace srelab::telemetry {

// Extra attributes of a line: key, and value as JSON text (a quoted string, a number, true).
using LogFields = std::vector<std::pair<std::string, std::string>>;

struct LoggerSettings {
  std::string service;
  std::string env;
  std::string version;
  bool injection = true;  // DD_LOGS_INJECTION: write the dd.* attributes
  // DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED: dd.trace_id as the whole id (see above).
  bool trace_id_128 = true;
  LogFields fields{};  // on every line; values are JSON, as the caller's extra fields
  LogLevel min_level = LogLevel::info;
  // Rate limiting of repeats; a zero window or repeats_per_window <= 0 turns it off.
  std::chrono::seconds repeat_window{10};
  int repeats_per_window = 5;
};

inline constexpr std::size_t kMaxRepeatKeys = 1024;

// The JSON line for `record` (fields in the order above), '\n' included. Keys and the message are
// escaped (quotes, control characters; invalid UTF-8 becomes U+FFFD); field values are copied as
// they are, so they must already be JSON.
std::string format_log_line(const LogRecord& record, const LoggerSettings& settings);

// dd.trace_id's value for `id` (see the line's fields above).
std::string log_trace_id(const TraceId& id, bool trace_id_128);

// RFC 3339 UTC with milliseconds (truncated): 2026-11-27T08:22:37.123Z.
std::string format_log_time(Clock::wall_time time);

// Entries of LogFields with the value written as JSON: an escaped string, a number (NaN and
// infinities become null, which JSON can carry), an integer.
std::pair<std::string, std::string> string_field(std::string_view key, std::string_view value);
std::pair<std::string, std::string> number_field(std::string_view key, double value);
std::pair<std::string, std::string> integer_field(std::string_view key, std::int64_t value);

// Where lines go. write() is called from several threads at once; a sink serializes itself.
// `json_line` is format_log_line(record, …), ending in '\n'.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(const LogRecord& record, std::string_view json_line) = 0;
  // Whether the sink also takes the traced problems the repeat limit drops (see Logger).
  virtual bool keeps_traced_problems() const { return false; }
  // Called once for each line the repeat limit drops, so a sink can show how many.
  virtual void count_suppressed() {}
};

// A warning or an error with a trace id: the lines the repeat limit never withholds from the
// sinks that keep_traced_problems().
bool is_traced_problem(LogLevel level, const TraceId& trace_id);

// Writes to a FILE* it does not own (stdout): one fwrite per line under a mutex, then fflush, so
// lines never interleave and `tail -f` sees each one as it is logged. Write errors are ignored
// (there is nowhere left to report them).
class StreamLogSink final : public LogSink {
 public:
  explicit StreamLogSink(std::FILE* stream) : stream_(stream) {}
  void write(const LogRecord& record, std::string_view json_line) override;

 private:
  std::mutex mutex_;
  std::FILE* stream_;
};

// Appends to a file it owns (opened in append mode, created if missing).
class FileLogSink final : public LogSink {
 public:
  // The errno of a failed open as a generic-category error, e.g. "No such file or directory";
  // the app prints "cannot open log file <path>: <message>" and exits 2.
  static result<std::shared_ptr<FileLogSink>> open(const std::string& path);

  void write(const LogRecord& record, std::string_view json_line) override;

 private:
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  explicit FileLogSink(std::unique_ptr<std::FILE, Closer> file);

  std::unique_ptr<std::FILE, Closer> file_;
  StreamLogSink stream_;
};

// Thread-safe: log() may be called from any thread. Sinks are added at setup, before the first
// log(). The Clock is held by reference and must outlive the Logger.
class Logger {
 public:
  Logger(LoggerSettings settings, const Clock& clock);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void add_sink(std::shared_ptr<LogSink> sink);

  // Whether a line at `level` would be written at all: lets a caller skip building costly fields.
  bool enabled(LogLevel level) const { return level >= settings_.min_level; }

  // `span` gives the ids (none: "0"); `repeat_key` groups repeats (empty: logger + message).
  // Below min_level this returns at once, formatting nothing.
  void log(LogLevel level, std::string_view logger, std::string_view message,
           const Span* span = nullptr, LogFields fields = {}, std::string_view repeat_key = {});

  void debug(std::string_view logger, std::string_view message, const Span* span = nullptr,
             LogFields fields = {}, std::string_view repeat_key = {}) {
    log(LogLevel::debug, logger, message, span, std::move(fields), repeat_key);
  }
  void info(std::string_view logger, std::string_view message, const Span* span = nullptr,
            LogFields fields = {}, std::string_view repeat_key = {}) {
    log(LogLevel::info, logger, message, span, std::move(fields), repeat_key);
  }
  void warning(std::string_view logger, std::string_view message, const Span* span = nullptr,
               LogFields fields = {}, std::string_view repeat_key = {}) {
    log(LogLevel::warning, logger, message, span, std::move(fields), repeat_key);
  }
  void error(std::string_view logger, std::string_view message, const Span* span = nullptr,
             LogFields fields = {}, std::string_view repeat_key = {}) {
    log(LogLevel::error, logger, message, span, std::move(fields), repeat_key);
  }

  const LoggerSettings& settings() const { return settings_; }
  // Lines dropped by the rate limiting since construction.
  std::uint64_t suppressed_total() const;

 private:
  struct Repeats {
    std::string key;
    Clock::time_point window_start;
    int written = 0;               // lines written in the current window
    std::uint64_t suppressed = 0;  // dropped since the last written line
  };
  // Whether to write a line for `key` now; when it is written after drops, `suppressed` is how
  // many.
  bool admit(std::string_view key, std::uint64_t& suppressed);

  const LoggerSettings settings_;
  const Clock& clock_;
  std::vector<std::shared_ptr<LogSink>> sinks_;

  mutable std::mutex mutex_;
  // Oldest window first; the map points into the list (its keys view the entries' strings).
  std::list<Repeats> repeats_;
  std::unordered_map<std::string_view, std::list<Repeats>::iterator> repeats_by_key_;
  std::uint64_t suppressed_total_ = 0;
};

}  // namespace srelab::telemetry
