// The settings parsers of the admin endpoints: POST /chaos/configure and /resilience/configure
// bodies (JSON) and the query string of GET /products/bulk/test. The first byte picks the parser,
// the rest is the input. A body that is accepted must describe a fixed point: the merged settings,
// written back (to_json, or the query as a client would write it) and read again, are the same
// settings; a refused one names the field at fault, or the body.
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/bulk_params.hpp"
#include "chaos/chaos_settings.hpp"
#include "fuzz/check.hpp"
#include "resilience/resilience_settings.hpp"

namespace {

using srelab::FieldError;

void check_refusal(const FieldError& error) {
  FUZZ_CHECK(!error.detail.empty(), "a refusal says what is wrong");
  // A field refusal names its key, which may be the empty key ("=1" in a query string).
  FUZZ_CHECK(error.kind == FieldError::Kind::field || error.key.empty(),
             "a body refusal names no key");
}

void chaos_body(std::string_view body) {
  using namespace srelab::chaos;
  FieldError error;
  const auto merged = merge_chaos_settings(ChaosSettings{}, body, error);
  if (!merged) return check_refusal(error);
  const std::string written = boost::json::serialize(to_json(*merged));
  FieldError again_error;
  const auto again = merge_chaos_settings(ChaosSettings{}, written, again_error);
  FUZZ_CHECK(again.has_value(), "the chaos settings as written are accepted");
  FUZZ_CHECK(*again == *merged, "the chaos settings round-trip through to_json");
  const auto unchanged = merge_chaos_settings(*merged, "{}", again_error);
  FUZZ_CHECK(unchanged && *unchanged == *merged, "an empty body changes nothing");
}

void resilience_body(std::string_view body) {
  using namespace srelab::resilience;
  FieldError error;
  const auto merged = merge_resilience_settings(ResilienceSettings{}, body, error);
  if (!merged) return check_refusal(error);
  const boost::json::object written = to_json(*merged);
  FieldError again_error;
  const auto again =
      merge_resilience_settings(ResilienceSettings{}, boost::json::serialize(written), again_error);
  FUZZ_CHECK(again.has_value(), "the resilience settings as written are accepted");
  FUZZ_CHECK(to_json(*again) == written, "the resilience settings round-trip through to_json");
}

void bulk_query(std::string_view query) {
  using namespace srelab::catalog;
  FieldError error;
  const auto params = parse_bulk_params(query, error);
  if (!params) return check_refusal(error);
  FUZZ_CHECK(params->requests >= 1 && params->requests <= 1000, "requests in 1..1000");
  FUZZ_CHECK(params->concurrency >= 1 && params->concurrency <= params->requests,
             "concurrency in 1..requests");
  FUZZ_CHECK(params->id_min >= 1 && params->id_min <= params->id_max, "1 <= id_min <= id_max");
  std::string written = "requests=" + std::to_string(params->requests) +
                        "&concurrency=" + std::to_string(params->concurrency) +
                        "&id_min=" + std::to_string(params->id_min) +
                        "&id_max=" + std::to_string(params->id_max);
  if (params->seed) written += "&seed=" + std::to_string(*params->seed);
  const auto again = parse_bulk_params(written, error);
  FUZZ_CHECK(again.has_value(), "the bulk parameters as written are accepted");
  FUZZ_CHECK(again->requests == params->requests && again->concurrency == params->concurrency &&
                 again->id_min == params->id_min && again->id_max == params->id_max &&
                 again->seed == params->seed,
             "the bulk parameters round-trip through the query string");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      chaos_body(input);
      break;
    case 1:
      resilience_body(input);
      break;
    default:
      bulk_query(input);
      break;
  }
  return 0;
}
