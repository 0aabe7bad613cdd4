#include "catalog/product.hpp"

#include <cstdio>

#include "core/json_string.hpp"

namespace srelab::catalog {

std::string_view to_string(Source source) {
  switch (source) {
    case Source::cache:
      return "cache";
    case Source::database:
      return "database";
    case Source::fallback_emergency:
      return "fallback_emergency";
  }
  return "unknown";
}

std::string render_product_json(const Product& product) {
  std::string out;
  out.reserve(128 + product.name.size() + product.description.size());
  out += "{\"id\":";
  out += std::to_string(product.id);
  out += ",\"name\":";
  append_json_string(out, product.name);
  out += ",\"description\":";
  append_json_string(out, product.description);
  out += ",\"category\":";
  append_json_string(out, product.category);
  out += ",\"price\":";
  out += product.price.empty() ? std::string_view("null") : std::string_view(product.price);
  out += '}';
  return out;
}

std::string with_source(std::string_view product_json, Source source) {
  const std::string_view tag = to_string(source);
  std::string out;
  out.reserve(product_json.size() + tag.size() + 12);
  out.append(product_json.substr(0, product_json.size() - 1));  // drop the closing brace
  out += ",\"source\":\"";
  out += tag;
  out += "\"}";
  return out;
}

std::string with_stale_source(std::string_view product_json, double age_seconds) {
  char age[32];
  std::snprintf(age, sizeof age, "%.3f", age_seconds < 0 ? 0.0 : age_seconds);
  std::string out;
  out.reserve(product_json.size() + 72);
  out.append(product_json.substr(0, product_json.size() - 1));
  out += ",\"source\":\"fallback_emergency\",\"stale\":true,\"stale_age_s\":";
  out += age;
  out += '}';
  return out;
}

std::string render_emergency_json(std::int32_t id) {
  return "{\"id\":" + std::to_string(id) +
         ",\"name\":null,\"description\":null,\"category\":null,\"price\":null,"
         "\"unavailable\":[\"name\",\"description\",\"category\",\"price\"]}";
}

std::string with_emergency_source(std::string_view emergency_json) {
  std::string out;
  out.reserve(emergency_json.size() + 48);
  out.append(emergency_json.substr(0, emergency_json.size() - 1));
  out += ",\"source\":\"fallback_emergency\",\"stale\":null}";
  return out;
}

}  // namespace srelab::catalog
