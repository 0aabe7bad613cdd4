#include "console/log_store.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace srelab::console {
namespace {

bool contains_ignoring_case(std::string_view text, std::string_view part) {
  const auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

// What the filter's trace id asks for, parsed once per list().
struct TraceIdWanted {
  bool any = true;
  bool low_only = false;
  std::optional<telemetry::TraceId> id;  // empty: an id that matches nothing
};

TraceIdWanted parse_wanted(std::string_view text) {
  TraceIdWanted wanted;
  if (text.empty()) return wanted;
  wanted.any = false;
  if (text.size() == 16) {
    if (const auto low = telemetry::parse_hex16(text)) {
      wanted.low_only = true;
      wanted.id = telemetry::TraceId{0, *low};
    }
    return wanted;
  }
  wanted.id = telemetry::parse_trace_id_hex(text);
  return wanted;
}

bool matches_trace(const telemetry::TraceId& id, const TraceIdWanted& wanted) {
  if (wanted.any) return true;
  if (!wanted.id || id.is_zero()) return false;
  return wanted.low_only ? id.low == wanted.id->low : id == *wanted.id;
}

bool matches_text(const telemetry::LogRecord& record, std::string_view text) {
  if (text.empty() || contains_ignoring_case(record.message, text) ||
      contains_ignoring_case(record.logger, text))
    return true;
  return std::any_of(record.fields.begin(), record.fields.end(),
                     [&](const auto& field) { return contains_ignoring_case(field.second, text); });
}

}  // namespace

std::size_t estimate_bytes(const telemetry::LogRecord& record) {
  std::size_t bytes = sizeof(StoredLog) + record.logger.size() + record.message.size();
  for (const auto& [key, value] : record.fields)
    bytes += sizeof(std::pair<std::string, std::string>) + key.size() + value.size();
  return bytes;
}

LogStore::LogStore(LogStoreSettings settings) : settings_(settings) {
  if (settings_.max_records == 0 || settings_.max_bytes == 0)
    throw std::invalid_argument("LogStore: max_records and max_bytes must be above 0");
}

std::uint64_t LogStore::add(telemetry::LogRecord record) {
  const std::size_t bytes = estimate_bytes(record);
  std::lock_guard lock(mutex_);
  if (bytes > settings_.max_bytes) {
    ++rejected_;
    return 0;
  }
  entries_.push_back(Entry{StoredLog{++last_sequence_, std::move(record)}, bytes});
  bytes_ += bytes;
  while (entries_.size() > settings_.max_records || bytes_ > settings_.max_bytes) {
    bytes_ -= entries_.front().bytes;
    entries_.pop_front();
    ++evicted_;
  }
  return last_sequence_;
}

void LogStore::count_suppressed() {
  std::lock_guard lock(mutex_);
  ++suppressed_;
}

LogPage LogStore::list(const LogFilter& filter) const {
  const TraceIdWanted wanted = parse_wanted(filter.trace_id);
  LogPage page;
  std::lock_guard lock(mutex_);
  page.last_sequence = last_sequence_;
  page.suppressed = suppressed_;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (page.records.size() >= filter.limit || it->log.sequence <= filter.after_sequence) break;
    const telemetry::LogRecord& record = it->log.record;
    if (record.level < filter.min_level || !matches_trace(record.trace_id, wanted) ||
        !matches_text(record, filter.text))
      continue;
    page.records.push_back(it->log);
  }
  return page;
}

LogStoreStats LogStore::stats() const {
  std::lock_guard lock(mutex_);
  LogStoreStats stats;
  stats.records = entries_.size();
  stats.bytes = bytes_;
  stats.evicted = evicted_;
  stats.rejected = rejected_;
  stats.last_sequence = last_sequence_;
  stats.suppressed = suppressed_;
  return stats;
}

}  // namespace srelab::console
