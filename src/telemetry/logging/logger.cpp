#include "telemetry/logging/logger.hpp"

#include <cerrno>
#include <cstdio>
#include <iterator>
#include <system_error>

#include "core/json_string.hpp"

namespace srelab::telemetry {
namespace {

void append_field(std::string& out, std::string_view key, std::string_view string_value) {
  out += ',';
  append_json_string(out, key);
  out += ':';
  append_json_string(out, string_value);
}

void append_raw_field(std::string& out, std::string_view key, std::string_view json_value) {
  out += ',';
  append_json_string(out, key);
  out += ':';
  out += json_value;
}

// Falls back to logger + message; the NUL keeps ("a b", "c") apart from ("a", "b c").
std::string repeat_key_of(std::string_view logger, std::string_view message,
                          std::string_view repeat_key) {
  if (!repeat_key.empty()) return std::string(repeat_key);
  std::string key;
  key.reserve(logger.size() + 1 + message.size());
  key.append(logger).append(1, '\0').append(message);
  return key;
}

void write_line(std::FILE* stream, std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fflush(stream);
}

}  // namespace

std::string format_log_time(Clock::wall_time time) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(time);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss clock_time{ms - day};
  char text[64];
  const int length = std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock_time.hours().count()), static_cast<int>(clock_time.minutes().count()),
      static_cast<int>(clock_time.seconds().count()),
      static_cast<int>(clock_time.subseconds().count()));
  return std::string(text, static_cast<std::size_t>(length));
}

std::string log_trace_id(const TraceId& id, bool trace_id_128) {
  // A zero high half stays decimal, so 64-bit ids log as they always did and still match the
  // x-datadog-trace-id of callers that only know 64 bits.
  if (trace_id_128 && id.high != 0) return to_hex(id);
  return std::to_string(id.low);
}

std::string format_log_line(const LogRecord& record, const LoggerSettings& settings) {
  std::string out;
  out.reserve(320 + record.message.size());
  out += "{\"time\":\"";
  out += format_log_time(record.time);
  out += '"';
  const std::string_view level = to_string(record.level);
  append_field(out, "level", level);
  append_field(out, "status", level);
  append_field(out, "message", record.message);
  append_field(out, "logger", record.logger);
  append_field(out, "logger.name", record.logger);
  if (settings.injection) {
    append_field(out, "dd.trace_id", log_trace_id(record.trace_id, settings.trace_id_128));
    append_field(out, "dd.span_id", std::to_string(record.span_id));
    append_field(out, "dd.service", settings.service);
    append_field(out, "dd.env", settings.env);
    append_field(out, "dd.version", settings.version);
  }
  for (const auto& [key, value] : settings.fields) append_raw_field(out, key, value);
  for (const auto& [key, value] : record.fields) append_raw_field(out, key, value);
  out += "}\n";
  return out;
}

std::pair<std::string, std::string> string_field(std::string_view key, std::string_view value) {
  std::string json;
  append_json_string(json, value);
  return {std::string(key), std::move(json)};
}

std::pair<std::string, std::string> number_field(std::string_view key, double value) {
  // JSON has no NaN or infinity; null keeps the line valid.
  if (value != value || value - value != 0) return {std::string(key), "null"};
  return {std::string(key), format_number(value)};
}

std::pair<std::string, std::string> integer_field(std::string_view key, std::int64_t value) {
  return {std::string(key), std::to_string(value)};
}

void StreamLogSink::write(const LogRecord& /*record*/, std::string_view json_line) {
  const std::lock_guard lock(mutex_);
  write_line(stream_, json_line);
}

result<std::shared_ptr<FileLogSink>> FileLogSink::open(const std::string& path) {
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "a"));
  if (!file) return boost::system::error_code(errno, boost::system::generic_category());
  return std::shared_ptr<FileLogSink>(new FileLogSink(std::move(file)));
}

FileLogSink::FileLogSink(std::unique_ptr<std::FILE, Closer> file)
    : file_(std::move(file)), stream_(file_.get()) {}

void FileLogSink::write(const LogRecord& record, std::string_view json_line) {
  stream_.write(record, json_line);
}

Logger::Logger(LoggerSettings settings, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {}

void Logger::add_sink(std::shared_ptr<LogSink> sink) {
  sinks_.push_back(std::move(sink));
}

bool is_traced_problem(LogLevel level, const TraceId& trace_id) {
  return level >= LogLevel::warning && !trace_id.is_zero();
}

void Logger::log(LogLevel level, std::string_view logger, std::string_view message,
                 const Span* span, LogFields fields, std::string_view repeat_key) {
  if (!enabled(level)) return;
  std::uint64_t suppressed = 0;
  const bool admitted = admit(repeat_key_of(logger, message, repeat_key), suppressed);
  const TraceId trace_id = span != nullptr ? span->trace_id() : TraceId{};
  if (!admitted) {
    for (const auto& sink : sinks_) sink->count_suppressed();
    // Decided before the record is built: a dropped line costs no formatting unless it is kept.
    if (!is_traced_problem(level, trace_id)) return;
  }

  LogRecord record;
  record.time = clock_.wall();
  record.level = level;
  record.logger = std::string(logger);
  record.message = std::string(message);
  record.trace_id = trace_id;
  if (span != nullptr) record.span_id = span->span_id();
  record.fields = std::move(fields);
  if (suppressed != 0) record.fields.emplace_back("suppressed", std::to_string(suppressed));

  const std::string line = format_log_line(record, settings_);
  for (const auto& sink : sinks_)
    if (admitted || sink->keeps_traced_problems()) sink->write(record, line);
}

std::uint64_t Logger::suppressed_total() const {
  const std::lock_guard lock(mutex_);
  return suppressed_total_;
}

bool Logger::admit(std::string_view key, std::uint64_t& suppressed) {
  if (settings_.repeat_window.count() <= 0 || settings_.repeats_per_window <= 0) return true;
  const std::lock_guard lock(mutex_);
  // Read under the lock so windows start in list order, oldest first.
  const Clock::time_point now = clock_.now();

  auto found = repeats_by_key_.find(key);
  if (found == repeats_by_key_.end()) {
    if (repeats_.size() >= kMaxRepeatKeys) {
      repeats_by_key_.erase(repeats_.front().key);
      repeats_.pop_front();
    }
    repeats_.push_back(Repeats{std::string(key), now, 1, 0});
    repeats_by_key_.emplace(repeats_.back().key, std::prev(repeats_.end()));
    return true;
  }

  const auto entry = found->second;
  if (now - entry->window_start >= settings_.repeat_window) {
    entry->window_start = now;
    entry->written = 0;
    repeats_.splice(repeats_.end(), repeats_, entry);
  }
  if (entry->written < settings_.repeats_per_window) {
    ++entry->written;
    suppressed = entry->suppressed;
    entry->suppressed = 0;
    return true;
  }
  ++entry->suppressed;
  ++suppressed_total_;
  return false;
}

}  // namespace srelab::telemetry
