#include "lab/catalog_seed.hpp"

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "core/random.hpp"

namespace srelab::lab {

const char* const kProductCategories[kProductCategoryCount] = {
    "Kitchen", "Garden", "Tools",  "Electronics", "Outdoor",
    "Office",  "Toys",   "Sports", "Bathroom",    "Lighting"};

namespace {

constexpr std::array kAdjectives = {
    "Sturdy", "Compact",  "Deluxe", "Classic",    "Smart",   "Rugged",  "Sleek", "Premium",
    "Eco",    "Portable", "Quiet",  "Heavy-Duty", "Modular", "Vintage", "Ultra", "Everyday"};
struct Kind {
  const char* noun;
  const char* category;  // one of kProductCategories
};
// Two kinds per category, so a category follows from the noun and names stay plausible.
constexpr std::array<Kind, 20> kKinds = {
    {{"Kettle", "Kitchen"},      {"Blender", "Kitchen"},    {"Hose", "Garden"},
     {"Rake", "Garden"},         {"Drill", "Tools"},        {"Wrench", "Tools"},
     {"Speaker", "Electronics"}, {"Router", "Electronics"}, {"Tent", "Outdoor"},
     {"Backpack", "Outdoor"},    {"Notebook", "Office"},    {"Desk Chair", "Office"},
     {"Kite", "Toys"},           {"Puzzle", "Toys"},        {"Racket", "Sports"},
     {"Bicycle", "Sports"},      {"Mirror", "Bathroom"},    {"Towel Rail", "Bathroom"},
     {"Lamp", "Lighting"},       {"Lantern", "Lighting"}}};
constexpr std::array kQualities = {"sturdy",        "quiet",    "lightweight", "durable",
                                   "energy-saving", "foldable", "reliable",    "handsome"};
constexpr std::array kMaterials = {"recycled aluminium", "oak",
                                   "stainless steel",    "bamboo",
                                   "ABS plastic",        "tempered glass",
                                   "organic cotton",     "carbon fibre"};
constexpr std::array kUses = {"daily use",    "small apartments", "weekend trips", "busy kitchens",
                              "home offices", "the workshop",     "families",      "beginners"};

template <class Array>
const char* pick(Random& random, const Array& choices) {
  return choices[random.between(0, choices.size() - 1)];
}

// Each row has its own stream, so a row does not depend on the ones before it.
Random stream_for(std::uint64_t seed, int id) {
  Random mixer(seed);
  return Random(mixer.next() ^ (static_cast<std::uint64_t>(id) * 0xd1b54a32d192ed03ULL));
}

}  // namespace

ProductRow generate_product(std::uint64_t seed, int id) {
  Random random = stream_for(seed, id);
  ProductRow row;
  row.id = id;
  const char* adjective = pick(random, kAdjectives);
  const Kind& kind = kKinds[random.between(0, kKinds.size() - 1)];
  const auto model = random.between(100, 999);
  row.name =
      std::string(adjective) + " " + kind.noun + " " + kind.noun[0] + "-" + std::to_string(model);
  row.category = kind.category;
  std::string thing = kind.noun;
  for (char& c : thing) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  row.description = std::string("A ") + pick(random, kQualities) + " " + thing + " for " +
                    pick(random, kUses) + ", made of " + pick(random, kMaterials) + ".";
  row.price_cents = static_cast<std::int64_t>(random.between(100, 99'999));
  row.updated_at_unix =
      kSeedBaseTimeUnix - static_cast<std::int64_t>(random.between(0, kSeedMaxAgeSeconds));
  return row;
}

std::string format_price(std::int64_t cents) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return text;
}

std::string format_timestamp(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S+00", &utc);
  return text;
}

namespace {

// COPY text format: backslash, tab, newline and carriage return must be escaped.
void append_escaped(std::string& out, const std::string& field) {
  for (const char c : field) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace

std::string copy_line(const ProductRow& row) {
  std::string line = std::to_string(row.id);
  line += '\t';
  append_escaped(line, row.name);
  line += '\t';
  append_escaped(line, row.description);
  line += '\t';
  append_escaped(line, row.category);
  line += '\t';
  line += format_price(row.price_cents);
  line += '\t';
  line += format_timestamp(row.updated_at_unix);
  line += '\n';
  return line;
}

}  // namespace srelab::lab
