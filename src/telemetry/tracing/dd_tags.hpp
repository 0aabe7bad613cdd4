// DD_TAGS, the tags every span carries: `key:value` pairs separated by commas or spaces, as
// Datadog tracers read it. A pair without ':' is a key with an empty value; empty items and
// items with an empty key are skipped. Used by the tracer settings and the OTLP resource.
#pragma once

#include <string_view>

#include "telemetry/tracing/propagation.hpp"

namespace srelab::telemetry {

TagList parse_dd_tags(std::string_view text);

}  // namespace srelab::telemetry
