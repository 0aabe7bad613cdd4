// A catalog product and its JSON form. The JSON without "source" is what the cache stores, so a
// cache hit is answered by splicing the source into the stored bytes, without parsing them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace srelab::catalog {

struct Product {
  std::int32_t id = 0;
  std::string name;
  std::string description;
  std::string category;
  std::string price;  // numeric(10,2) as Postgres prints it, e.g. "12.50": exact, never a double
};

enum class Source { cache, database, fallback_emergency };

std::string_view to_string(Source source);

// {"id":1,"name":"…","description":"…","category":"…","price":12.50}
std::string render_product_json(const Product& product);

// `product_json` with ,"source":"<source>" inserted before its closing brace.
std::string with_source(std::string_view product_json, Source source);

// A stale copy served by the fallback: ,"source":"fallback_emergency","stale":true,
// "stale_age_s":<age> inserted before the closing brace.
std::string with_stale_source(std::string_view product_json, double age_seconds);

// What the fallback answers when it holds no copy of the product: the product's own keys, each
// field it cannot give null and named in "unavailable", so a client reading a product finds every
// key it knows and can tell an emergency record from a product without a price:
// {"id":7,"name":null,"description":null,"category":null,"price":null,
//  "unavailable":["name","description","category","price"]}
std::string render_emergency_json(std::int32_t id);

// The emergency record as served: ,"source":"fallback_emergency","stale":null inserted before the
// closing brace ("stale" is null, not false: nothing was served, neither fresh nor stale).
std::string with_emergency_source(std::string_view emergency_json);

}  // namespace srelab::catalog
