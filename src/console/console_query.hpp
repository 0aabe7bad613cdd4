// The query strings of the console API, parsed and validated before a store is asked: each GET's
// parameters become the store's filter, or an error naming the parameter and what it accepts
// (the routes answer it as 422 {"error","detail","key"}, like the bulk test's). Values are
// percent-decoded, '+' read as a space (what browsers' forms and URLSearchParams send); an unknown
// parameter is an error too, so a typo is not silently ignored. A repeated parameter: the last
// one counts.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "console/log_store.hpp"
#include "console/trace_store.hpp"
#include "core/clock.hpp"
#include "core/field_error.hpp"

namespace srelab::console {

inline constexpr std::size_t kMaxTraceLimit = 500;
inline constexpr std::size_t kMaxLogLimit = 1000;
inline constexpr std::size_t kMaxFilterText = 256;  // resource, tag and text, in bytes

// "a=1&b=x%20y" → {{"a","1"},{"b","x y"}}; empty pairs are skipped, a key without '=' has the
// value "". nullopt (error naming the key) for a malformed percent escape.
std::optional<std::vector<std::pair<std::string, std::string>>> decode_query(std::string_view query,
                                                                             FieldError& error);

// GET /console/api/traces: status=any|ok|error, min_ms=<number ≥ 0>, resource=<substring>,
// tag=<key[:value]>, limit=<1..500, default 50>.
std::optional<TraceFilter> parse_trace_query(std::string_view query, FieldError& error);

// GET /console/api/logs: level=debug|info|warning|error (the lowest shown, default debug),
// text=<substring>, trace_id=<32 or 16 hex digits, either case>, after=<sequence>,
// limit=<1..1000, default 200>.
std::optional<LogFilter> parse_log_query(std::string_view query, FieldError& error);

// GET /console/api/timeline: since=<ms since the Unix epoch, an integer ≥ 0>, as the wall time
// to give to MetricTimeline::points (the last nanosecond of that millisecond, so that a poller
// passing the last time it got does not get that point again); absent: everything.
std::optional<Clock::wall_time> parse_timeline_query(std::string_view query, FieldError& error);

// A trace id as the API takes it: 32 hex digits in either case, returned in lowercase (the
// stores' spelling); nullopt otherwise.
std::optional<std::string> normalize_trace_id(std::string_view text);

}  // namespace srelab::console
