// Trace context extraction (telemetry/tracing/propagation) from the headers a caller sends:
// traceparent, tracestate and x-datadog-*. The input is header lines, "name:value" each (names
// lowercase, as the server's lookup asks for them). A context extracted and injected again
// extracts to the same trace id, parent id, sampling priority and origin (the origin as far as
// the headers can carry it).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/check.hpp"
#include "telemetry/tracing/propagation.hpp"

namespace {

using namespace srelab::telemetry;

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers header_lines(std::string_view input) {
  Headers headers;
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return headers;
}

// The first header of that name, as an HTTP server's field lookup answers.
HeaderLookup lookup(const Headers& headers) {
  return [&headers](std::string_view name) -> std::optional<std::string_view> {
    for (const auto& [key, value] : headers)
      if (key == name) return std::string_view(value);
    return std::nullopt;
  };
}

// What a tracestate value holds as it is (propagation.cpp's tracestate_value keeps it).
bool tracestate_safe(std::string_view text) {
  for (const char c : text)
    if (c < 0x20 || c > 0x7e || c == ',' || c == ';' || c == '~' || c == '=') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Headers headers = header_lines(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto datadog = extract_datadog(lookup(headers));
  const auto w3c = extract_w3c(lookup(headers));
  const auto context = extract(lookup(headers));
  FUZZ_CHECK(context.has_value() == (datadog || w3c),
             "extract() finds a context when a style does");
  if (!context) return 0;
  FUZZ_CHECK(!context->trace_id.is_zero(), "an extracted trace id is not zero");
  FUZZ_CHECK(context->trace_id == (datadog ? datadog->trace_id : w3c->trace_id),
             "Datadog's headers win over W3C's");

  const TagList injected = inject(*context);
  const Headers sent(injected.begin(), injected.end());
  const auto again = extract(lookup(sent));
  FUZZ_CHECK(again.has_value(), "an injected context extracts");
  FUZZ_CHECK(again->trace_id == context->trace_id, "the trace id round-trips");
  FUZZ_CHECK(again->parent_id == context->parent_id, "the parent id round-trips");
  FUZZ_CHECK(again->sampling_priority == context->sampling_priority,
             "the sampling priority round-trips");
  // Without a low half the context travels in W3C headers only, and tracestate cannot carry
  // every byte: inject replaces what its charset lacks with '_', as Datadog's tracers do.
  if (context->trace_id.low != 0 || tracestate_safe(context->origin))
    FUZZ_CHECK(again->origin == context->origin, "the origin round-trips");
  return 0;
}
