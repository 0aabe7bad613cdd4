// The console's recent log lines: the logger hands each LogRecord to add() (besides writing it
// as a JSON line); the console API lists them newest first with filters. Each record gets a
// sequence number, 1, 2, 3… in arrival order, so the browser polls for what is new with
// after_sequence = the last number it saw (LogPage::last_sequence).
// Bounded by a record count and an estimated byte budget; the oldest lines go first.
// It also counts the lines the Logger's repeat limit kept from stdout and the log file
// (count_suppressed), so the logs tab can say what it cannot show there; a traced warning or
// error reaches the store even then (Logger).
// Thread-safe: add() runs on any thread and takes the lock only to append and trim; list() scans
// under the lock, newest first, and stops at after_sequence or the limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "telemetry/logging/log_record.hpp"

namespace srelab::console {

struct LogStoreSettings {
  std::size_t max_records = 5000;
  std::size_t max_bytes = 4u << 20;  // estimated (estimate_bytes); a record above it is not kept
};

// Every member has an initializer, so a caller's designated initializer may leave any out
// (GCC's -Wmissing-field-initializers asks for it).
struct LogFilter {
  telemetry::LogLevel min_level = telemetry::LogLevel::debug;
  std::string text{};      // case-insensitive substring of the message, the logger or a field's
                           // value text; "" = any
  std::string trace_id{};  // 32 lowercase hex digits (the console's spelling), or the 16 of the
                           // low half (what Datadog shows); "" = any. Anything else matches nothing
  std::size_t limit = 200;
  std::uint64_t after_sequence = 0;  // only records with a larger sequence; 0 = all
};

struct StoredLog {
  std::uint64_t sequence = 0;
  telemetry::LogRecord record;
};

struct LogPage {
  // Newest first. When more than `limit` match, these are the newest `limit` of them: a poller
  // that fell that far behind skips the older ones rather than getting a stale page.
  std::vector<StoredLog> records;
  std::uint64_t last_sequence = 0;  // the highest sequence given so far (0: none): poll with it
  std::uint64_t suppressed = 0;     // LogStoreStats::suppressed, read with the page
};

struct LogStoreStats {
  std::size_t records = 0;
  std::size_t bytes = 0;
  std::uint64_t evicted = 0;   // records dropped to stay within the bounds
  std::uint64_t rejected = 0;  // records above max_bytes on their own
  std::uint64_t last_sequence = 0;
  // Lines the Logger's repeat limit kept from stdout and the log file (traced problems among
  // them are still here).
  std::uint64_t suppressed = 0;
};

// What a record is estimated to occupy: the struct, its strings and fields.
std::size_t estimate_bytes(const telemetry::LogRecord& record);

class LogStore {
 public:
  // Throws std::invalid_argument when max_records or max_bytes is 0: a wiring bug.
  explicit LogStore(LogStoreSettings settings = {});
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  // Returns the record's sequence number; 0 when it was rejected (too large).
  std::uint64_t add(telemetry::LogRecord record);
  void count_suppressed();

  LogPage list(const LogFilter& filter) const;
  LogStoreStats stats() const;
  const LogStoreSettings& settings() const { return settings_; }

 private:
  struct Entry {
    StoredLog log;
    std::size_t bytes;
  };

  const LogStoreSettings settings_;
  mutable std::mutex mutex_;
  std::deque<Entry> entries_;  // oldest first
  std::size_t bytes_ = 0;
  std::uint64_t last_sequence_ = 0;
  std::uint64_t evicted_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace srelab::console
