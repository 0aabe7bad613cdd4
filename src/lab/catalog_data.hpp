// The catalog's schema and its deterministic seed: the same seed gives the same rows
// (id, name, description, category, price, updated_at) on every machine.
#pragma once

#include <cstdint>
#include <string>

#include "core/errc.hpp"

namespace srelab::lab {

struct SeedSettings {
  std::uint64_t seed = 42;
  int products = 10'000;
};

// Creates the products table if missing and fills it when it is empty (one transaction), using
// a blocking libpq connection: this runs once at start-up, not on the request path.
// On failure, `error` gets a one-line explanation.
result<void> prepare_catalog(const std::string& conninfo, const SeedSettings& seed,
                             std::string& error);

}  // namespace srelab::lab
