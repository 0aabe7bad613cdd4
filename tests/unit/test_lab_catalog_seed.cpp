// The catalog seed is a pure function of (seed, id): same input, same row; rows spread over
// their ranges; the COPY line is what Postgres' text format expects.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "lab/catalog_seed.hpp"

namespace srelab::lab {
namespace {

TEST(CatalogSeed, SameSeedAndIdGiveTheSameRow) {
  for (int id : {1, 2, 500, 10'000}) {
    EXPECT_EQ(generate_product(42, id), generate_product(42, id)) << "id " << id;
  }
}

TEST(CatalogSeed, RowDoesNotDependOnWhatWasGeneratedBefore) {
  const ProductRow alone = generate_product(42, 777);
  for (int id = 1; id < 777; ++id) generate_product(42, id);
  EXPECT_EQ(generate_product(42, 777), alone);
}

TEST(CatalogSeed, DifferentIdsAndSeedsGiveDifferentRows) {
  std::set<std::string> names;
  for (int id = 1; id <= 200; ++id) names.insert(generate_product(42, id).name);
  EXPECT_GT(names.size(), 150u) << "names should rarely repeat";

  int differing = 0;
  for (int id = 1; id <= 50; ++id) {
    const ProductRow a = generate_product(42, id);
    const ProductRow b = generate_product(43, id);
    differing += (a.name != b.name || a.price_cents != b.price_cents) ? 1 : 0;
  }
  EXPECT_GE(differing, 45);
}

TEST(CatalogSeed, FieldsStayInRange) {
  const auto* first = std::begin(kProductCategories);
  const auto* last = std::end(kProductCategories);
  std::set<std::string> categories;
  for (int id = 1; id <= 2'000; ++id) {
    const ProductRow row = generate_product(7, id);
    ASSERT_EQ(row.id, id);
    ASSERT_FALSE(row.name.empty());
    ASSERT_FALSE(row.description.empty());
    ASSERT_EQ(row.description.back(), '.');
    ASSERT_NE(std::find(first, last, row.category), last) << row.category;
    ASSERT_GE(row.price_cents, 100);
    ASSERT_LE(row.price_cents, 99'999);
    ASSERT_LE(row.updated_at_unix, kSeedBaseTimeUnix);
    ASSERT_GE(row.updated_at_unix, kSeedBaseTimeUnix - kSeedMaxAgeSeconds);
    categories.insert(row.category);
  }
  EXPECT_EQ(categories.size(), static_cast<std::size_t>(kProductCategoryCount));
}

TEST(CatalogSeed, KnownRowsArePinned) {
  // Pinned so that a change to the generator, which changes every lab's data and any recorded
  // experiment that names a product, is a deliberate one.
  EXPECT_EQ(copy_line(generate_product(42, 1)),
            "1\tUltra Lamp L-112\tA quiet lamp for beginners, made of organic cotton.\tLighting\t"
            "277.51\t2023-02-02 11:21:37+00\n");
  EXPECT_EQ(copy_line(generate_product(42, 10'000)),
            "10000\tPortable Tent T-441\tA foldable tent for home offices, made of carbon fibre."
            "\tOutdoor\t41.84\t2023-10-14 04:13:12+00\n");
}

TEST(CatalogSeed, FormatsPricesAndTimestamps) {
  EXPECT_EQ(format_price(100), "1.00");
  EXPECT_EQ(format_price(99'999), "999.99");
  EXPECT_EQ(format_price(1'205), "12.05");
  EXPECT_EQ(format_timestamp(kSeedBaseTimeUnix), "2024-01-01 00:00:00+00");
  EXPECT_EQ(format_timestamp(kSeedBaseTimeUnix - 1), "2023-12-31 23:59:59+00");
}

TEST(CatalogSeed, CopyLineIsTabSeparatedAndEscaped) {
  ProductRow row;
  row.id = 3;
  row.name = "Tab\there";
  row.description = "back\\slash\nnewline";
  row.category = "Tools";
  row.price_cents = 1'999;
  row.updated_at_unix = kSeedBaseTimeUnix;
  EXPECT_EQ(copy_line(row),
            "3\tTab\\there\tback\\\\slash\\nnewline\tTools\t19.99\t2024-01-01 00:00:00+00\n");
}

}  // namespace
}  // namespace srelab::lab
