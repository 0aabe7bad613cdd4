// The Prometheus text exposition format 0.0.4, the body of GET /metrics: per family a # HELP
// line (escaped), a # TYPE line and its samples as one contiguous group; histograms as cumulative
// _bucket{le="…"} lines in increasing order ending with le="+Inf", then _sum and _count. No
// timestamps: Prometheus stamps samples at scrape time. Families come ordered by name, series
// by label values, so the text is stable from scrape to scrape.
#pragma once

#include <string>
#include <string_view>

#include "telemetry/metrics/registry.hpp"

namespace srelab::telemetry {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

std::string render_prometheus(const Registry& registry);
std::string render_prometheus(const RegistrySnapshot& snapshot);

// The escapes of the format: in help text '\' and newline; in label values also '"'.
std::string escape_help(std::string_view text);
std::string escape_label_value(std::string_view text);

}  // namespace srelab::telemetry
