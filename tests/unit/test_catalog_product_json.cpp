#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "catalog/product.hpp"

namespace srelab::catalog {
namespace {

Product sample() {
  Product product;
  product.id = 17;
  product.name = "Quiet \"Pro\" Lamp";
  product.description = "line one\nline two\t\\ and \x01 control, ünïcødé";
  product.category = "lighting";
  product.price = "129.90";
  return product;
}

TEST(ProductJson, RendersEveryFieldWithEscaping) {
  const std::string json = render_product_json(sample());
  const auto value = boost::json::parse(json).as_object();
  EXPECT_EQ(value.at("id").as_int64(), 17);
  EXPECT_EQ(value.at("name").as_string(), "Quiet \"Pro\" Lamp");
  EXPECT_EQ(value.at("description").as_string(), sample().description);
  EXPECT_EQ(value.at("category").as_string(), "lighting");
  EXPECT_DOUBLE_EQ(value.at("price").as_double(), 129.90);
  EXPECT_EQ(value.size(), 5u);
  EXPECT_NE(json.find("\"price\":129.90"), std::string::npos) << "price keeps its exact digits";
}

TEST(ProductJson, SourceIsSplicedIntoTheStoredBytes) {
  const std::string stored = render_product_json(sample());
  for (Source source : {Source::cache, Source::database}) {
    const auto value = boost::json::parse(with_source(stored, source)).as_object();
    EXPECT_EQ(value.at("source").as_string(), to_string(source));
    EXPECT_EQ(value.at("id").as_int64(), 17);
    EXPECT_EQ(value.size(), 6u);
  }
}

}  // namespace
}  // namespace srelab::catalog
