#include "gateway/access_log.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "telemetry/tracing/propagation.hpp"
#include "telemetry/tracing/trace_id.hpp"

namespace srelab::gateway {
namespace {

// HAProxy writes "-" for an empty string.
std::string_view text(const boost::json::object& line, std::string_view key) {
  const auto* value = line.if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  const std::string_view found = value->get_string();
  return found == "-" ? std::string_view() : found;
}

// A timing or a status: an integer in -1..2^31-1, else nullopt.
std::optional<int> integer(const boost::json::object& line, std::string_view key) {
  const auto* value = line.if_contains(key);
  if (value == nullptr || !value->is_int64()) return std::nullopt;
  const std::int64_t number = value->get_int64();
  if (number < -1 || number > 0x7fffffff) return std::nullopt;
  return static_cast<int>(number);
}

// _dd.p.tid (16 lowercase hex digits) from x-datadog-tags' comma-separated k=v pairs; 0 when
// absent or malformed. The service's rules are stricter (a malformed pair voids every tag), which
// only matters for a caller's broken header, not for the gateway's own.
std::uint64_t trace_id_high(std::string_view tags) {
  if (tags.size() > telemetry::kMaxDatadogTagsBytes) return 0;
  constexpr std::string_view key = "_dd.p.tid=";
  while (!tags.empty()) {
    const std::size_t comma = tags.find(',');
    const std::string_view tag = tags.substr(0, comma);
    if (tag.starts_with(key)) return telemetry::parse_hex16(tag.substr(key.size())).value_or(0);
    if (comma == std::string_view::npos) break;
    tags.remove_prefix(comma + 1);
  }
  return 0;
}

}  // namespace

std::optional<AccessLogRecord> parse_access_log_line(std::string_view line) {
  if (line.empty() || line.front() != '{') return std::nullopt;  // HAProxy's own messages
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(line, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto& object = parsed.get_object();
  AccessLogRecord record;
  const auto status = integer(object, "status");
  const auto ta = integer(object, "Ta");
  if (!status || !ta) return std::nullopt;  // not a request line
  record.status = *status;
  record.ta_ms = *ta;
  record.tq_ms = integer(object, "Tq").value_or(-1);
  record.tw_ms = integer(object, "Tw").value_or(-1);
  record.tc_ms = integer(object, "Tc").value_or(-1);
  record.tr_ms = integer(object, "Tr").value_or(-1);
  record.request_id = text(object, "request_id");
  record.method = text(object, "method");
  record.path = text(object, "path");
  record.termination = text(object, "termination");
  record.trace_id = trace_id_of(text(object, "x_trace_id"), text(object, "dd_trace_id"),
                                text(object, "dd_tags"), text(object, "traceparent"));
  return record;
}

std::string trace_id_of(std::string_view x_trace_id, std::string_view dd_trace_id,
                        std::string_view dd_tags, std::string_view traceparent) {
  if (telemetry::parse_trace_id_hex(x_trace_id)) return std::string(x_trace_id);
  if (const auto low = telemetry::parse_decimal_u64(dd_trace_id); low && *low != 0)
    return telemetry::to_hex(telemetry::TraceId{trace_id_high(dd_tags), *low});
  // 00-<32 hex trace id>-<16 hex parent>-<2 hex flags>
  if (traceparent.size() >= 55 && traceparent[2] == '-' && traceparent[35] == '-') {
    const std::string_view id = traceparent.substr(3, 32);
    if (const auto parsed = telemetry::parse_trace_id_hex(id); parsed && !parsed->is_zero())
      return std::string(id);
  }
  return {};
}

}  // namespace srelab::gateway
