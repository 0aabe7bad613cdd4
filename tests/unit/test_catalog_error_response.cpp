// The HTTP edge of the error vocabulary: a FieldError's kind chooses 400 or 422 here (the parsers
// below http/ never name a status), and the body keeps the documented shape, byte for byte.
#include <gtest/gtest.h>

#include <string>

#include "catalog/error_response.hpp"

namespace srelab::catalog {
namespace {

struct FieldCase {
  const char* name;
  FieldError error;
  http::Status status;
  std::string body;
};

class FieldErrorAnswer : public ::testing::TestWithParam<FieldCase> {};

TEST_P(FieldErrorAnswer, ChoosesTheStatusAndWritesTheBody) {
  const http::Response response = field_error(GetParam().error);
  EXPECT_EQ(response.result(), GetParam().status);
  EXPECT_EQ(response[http::beast_http::field::content_type], "application/json");
  EXPECT_EQ(response.body(), GetParam().body);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, FieldErrorAnswer,
    ::testing::Values(
        FieldCase{"unusable_body_is_400_without_key",
                  {"", "body must be a JSON object, got an array", FieldError::Kind::body},
                  http::Status::bad_request,
                  R"({"error":"Bad Request","detail":"body must be a JSON object, got an array"})"},
        FieldCase{
            "bad_field_is_422_naming_the_key",
            {"limit", "limit must be an integer in 1..500, got '0'"},
            http::Status::unprocessable_entity,
            R"({"error":"Unprocessable Entity","detail":"limit must be an integer in 1..500, got '0'","key":"limit"})"},
        FieldCase{
            "an_empty_key_is_still_named",
            {"", "unknown parameter '': expected since"},
            http::Status::unprocessable_entity,
            R"({"error":"Unprocessable Entity","detail":"unknown parameter '': expected since","key":""})"},
        FieldCase{
            "a_detail_that_is_not_utf8_stays_valid_json",
            {"text", "text must be at most 256 bytes, got '\xff'"},
            http::Status::unprocessable_entity,
            "{\"error\":\"Unprocessable Entity\",\"detail\":\"text must be at most 256 bytes, "
            "got '\\ufffd'\",\"key\":\"text\"}"}),
    [](const auto& info) { return info.param.name; });

TEST(ErrorStatus, MapsTheProductFailures) {
  EXPECT_EQ(error_status(errc::not_found).status, http::Status::not_found);
  EXPECT_EQ(error_status(errc::pool_exhausted).error, "Pool Exhausted");
  EXPECT_EQ(error_status(errc::circuit_open).status, http::Status::service_unavailable);
  EXPECT_EQ(error_status(errc::db_timeout).status, http::Status::gateway_timeout);
  EXPECT_EQ(error_status(boost::system::error_code(5, boost::system::generic_category())).status,
            http::Status::internal_server_error);
}

}  // namespace
}  // namespace srelab::catalog
