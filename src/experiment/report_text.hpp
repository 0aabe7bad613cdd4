// How the experiment reports write numbers and user text: durations with a unit people read
// (1.2 ms, 1.03 s), shares as percents (12.5 %), counts with thousands separators, and the
// escaping that keeps text from an experiment file inert in HTML and in a Markdown table. Used by
// the report writers (report_markdown, report_html), their tables and the SVG charts. A missing
// number (NaN) prints as "–" everywhere, so a run cut short still reads as a table.
#pragma once

#include <boost/json/value.hpp>
#include <span>
#include <string>
#include <string_view>

namespace srelab::experiment {

inline constexpr std::string_view kNoValue = "–";

std::string format_seconds(double seconds);  // 0.45 ms, 2.1 ms, 250 ms, 1.03 s, 62.3 s
std::string format_percent(double ratio);    // 0 %, 0.42 %, 12.5 %, 100 %
std::string format_count(double count);      // 1,480 (rounded to a whole number)
std::string format_bytes(double bytes);      // 512 B, 12.0 MiB
std::string format_plain(double value);      // 3 significant digits, no exponent below 1e9
// A value in the unit the journal names: "s", "ratio", "bytes", anything else as a number.
std::string format_value(double value, std::string_view unit);

// "2026-12-02T04:10:00.123456" → "2026-12-02 04:10:00 UTC"; anything else as it came.
std::string format_timestamp(std::string_view iso);

// A JSON value as one short line: strings without quotes, the rest as JSON, cut to `limit`
// characters with "…" (at a UTF-8 character boundary).
std::string short_json(const boost::json::value& value, std::size_t limit = 120);

// Text for HTML content and attribute values: & < > " ' escaped.
std::string html_escape(std::string_view text);
// Text for one Markdown table cell or list line: no line breaks, '|' escaped, and a '<' that
// could open a tag as &lt; so that no user text becomes raw HTML in a renderer.
std::string markdown_text(std::string_view text);

// Whether a link from the journal may be followed from a report: http:// or https:// only (a
// "javascript:" URL in a journal must not become a live link).
bool is_web_url(std::string_view url);

// A one-line sketch of a series with ▁▂▃▄▅▆▇█ between its smallest and largest value; a gap
// (NaN) is a space. Longer series are cut into at most `width` buckets, each showing its largest
// value (peaks are what a reader looks for).
std::string sparkline(std::span<const double> values, std::size_t width = 60);

}  // namespace srelab::experiment
