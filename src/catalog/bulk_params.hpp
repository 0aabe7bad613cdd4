// The query string of GET /products/bulk/test, parsed and checked: outside input, read apart from
// the bulk test's run (catalog/bulk_test) so that the simulator's target and the fuzz targets
// parse it without the service.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/field_error.hpp"

namespace srelab::catalog {

struct BulkParams {
  int requests = 10;    // 1..1000
  int concurrency = 0;  // 1..requests; 0 = requests
  std::int32_t id_min = 1;
  std::int32_t id_max = 10'000;
  std::optional<std::uint64_t> seed;  // the ids drawn; a fresh seed per call when absent
};

// From the query string ("requests=15&concurrency=5"); an unknown or bad parameter → error.
std::optional<BulkParams> parse_bulk_params(std::string_view query, FieldError& error);

}  // namespace srelab::catalog
