// The MessagePack reader: decode_v04 (telemetry/datadog/datadog_payload), which reads a Datadog
// v0.4 trace body as the agent receives it (the tests' and the benchmark's stand-in agents read
// the exporter's bodies with it). Any bytes either decode to traces or are a protocol error; the
// traces, encoded again, decode, and encoding those gives the same bytes (a fixed point: it holds
// for NaN metrics too, where comparing the doubles would not).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/check.hpp"
#include "telemetry/datadog/datadog_payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace srelab::telemetry;
  const auto traces = decode_v04(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!traces) return 0;
  const std::string encoded = encode_v04(*traces);
  const auto again = decode_v04(encoded);
  FUZZ_CHECK(again.has_value(), "an encoded body decodes");
  FUZZ_CHECK(again->size() == traces->size(), "every trace comes back");
  FUZZ_CHECK(encode_v04(*again) == encoded, "encoding is a fixed point of decoding");
  return 0;
}
