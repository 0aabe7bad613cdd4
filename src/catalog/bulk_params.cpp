#include "catalog/bulk_params.hpp"

#include <charconv>
#include <limits>
#include <string>

#include "core/random.hpp"

namespace srelab::catalog {
namespace {

bool parse_integer(std::string_view text, long long min, long long max, long long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size() && out >= min &&
         out <= max;
}

}  // namespace

std::optional<BulkParams> parse_bulk_params(std::string_view query, FieldError& error) {
  BulkParams params;
  long long concurrency = 0;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    long long number = 0;
    auto fail = [&](std::string expected) {
      error = {std::string(key),
               std::string(key) + " must be " + expected + ", got '" + std::string(value) + "'"};
      return std::nullopt;
    };
    if (key == "requests") {
      if (!parse_integer(value, 1, 1000, number)) return fail("an integer in 1..1000");
      params.requests = static_cast<int>(number);
    } else if (key == "concurrency") {
      if (!parse_integer(value, 1, 1000, number)) return fail("an integer in 1..1000");
      concurrency = number;
    } else if (key == "id_min" || key == "id_max") {
      if (!parse_integer(value, 1, 2147483647, number)) return fail("an integer in 1..2147483647");
      (key == "id_min" ? params.id_min : params.id_max) = static_cast<std::int32_t>(number);
    } else if (key == "seed") {
      if (!parse_integer(value, 0, static_cast<long long>(kMaxSeed), number))
        return fail("an integer in 0.." + std::to_string(kMaxSeed));
      params.seed = static_cast<std::uint64_t>(number);
    } else {
      error = {std::string(key), "unknown parameter '" + std::string(key) +
                                     "': expected requests, concurrency, id_min, id_max, seed"};
      return std::nullopt;
    }
  }
  if (concurrency > params.requests) {
    error = {"concurrency", "concurrency must be at most requests (" +
                                std::to_string(params.requests) + "), got " +
                                std::to_string(concurrency)};
    return std::nullopt;
  }
  if (params.id_min > params.id_max) {
    error = {"id_min", "id_min must not exceed id_max (" + std::to_string(params.id_max) + ")"};
    return std::nullopt;
  }
  params.concurrency = concurrency == 0 ? params.requests : static_cast<int>(concurrency);
  return params;
}

}  // namespace srelab::catalog
