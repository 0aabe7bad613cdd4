// JsonFields: absent keys leave values alone, valid ones replace them, the first failure names
// the key and the accepted range and stops every later read; parse_json_object's body errors.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <functional>

#include "core/json_fields.hpp"

namespace srelab {
namespace {

boost::json::object object_of(std::string_view text) {
  return boost::json::parse(text).as_object();
}

TEST(ParseJsonObject, ReadsAnObject) {
  FieldError error;
  auto object = parse_json_object(R"({"a": 1, "b": [true]})", error);
  ASSERT_TRUE(object);
  EXPECT_EQ(object->size(), 2u);
  EXPECT_EQ(object->at("a").as_int64(), 1);
}

TEST(ParseJsonObject, EmptyOrBlankBodyIsAnEmptyObject) {
  for (std::string_view body : {"", " ", "\r\n\t "}) {
    FieldError error;
    auto object = parse_json_object(body, error);
    ASSERT_TRUE(object) << "[" << body << "]";
    EXPECT_TRUE(object->empty());
  }
}

struct NotAnObject {
  std::string_view body;
  std::string_view detail_has;
};

void PrintTo(const NotAnObject& c, std::ostream* os) {
  *os << c.body;
}

class ParseJsonObjectBad : public ::testing::TestWithParam<NotAnObject> {};

TEST_P(ParseJsonObjectBad, IsABodyErrorWithoutKey) {
  FieldError error;
  EXPECT_FALSE(parse_json_object(GetParam().body, error));
  EXPECT_EQ(error.kind, FieldError::Kind::body);
  EXPECT_EQ(error.key, "");
  EXPECT_NE(error.detail.find("body must be a JSON object"), std::string::npos) << error.detail;
  EXPECT_NE(error.detail.find(GetParam().detail_has), std::string::npos) << error.detail;
}

INSTANTIATE_TEST_SUITE_P(Table, ParseJsonObjectBad,
                         ::testing::Values(NotAnObject{"{", "not valid JSON"},
                                           NotAnObject{"{\"a\": 1,}", "not valid JSON"},
                                           NotAnObject{"{} {}", "not valid JSON"},
                                           NotAnObject{"db_latency=1", "not valid JSON"},
                                           NotAnObject{"[1, 2]", "got an array"},
                                           NotAnObject{"\"text\"", "got a string"},
                                           NotAnObject{"42", "got a number"},
                                           NotAnObject{"null", "got null"}));

TEST(JsonFields, AbsentKeysLeaveValuesAlone) {
  auto object = object_of("{}");
  JsonFields fields(object, {"n", "i", "b", "s", "o"});
  double n = 0.25;
  int i = 7;
  bool b = true;
  std::string s = "keep";
  std::optional<double> o = 3.0;
  EXPECT_TRUE(fields.number("n", 0, 1, n));
  EXPECT_TRUE(fields.integer("i", 0, 10, i));
  EXPECT_TRUE(fields.boolean("b", b));
  EXPECT_TRUE(fields.one_of("s", {"keep", "other"}, s));
  EXPECT_TRUE(fields.number("o", 0, 10, o));
  EXPECT_TRUE(fields.ok());
  EXPECT_FALSE(fields.error());
  EXPECT_EQ(n, 0.25);
  EXPECT_EQ(i, 7);
  EXPECT_TRUE(b);
  EXPECT_EQ(s, "keep");
  EXPECT_EQ(o, 3.0);
}

TEST(JsonFields, ValidValuesAreRead) {
  auto object = object_of(
      R"({"n": 1, "x": 0.5, "i": 4.0, "u": 9007199254740992, "b": false, "s": "other",
          "o": null, "p": 2})");
  JsonFields fields(object, {"n", "x", "i", "u", "b", "s", "o", "p"});
  double n = 0, x = 0;
  int i = 0;
  std::uint64_t u = 0;
  bool b = true;
  std::string s = "keep";
  std::optional<double> o = 3.0, p;
  EXPECT_TRUE(fields.number("n", 0, 1, n));  // an integer is a number; bounds are inclusive
  EXPECT_TRUE(fields.number("x", 0, 1, x, LowerBound::exclusive));
  EXPECT_TRUE(fields.integer("i", 0, 10, i));  // a whole number is an integer
  EXPECT_TRUE(fields.integer("u", std::uint64_t{0}, std::uint64_t{1} << 53, u));
  EXPECT_TRUE(fields.boolean("b", b));
  EXPECT_TRUE(fields.one_of("s", {"keep", "other"}, s));
  EXPECT_TRUE(fields.number("o", 0, 10, o));
  EXPECT_TRUE(fields.number("p", 0, 10, p));
  EXPECT_EQ(n, 1.0);
  EXPECT_EQ(x, 0.5);
  EXPECT_EQ(i, 4);
  EXPECT_EQ(u, std::uint64_t{1} << 53);
  EXPECT_FALSE(b);
  EXPECT_EQ(s, "other");
  EXPECT_EQ(o, std::nullopt);  // null empties a nullable field
  EXPECT_EQ(p, 2.0);
}

TEST(JsonFields, NullableIntegerAcceptsNull) {
  auto object = object_of(R"({"seed": null})");
  JsonFields fields(object, {"seed"});
  std::optional<std::uint64_t> seed = 5;
  EXPECT_TRUE(fields.integer("seed", std::uint64_t{0}, std::uint64_t{100}, seed));
  EXPECT_EQ(seed, std::nullopt);
}

TEST(JsonFields, UnknownKeyIsTheFirstFailure) {
  auto object = object_of(R"({"rate": 0.5, "colour": "red"})");
  JsonFields fields(object, {"rate", "seed"});
  ASSERT_TRUE(fields.unknown_key());
  EXPECT_EQ(*fields.unknown_key(), "colour");
  ASSERT_TRUE(fields.error());
  EXPECT_EQ(fields.error()->kind, FieldError::Kind::field);
  EXPECT_EQ(fields.error()->key, "colour");
  EXPECT_EQ(fields.error()->detail, R"(unknown key "colour"; the keys are rate, seed)");
  double rate = 0;
  EXPECT_FALSE(fields.number("rate", 0, 1, rate));
  EXPECT_EQ(rate, 0) << "nothing is read after a failure";
}

TEST(JsonFields, NoUnknownKeyWhenAllAreKnown) {
  auto object = object_of(R"({"rate": 0.5})");
  JsonFields fields(object, {"rate", "seed"});
  EXPECT_FALSE(fields.unknown_key());
  EXPECT_TRUE(fields.ok());
}

TEST(JsonFields, FirstFailureWinsAndLaterReadsDoNothing) {
  auto object = object_of(R"({"a": 2, "b": "x", "c": 0.5})");
  JsonFields fields(object, {"a", "b", "c"});
  double a = 0, c = 0;
  bool b = false;
  EXPECT_FALSE(fields.number("a", 0, 1, a));
  EXPECT_FALSE(fields.boolean("b", b));
  EXPECT_FALSE(fields.number("c", 0, 1, c));
  EXPECT_FALSE(fields.fail("z", "ignored"));
  ASSERT_TRUE(fields.error());
  EXPECT_EQ(fields.error()->key, "a");
  EXPECT_EQ(fields.error()->detail, "a must be a number in 0..1, got 2");
  EXPECT_EQ(c, 0);
}

TEST(JsonFields, FailRecordsACustomFailure) {
  auto object = object_of("{}");
  JsonFields fields(object, {});
  EXPECT_FALSE(fields.fail("k", "k is wrong"));
  ASSERT_TRUE(fields.error());
  EXPECT_EQ(fields.error()->kind, FieldError::Kind::field);
  EXPECT_EQ(fields.error()->key, "k");
  EXPECT_EQ(fields.error()->detail, "k is wrong");
}

TEST(JsonFields, Contains) {
  auto object = object_of(R"({"a": null})");
  JsonFields fields(object, {"a", "b"});
  EXPECT_TRUE(fields.contains("a"));
  EXPECT_FALSE(fields.contains("b"));
}

// One read of key "k", expected to fail.
using Read = std::function<bool(JsonFields&)>;

struct DetailCase {
  std::string_view body;
  Read read;
  std::string_view detail;
};

void PrintTo(const DetailCase& c, std::ostream* os) {
  *os << c.body;
}

class JsonFieldsDetail : public ::testing::TestWithParam<DetailCase> {};

TEST_P(JsonFieldsDetail, NamesKeyRangeAndValue) {
  auto object = object_of(GetParam().body);
  JsonFields fields(object, {"k"});
  EXPECT_FALSE(GetParam().read(fields));
  ASSERT_TRUE(fields.error());
  EXPECT_EQ(fields.error()->kind, FieldError::Kind::field);
  EXPECT_EQ(fields.error()->key, "k");
  EXPECT_EQ(fields.error()->detail, GetParam().detail);
}

Read number01 = [](JsonFields& f) {
  double out = 0;
  return f.number("k", 0, 1, out);
};
Read number_excl = [](JsonFields& f) {
  std::optional<double> out;
  return f.number("k", 0, 86400, out, LowerBound::exclusive);
};
Read integer010 = [](JsonFields& f) {
  int out = 0;
  return f.integer("k", 0, 10, out);
};
Read seed = [](JsonFields& f) {
  std::optional<std::uint64_t> out;
  return f.integer("k", std::uint64_t{0}, std::uint64_t{1} << 53, out);
};
Read boolean = [](JsonFields& f) {
  bool out = false;
  return f.boolean("k", out);
};
Read mode = [](JsonFields& f) {
  std::string out;
  return f.one_of("k", {"normal", "disabled"}, out);
};

INSTANTIATE_TEST_SUITE_P(
    Table, JsonFieldsDetail,
    ::testing::Values(
        DetailCase{R"({"k": 1.5})", number01, "k must be a number in 0..1, got 1.5"},
        DetailCase{R"({"k": -0.25})", number01, "k must be a number in 0..1, got -0.25"},
        DetailCase{R"({"k": "0.5"})", number01,
                   R"(k must be a number in 0..1, got a string ("0.5"))"},
        DetailCase{R"({"k": true})", number01, "k must be a number in 0..1, got true"},
        DetailCase{R"({"k": null})", number01, "k must be a number in 0..1, got null"},
        DetailCase{R"({"k": [0.5]})", number01, "k must be a number in 0..1, got an array"},
        DetailCase{R"({"k": {}})", number01, "k must be a number in 0..1, got an object"},
        DetailCase{R"({"k": 1e999})", number01,
                   "k must be a number in 0..1, got a number out of range"},
        DetailCase{R"({"k": -1e999})", number01,
                   "k must be a number in 0..1, got a number out of range"},
        DetailCase{R"({"k": 0})", number_excl,
                   "k must be null or a number above 0 and at most 86400, got 0"},
        DetailCase{R"({"k": 86400.5})", number_excl,
                   "k must be null or a number above 0 and at most 86400, got 86400.5"},
        DetailCase{R"({"k": 11})", integer010, "k must be an integer in 0..10, got 11"},
        DetailCase{R"({"k": -1})", integer010, "k must be an integer in 0..10, got -1"},
        DetailCase{R"({"k": 2.5})", integer010, "k must be an integer in 0..10, got 2.5"},
        DetailCase{R"({"k": "3"})", integer010,
                   R"(k must be an integer in 0..10, got a string ("3"))"},
        DetailCase{R"({"k": false})", integer010, "k must be an integer in 0..10, got false"},
        DetailCase{R"({"k": 1e300})", integer010, "k must be an integer in 0..10, got 1e+300"},
        DetailCase{R"({"k": -1})", seed,
                   "k must be null or an integer in 0..9007199254740992, got -1"},
        DetailCase{R"({"k": 9007199254740993})", seed,
                   "k must be null or an integer in 0..9007199254740992, got 9007199254740993"},
        DetailCase{R"({"k": 18446744073709551615})", seed,
                   "k must be null or an integer in 0..9007199254740992, got 18446744073709551615"},
        DetailCase{R"({"k": 1e19})", seed,
                   "k must be null or an integer in 0..9007199254740992, got 10000000000000000000"},
        DetailCase{R"({"k": 0.5})", seed,
                   "k must be null or an integer in 0..9007199254740992, got 0.5"},
        DetailCase{R"({"k": "yes"})", boolean, R"(k must be true or false, got a string ("yes"))"},
        DetailCase{R"({"k": 1})", boolean, "k must be true or false, got 1"},
        DetailCase{R"({"k": null})", boolean, "k must be true or false, got null"},
        DetailCase{R"({"k": "Normal"})", mode,
                   R"(k must be one of "normal", "disabled", got a string ("Normal"))"},
        DetailCase{R"({"k": 0})", mode, R"(k must be one of "normal", "disabled", got 0)"}));

TEST(JsonFields, IntegerBoundsBeyondInt64AreCut) {
  auto object = object_of(R"({"k": 9223372036854775807})");
  JsonFields fields(object, {"k"});
  std::uint64_t value = 0;
  EXPECT_TRUE(fields.integer("k", std::uint64_t{0}, ~std::uint64_t{0}, value));
  EXPECT_EQ(value, 9223372036854775807u);
}

TEST(JsonFields, LongStringsAreCutInTheDetail) {
  const std::string long_text(200, 'x');
  auto object = boost::json::object{{"k", long_text}};
  JsonFields fields(object, {"k"});
  bool b = false;
  EXPECT_FALSE(fields.boolean("k", b));
  EXPECT_EQ(fields.error()->detail,
            "k must be true or false, got a string (\"" + std::string(64, 'x') + "...\")");
}

TEST(DescribeJsonValue, Values) {
  EXPECT_EQ(describe_json_value(boost::json::value(1.5)), "1.5");
  EXPECT_EQ(describe_json_value(boost::json::value(-3)), "-3");
  EXPECT_EQ(describe_json_value(boost::json::value(true)), "true");
  EXPECT_EQ(describe_json_value(boost::json::value(nullptr)), "null");
  EXPECT_EQ(describe_json_value(boost::json::value("0.5")), R"(a string ("0.5"))");
  EXPECT_EQ(describe_json_value(boost::json::array{}), "an array");
  EXPECT_EQ(describe_json_value(boost::json::object{}), "an object");
}

TEST(FormatNumber, Shortest) {
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(0.001), "0.001");
  EXPECT_EQ(format_number(86400), "86400");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_number(0.0009), "0.0009");
  EXPECT_EQ(format_number(-2.5e-7), "-0.00000025");
  EXPECT_EQ(format_number(1e19), "10000000000000000000");
  EXPECT_EQ(format_number(1e20), "1e+20");
  EXPECT_EQ(format_number(1.5e-300), "1.5e-300");
}

}  // namespace
}  // namespace srelab
