// The catalog's seed rows as a pure function of (seed, id): no I/O, so unit tests check it
// directly and prepare_catalog streams it into Postgres with COPY. The same seed gives the
// same rows on every machine (SplitMix64 from core/random.hpp, no locale or platform input).
#pragma once

#include <cstdint>
#include <string>

namespace srelab::lab {

struct ProductRow {
  int id = 0;
  std::string name;                  // e.g. "Sturdy Kettle K-482"
  std::string description;           // one sentence
  std::string category;              // one of kProductCategories
  std::int64_t price_cents = 0;      // 100 .. 99'999 (1.00 .. 999.99)
  std::int64_t updated_at_unix = 0;  // seconds, at or before kSeedBaseTimeUnix

  bool operator==(const ProductRow&) const = default;
};

inline constexpr int kProductCategoryCount = 10;
extern const char* const kProductCategories[kProductCategoryCount];
inline constexpr std::int64_t kSeedBaseTimeUnix = 1'704'067'200;  // 2024-01-01 00:00:00 UTC
inline constexpr std::int64_t kSeedMaxAgeSeconds = 365LL * 24 * 3600;

ProductRow generate_product(std::uint64_t seed, int id);

std::string format_price(std::int64_t cents);             // "12.34"
std::string format_timestamp(std::int64_t unix_seconds);  // "2023-05-06 07:08:09+00"

// The row as one line of COPY's text format (tab-separated, escaped, ending in '\n'), in the
// column order id, name, description, category, price, updated_at.
std::string copy_line(const ProductRow& row);

}  // namespace srelab::lab
