#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "http/responses.hpp"

namespace srelab::http {
namespace {

// The detail as a JSON parser reads it back from the body.
std::string parsed_detail(const Response& response) {
  const boost::json::value body = boost::json::parse(response.body());
  return std::string(body.at("detail").as_string());
}

TEST(JsonResponseTest, SetsStatusContentTypeAndBody) {
  const Response response = json_response(Status::created, R"({"id":1})");
  EXPECT_EQ(response.result(), Status::created);
  EXPECT_EQ(response.version(), 11);
  EXPECT_EQ(response[beast_http::field::content_type], "application/json");
  EXPECT_EQ(response.body(), R"({"id":1})");
}

TEST(JsonErrorTest, HasTheErrorShape) {
  const Response response = json_error(Status::not_found, "Not Found", "no route matches /x");
  EXPECT_EQ(response.result(), Status::not_found);
  EXPECT_EQ(response[beast_http::field::content_type], "application/json");
  EXPECT_EQ(response.body(), R"({"error":"Not Found","detail":"no route matches /x"})");
  const boost::json::object body = boost::json::parse(response.body()).as_object();
  EXPECT_EQ(body.size(), 2u);
  EXPECT_EQ(body.at("error").as_string(), "Not Found");
}

struct EscapeCase {
  const char* name;
  std::string detail;
  std::string expected_json;  // the detail's literal in the body
  std::string expected_text;  // what a JSON parser reads back
};

class JsonErrorEscapeTest : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(JsonErrorEscapeTest, EscapesDetail) {
  const EscapeCase& c = GetParam();
  const Response response = json_error(Status::bad_request, "Bad \"Request\"", c.detail);
  EXPECT_EQ(response.body(), R"({"error":"Bad \"Request\"","detail":)" + c.expected_json + "}");
  EXPECT_EQ(parsed_detail(response), c.expected_text);
}

INSTANTIATE_TEST_SUITE_P(
    Table, JsonErrorEscapeTest,
    ::testing::Values(
        EscapeCase{"plain", "bad method", R"("bad method")", "bad method"},
        EscapeCase{"quotes", R"(path "/a" here)", R"("path \"/a\" here")", R"(path "/a" here)"},
        EscapeCase{"backslash", R"(C:\x)", R"("C:\\x")", R"(C:\x)"},
        EscapeCase{"newline_tab_cr", "a\nb\tc\rd", R"("a\nb\tc\rd")", "a\nb\tc\rd"},
        EscapeCase{"nul", std::string("a\0b", 3), R"("a\u0000b")", std::string("a\0b", 3)},
        EscapeCase{"other_controls", "\x01\x1f\x7f", R"("\u0001\u001f\u007f")", "\x01\x1f\x7f"},
        EscapeCase{"slash_kept", "/items/{id}", R"("/items/{id}")", "/items/{id}"},
        // Valid UTF-8 passes through unchanged: 2, 3 and 4 byte sequences.
        EscapeCase{"utf8", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
                   "\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80\"",
                   "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"},
        // Bytes that are not UTF-8 become U+FFFD, one per bad byte, so the body stays JSON.
        EscapeCase{"invalid_byte",
                   "a\xff"
                   "b",
                   R"("a\ufffdb")",
                   "a\xef\xbf\xbd"
                   "b"},
        EscapeCase{"lone_continuation", "\x80", R"("\ufffd")", "\xef\xbf\xbd"},
        EscapeCase{"overlong", "\xc0\xaf", R"("\ufffd\ufffd")", "\xef\xbf\xbd\xef\xbf\xbd"},
        EscapeCase{"surrogate", "\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")",
                   "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        EscapeCase{"beyond_10ffff", "\xf4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")",
                   "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        EscapeCase{"truncated_at_end", "x\xe6\x97", R"("x\ufffd\ufffd")",
                   "x\xef\xbf\xbd\xef\xbf\xbd"},
        EscapeCase{"empty", "", R"("")", ""}),
    [](const ::testing::TestParamInfo<EscapeCase>& info) { return info.param.name; });

struct FieldCase {
  const char* name;
  FieldError error;
  Status status;
  std::string body;
};

class FieldErrorAnswer : public ::testing::TestWithParam<FieldCase> {};

// A FieldError's kind chooses 400 or 422 here (the parsers below http/ never name a status), and
// the body keeps the documented shape, byte for byte.
TEST_P(FieldErrorAnswer, ChoosesTheStatusAndWritesTheBody) {
  const Response response = field_error(GetParam().error);
  EXPECT_EQ(response.result(), GetParam().status);
  EXPECT_EQ(response[beast_http::field::content_type], "application/json");
  EXPECT_EQ(response.body(), GetParam().body);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, FieldErrorAnswer,
    ::testing::Values(
        FieldCase{"unusable_body_is_400_without_key",
                  {"", "body must be a JSON object, got an array", FieldError::Kind::body},
                  Status::bad_request,
                  R"({"error":"Bad Request","detail":"body must be a JSON object, got an array"})"},
        FieldCase{
            "bad_field_is_422_naming_the_key",
            {"limit", "limit must be an integer in 1..500, got '0'"},
            Status::unprocessable_entity,
            R"({"error":"Unprocessable Entity","detail":"limit must be an integer in 1..500, got '0'","key":"limit"})"},
        FieldCase{
            "an_empty_key_is_still_named",
            {"", "unknown parameter '': expected since"},
            Status::unprocessable_entity,
            R"({"error":"Unprocessable Entity","detail":"unknown parameter '': expected since","key":""})"},
        FieldCase{
            "a_detail_that_is_not_utf8_stays_valid_json",
            {"text", "text must be at most 256 bytes, got '\xff'"},
            Status::unprocessable_entity,
            "{\"error\":\"Unprocessable Entity\",\"detail\":\"text must be at most 256 bytes, "
            "got '\\ufffd'\",\"key\":\"text\"}"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace srelab::http
