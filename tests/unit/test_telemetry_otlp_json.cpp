#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "telemetry/otlp/otlp_json.hpp"

namespace srelab::telemetry {
namespace {

namespace json = boost::json;

using Env = std::map<std::string, std::string, std::less<>>;

OtlpEnvLookup lookup_in(const Env& env) {
  return [env](std::string_view name) -> std::optional<std::string> {
    const auto found = env.find(name);
    if (found == env.end()) return std::nullopt;
    return found->second;
  };
}

OtlpResource resource_of(const Env& env) {
  auto resource = otlp_resource_from(lookup_in(env));
  EXPECT_TRUE(resource.has_value()) << (resource ? "" : resource.error().message);
  return resource ? *resource : OtlpResource{};
}

std::string attribute_of(const OtlpResource& resource, std::string_view key) {
  const auto value = resource.find(key);
  return value ? std::string(*value) : "<absent>";
}

const TraceId kTraceId{0x0123456789abcdefULL, 0xfedcba9876543210ULL};

SpanData make_span(SpanId id, SpanId parent, std::string name = "http.request") {
  SpanData span;
  span.service = "sre-lab";
  span.name = std::move(name);
  span.resource = "GET /products/{id}";
  span.trace_id = kTraceId;
  span.span_id = id;
  span.parent_id = parent;
  span.start = 1'544'712'660'000'000'001;  // beyond 2^53: a JSON double would lose the last digit
  span.duration = 2'500'000;
  return span;
}

OtlpResource test_resource() {
  return OtlpResource{{{"service.name", "catalog"}, {"deployment.environment.name", "lab"}}};
}

json::object encode_and_parse(const std::vector<TraceChunk>& traces,
                              const OtlpResource& resource = test_resource()) {
  const std::string body = encode_otlp_traces_json(traces, resource, "srelab.test", "1.2.3");
  json::error_code ec;
  json::value parsed = json::parse(body, ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << body;
  if (ec || !parsed.is_object()) return {};
  return parsed.as_object();
}

const json::array& spans_of(const json::object& request) {
  return request.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").as_array();
}

// The attribute's value object ({"stringValue": …}), or nullptr when the key is absent.
// Fails the test when a key appears twice (OTLP requires unique keys).
const json::object* attribute(const json::value& owner, std::string_view key) {
  const json::object* found = nullptr;
  for (const auto& item : owner.at("attributes").as_array()) {
    if (item.at("key").as_string() != key) continue;
    EXPECT_EQ(found, nullptr) << "duplicate attribute " << key;
    found = &item.at("value").as_object();
  }
  return found;
}

bool is_lower_hex(std::string_view text) {
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Encoding

TEST(OtlpJsonEncoding, RequestHasOneResourceAndOneScopeWithEverySpan) {
  const auto request = encode_and_parse({{make_span(2, 1), make_span(1, 0)}, {make_span(3, 0)}});
  ASSERT_EQ(request.at("resourceSpans").as_array().size(), 1u);
  const auto& resource_spans = request.at("resourceSpans").at(0);
  const auto& resource = resource_spans.at("resource");
  ASSERT_NE(attribute(resource, "service.name"), nullptr);
  EXPECT_EQ(attribute(resource, "service.name")->at("stringValue"), "catalog");
  EXPECT_EQ(attribute(resource, "deployment.environment.name")->at("stringValue"), "lab");
  ASSERT_EQ(resource_spans.at("scopeSpans").as_array().size(), 1u);
  const auto& scope = resource_spans.at("scopeSpans").at(0).at("scope");
  EXPECT_EQ(scope.at("name"), "srelab.test");
  EXPECT_EQ(scope.at("version"), "1.2.3");
  EXPECT_EQ(spans_of(request).size(), 3u);
}

TEST(OtlpJsonEncoding, ScopeVersionIsOmittedWhenEmpty) {
  const std::string body = encode_otlp_traces_json({{make_span(1, 0)}}, test_resource(), "s", "");
  const auto scope = json::parse(body).at("resourceSpans").at(0).at("scopeSpans").at(0).at("scope");
  EXPECT_EQ(scope.at("name"), "s");
  EXPECT_FALSE(scope.as_object().contains("version"));
}

TEST(OtlpJsonEncoding, IdsAreLowercaseHexOfTheRightLength) {
  const auto request = encode_and_parse({{make_span(0xABCDEF0012345678ULL, 0)}});
  const auto& span = spans_of(request).at(0);
  const std::string trace_id(span.at("traceId").as_string());
  const std::string span_id(span.at("spanId").as_string());
  EXPECT_EQ(trace_id, "0123456789abcdeffedcba9876543210");  // high half first
  EXPECT_EQ(span_id, "abcdef0012345678");
  EXPECT_EQ(trace_id.size(), 32u);
  EXPECT_EQ(span_id.size(), 16u);
  EXPECT_TRUE(is_lower_hex(trace_id));
  EXPECT_TRUE(is_lower_hex(span_id));
}

TEST(OtlpJsonEncoding, A64BitTraceIdIsZeroPaddedOnTheLeft) {
  SpanData span = make_span(7, 0);
  span.trace_id = TraceId{0, 42};
  const auto request = encode_and_parse({{span}});
  EXPECT_EQ(spans_of(request).at(0).at("traceId"), "0000000000000000000000000000002a");
  EXPECT_EQ(spans_of(request).at(0).at("spanId"), "0000000000000007");
}

TEST(OtlpJsonEncoding, SpansWithAZeroIdAreLeftOutNeverSentAsAllZero) {
  SpanData zero_trace = make_span(5, 0);
  zero_trace.trace_id = TraceId{};
  SpanData zero_span = make_span(0, 0);
  const auto request = encode_and_parse({{zero_trace, make_span(6, 0), zero_span}});
  ASSERT_EQ(spans_of(request).size(), 1u);
  EXPECT_EQ(spans_of(request).at(0).at("spanId"), "0000000000000006");
  for (const auto& span : spans_of(request)) {
    EXPECT_NE(span.at("traceId").as_string(), std::string(32, '0'));
    EXPECT_NE(span.at("spanId").as_string(), std::string(16, '0'));
  }
}

TEST(OtlpJsonEncoding, RootHasNoParentAndChildNamesItsParent) {
  const SpanData root = make_span(0x1111, 0, "root");
  const SpanData child = make_span(0x2222, 0x1111, "child");
  const auto request = encode_and_parse({{child, root}});
  const auto& encoded_child = spans_of(request).at(0).as_object();
  const auto& encoded_root = spans_of(request).at(1).as_object();
  EXPECT_EQ(encoded_root.at("name"), "root");
  const auto parent = encoded_root.find("parentSpanId");
  EXPECT_TRUE(parent == encoded_root.end() || parent->value() == "");
  EXPECT_EQ(encoded_child.at("parentSpanId"), encoded_root.at("spanId"));
  EXPECT_EQ(encoded_child.at("parentSpanId"), "0000000000001111");
  EXPECT_EQ(encoded_child.at("traceId"), encoded_root.at("traceId"));
}

TEST(OtlpJsonEncoding, TimesAreDecimalStringsOfNanoseconds) {
  const auto request = encode_and_parse({{make_span(1, 0)}});
  const auto& span = spans_of(request).at(0);
  ASSERT_TRUE(span.at("startTimeUnixNano").is_string());
  ASSERT_TRUE(span.at("endTimeUnixNano").is_string());
  EXPECT_EQ(span.at("startTimeUnixNano"), "1544712660000000001");
  EXPECT_EQ(span.at("endTimeUnixNano"), "1544712660002500001");
}

TEST(OtlpJsonEncoding, NegativeTimesClampSoTheEndIsNeverBeforeTheStart) {
  SpanData span = make_span(1, 0);
  span.duration = -5;
  SpanData before_epoch = make_span(2, 0);
  before_epoch.start = -10;
  before_epoch.duration = 3;
  SpanData huge = make_span(3, 0);
  huge.duration = std::numeric_limits<std::int64_t>::max();
  const auto request = encode_and_parse({{span, before_epoch, huge}});
  EXPECT_EQ(spans_of(request).at(0).at("endTimeUnixNano"), "1544712660000000001");
  EXPECT_EQ(spans_of(request).at(1).at("startTimeUnixNano"), "0");
  EXPECT_EQ(spans_of(request).at(1).at("endTimeUnixNano"), "3");
  EXPECT_EQ(spans_of(request).at(2).at("endTimeUnixNano"), "9223372036854775807");
}

TEST(OtlpJsonEncoding, KindIsAnIntegerFromMetaSpanKind) {
  const std::vector<std::pair<std::optional<std::string>, std::int64_t>> cases{
      {"server", 2},   {"client", 3}, {"producer", 4}, {"consumer", 5},
      {"internal", 1}, {"Server", 1}, {"", 1},         {std::nullopt, 1}};
  for (const auto& [meta_kind, expected] : cases) {
    SpanData span = make_span(1, 0);
    if (meta_kind) span.set_tag("span.kind", *meta_kind);
    const auto request = encode_and_parse({{span}});
    const auto& encoded = spans_of(request).at(0);
    ASSERT_TRUE(encoded.at("kind").is_int64()) << meta_kind.value_or("<none>");
    EXPECT_EQ(encoded.at("kind").as_int64(), expected) << meta_kind.value_or("<none>");
    EXPECT_EQ(attribute(encoded, "span.kind"), nullptr)
        << "span.kind is the kind, not an attribute";
  }
}

TEST(OtlpJsonEncoding, AttributesAreTyped) {
  SpanData span = make_span(1, 0);
  span.type = "web";
  span.set_tag("http.method", "GET");
  span.set_tag("http.status_code", "200");  // meta stays a string, whatever it looks like
  span.set_metric("_sampling_priority_v1", 1);
  span.set_metric("http.response.status_code", 503);
  span.set_metric("cache.hit_ratio", 0.25);
  span.set_metric("db.rows", 3);  // not a known integer: stays a double
  span.set_metric("_dd.top_level", 1);
  const auto request = encode_and_parse({{span}});
  const auto& encoded = spans_of(request).at(0);

  ASSERT_NE(attribute(encoded, "http.method"), nullptr);
  EXPECT_EQ(*attribute(encoded, "http.method"), (json::object{{"stringValue", "GET"}}));
  EXPECT_EQ(*attribute(encoded, "http.status_code"), (json::object{{"stringValue", "200"}}));
  EXPECT_EQ(*attribute(encoded, "_sampling_priority_v1"), (json::object{{"intValue", "1"}}));
  EXPECT_EQ(*attribute(encoded, "http.response.status_code"), (json::object{{"intValue", "503"}}));
  EXPECT_EQ(*attribute(encoded, "_dd.top_level"), (json::object{{"intValue", "1"}}));
  ASSERT_NE(attribute(encoded, "cache.hit_ratio"), nullptr);
  ASSERT_TRUE(attribute(encoded, "cache.hit_ratio")->at("doubleValue").is_double());
  EXPECT_DOUBLE_EQ(attribute(encoded, "cache.hit_ratio")->at("doubleValue").as_double(), 0.25);
  ASSERT_NE(attribute(encoded, "db.rows"), nullptr);
  EXPECT_EQ(attribute(encoded, "db.rows")->at("doubleValue").to_number<double>(), 3.0);
  EXPECT_EQ(*attribute(encoded, "resource.name"),
            (json::object{{"stringValue", "GET /products/{id}"}}));
  EXPECT_EQ(*attribute(encoded, "span.type"), (json::object{{"stringValue", "web"}}));
  EXPECT_EQ(encoded.at("attributes").as_array().size(), 9u);
}

TEST(OtlpJsonEncoding, AnIntegerMetricHoldingAFractionStaysADouble) {
  SpanData span = make_span(1, 0);
  span.set_metric("http.status_code", 200.5);
  span.set_metric("_sampling_priority_v1", 1e30);  // does not fit an int64
  const auto request = encode_and_parse({{span}});
  const auto& encoded = spans_of(request).at(0);
  EXPECT_DOUBLE_EQ(attribute(encoded, "http.status_code")->at("doubleValue").as_double(), 200.5);
  EXPECT_DOUBLE_EQ(
      attribute(encoded, "_sampling_priority_v1")->at("doubleValue").to_number<double>(), 1e30);
}

TEST(OtlpJsonEncoding, NonFiniteDoublesUseTheProtoJsonSpellings) {
  SpanData span = make_span(1, 0);
  span.set_metric("a", std::numeric_limits<double>::quiet_NaN());
  span.set_metric("b", std::numeric_limits<double>::infinity());
  span.set_metric("c", -std::numeric_limits<double>::infinity());
  const auto request = encode_and_parse({{span}});
  const auto& encoded = spans_of(request).at(0);
  EXPECT_EQ(*attribute(encoded, "a"), (json::object{{"doubleValue", "NaN"}}));
  EXPECT_EQ(*attribute(encoded, "b"), (json::object{{"doubleValue", "Infinity"}}));
  EXPECT_EQ(*attribute(encoded, "c"), (json::object{{"doubleValue", "-Infinity"}}));
}

TEST(OtlpJsonEncoding, SpanTypeAndResourceNameOnlyWhenNotEmptyAndKeysStayUnique) {
  SpanData bare = make_span(1, 0);
  bare.resource.clear();
  bare.type.clear();
  SpanData clashing = make_span(2, 0);
  clashing.type = "db";
  clashing.set_tag("resource.name", "from meta");
  clashing.set_tag("span.type", "from meta");
  clashing.set_tag("shared", "meta wins");
  clashing.set_metric("shared", 1.5);
  const auto request = encode_and_parse({{bare, clashing}});
  EXPECT_EQ(attribute(spans_of(request).at(0), "resource.name"), nullptr);
  EXPECT_EQ(attribute(spans_of(request).at(0), "span.type"), nullptr);
  const auto& encoded = spans_of(request).at(1);
  std::set<std::string> keys;
  for (const auto& item : encoded.at("attributes").as_array())
    EXPECT_TRUE(keys.insert(std::string(item.at("key").as_string())).second) << item;
  EXPECT_EQ(attribute(encoded, "resource.name")->at("stringValue"), "GET /products/{id}");
  EXPECT_EQ(attribute(encoded, "span.type")->at("stringValue"), "db");
  EXPECT_EQ(*attribute(encoded, "shared"), (json::object{{"stringValue", "meta wins"}}));
}

// A client span of its own Datadog service (sre-lab-postgres) stays in the one resource, whose
// service is the base one: the store it calls is an attribute, peer.service, as OTel has it.
TEST(OtlpJsonEncoding, AClientSpanOfItsOwnServiceStaysUnderTheBaseServicesResource) {
  SpanData query = make_span(2, 1, "postgres.query");
  query.service = "sre-lab-postgres";
  query.type = "sql";
  query.set_tag("_dd.base_service", "sre-lab");
  query.set_tag("span.kind", "client");
  query.set_tag("peer.service", "catalog");
  query.set_tag("db.system", "postgresql");
  query.set_metric("network.destination.port", 5432);
  query.set_metric("_dd.measured", 1);
  const auto request = encode_and_parse({{make_span(1, 0), query}});
  ASSERT_EQ(request.at("resourceSpans").as_array().size(), 1u);
  const auto& resource = request.at("resourceSpans").at(0).at("resource");
  EXPECT_EQ(attribute(resource, "service.name")->at("stringValue"), "catalog");
  const auto& encoded = spans_of(request).at(1);
  EXPECT_EQ(encoded.at("kind"), 3) << "client";
  EXPECT_EQ(attribute(encoded, "peer.service")->at("stringValue"), "catalog");
  EXPECT_EQ(attribute(encoded, "db.system")->at("stringValue"), "postgresql");
  EXPECT_EQ(attribute(encoded, "span.type")->at("stringValue"), "sql");
  EXPECT_EQ(attribute(encoded, "_dd.measured")->at("intValue"), "1");
  EXPECT_EQ(attribute(encoded, "service.name"), nullptr)
      << "the span's service is not an attribute";
}

TEST(OtlpJsonEncoding, StatusIsUnsetWithoutAnError) {
  const auto request = encode_and_parse({{make_span(1, 0)}});
  EXPECT_EQ(spans_of(request).at(0).at("status"), (json::object{{"code", 0}}));
}

TEST(OtlpJsonEncoding, AnErrorSpanHasStatusCode2AndTheErrorMessage) {
  SpanData span = make_span(1, 0);
  span.set_error("db_timeout", "query \"product_by_id\" timed out\nafter 2 s");
  const auto request = encode_and_parse({{span}});
  const auto& status = spans_of(request).at(0).at("status");
  ASSERT_TRUE(status.at("code").is_int64());
  EXPECT_EQ(status.at("code").as_int64(), 2);
  EXPECT_EQ(status.at("message"), "query \"product_by_id\" timed out\nafter 2 s");
  // The Datadog error tags travel too, as plain string attributes.
  EXPECT_EQ(attribute(spans_of(request).at(0), "error.type")->at("stringValue"), "db_timeout");
}

TEST(OtlpJsonEncoding, AnErrorWithoutMessageHasNoMessageField) {
  SpanData span = make_span(1, 0);
  span.error = 1;
  const auto request = encode_and_parse({{span}});
  EXPECT_EQ(spans_of(request).at(0).at("status"), (json::object{{"code", 2}}));
}

TEST(OtlpJsonEncoding, TextIsEscapedAndAnEmptyNameGetsOne) {
  SpanData odd = make_span(1, 0, "a \"quoted\" \\ name\twith\x01 control");
  odd.set_tag("bad.utf8", std::string("x\xff") + "y");
  SpanData unnamed = make_span(2, 0, "");
  const auto request = encode_and_parse({{odd, unnamed}});
  EXPECT_EQ(spans_of(request).at(0).at("name"), "a \"quoted\" \\ name\twith\x01 control");
  EXPECT_EQ(attribute(spans_of(request).at(0), "bad.utf8")->at("stringValue"), "x\xef\xbf\xbdy");
  EXPECT_EQ(spans_of(request).at(1).at("name"), "unnamed_operation");
}

TEST(OtlpJsonEncoding, AnEmptyBatchIsStillAValidRequest) {
  const auto request = encode_and_parse({});
  EXPECT_TRUE(spans_of(request).empty());
}

TEST(OtlpTracesDestination, EncodesAPostWithJsonContentType) {
  OtlpTracesDestination destination("http://collector:4318/v1/traces", test_resource(), "sre-lab",
                                    "0.1.0");
  EXPECT_EQ(destination.name(), "otlp");
  const ExportRequest request = destination.encode({{make_span(1, 0)}});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "http://collector:4318/v1/traces");
  ASSERT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.headers[0].first, "Content-Type");
  EXPECT_EQ(request.headers[0].second, "application/json");
  const auto body = json::parse(request.body);
  EXPECT_EQ(body.at("resourceSpans").at(0).at("scopeSpans").at(0).at("scope").at("name"),
            "sre-lab");
  EXPECT_EQ(body.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").as_array().size(),
            1u);
  destination.on_response(ExportResponse{200, "{\"partialSuccess\":{}}", std::nullopt});
  EXPECT_EQ(destination.encode({{make_span(1, 0)}}).body, request.body);
}

// ---------------------------------------------------------------------------------------------
// Resource from the environment

TEST(OtlpResource, DefaultsWithoutAnyVariable) {
  const OtlpResource resource = resource_of({});
  EXPECT_EQ(attribute_of(resource, "service.name"), "sre-lab");
  EXPECT_EQ(attribute_of(resource, "telemetry.sdk.language"), "cpp");
  EXPECT_EQ(attribute_of(resource, "telemetry.sdk.name"), "sre-lab");
  EXPECT_EQ(attribute_of(resource, "deployment.environment.name"), "<absent>");
  EXPECT_EQ(attribute_of(resource, "service.version"), "<absent>");
  EXPECT_EQ(resource.attributes.size(), 3u);
}

TEST(OtlpResource, DatadogUnifiedServiceTags) {
  const OtlpResource resource =
      resource_of({{"DD_SERVICE", "catalog"}, {"DD_ENV", "staging"}, {"DD_VERSION", "1.4.2"}});
  EXPECT_EQ(attribute_of(resource, "service.name"), "catalog");
  EXPECT_EQ(attribute_of(resource, "deployment.environment.name"), "staging");
  EXPECT_EQ(attribute_of(resource, "deployment.environment"), "staging");
  EXPECT_EQ(attribute_of(resource, "service.version"), "1.4.2");
}

TEST(OtlpResource, ServiceNamePrecedenceFollowsTheOtelSpec) {
  struct Case {
    Env env;
    std::string expected;
  };
  const std::vector<Case> cases{
      {{{"DD_SERVICE", "dd"}}, "dd"},
      {{{"DD_SERVICE", "dd"}, {"OTEL_RESOURCE_ATTRIBUTES", "service.name=attrs"}}, "attrs"},
      {{{"DD_SERVICE", "dd"},
        {"OTEL_RESOURCE_ATTRIBUTES", "service.name=attrs"},
        {"OTEL_SERVICE_NAME", "otel"}},
       "otel"},
      {{{"OTEL_RESOURCE_ATTRIBUTES", "service.name=attrs"}, {"OTEL_SERVICE_NAME", "otel"}}, "otel"},
      {{{"DD_SERVICE", "dd"}, {"OTEL_SERVICE_NAME", "otel"}}, "otel"},
      // An empty variable counts as unset.
      {{{"DD_SERVICE", "dd"}, {"OTEL_SERVICE_NAME", ""}}, "dd"},
      {{{"DD_SERVICE", ""}}, "sre-lab"},
      {{{"DD_TAGS", "service.name:tags"}, {"DD_SERVICE", "dd"}}, "dd"},
  };
  for (const auto& c : cases) {
    const OtlpResource resource = resource_of(c.env);
    EXPECT_EQ(attribute_of(resource, "service.name"), c.expected);
    std::size_t count = 0;
    for (const auto& [key, value] : resource.attributes) count += key == "service.name";
    EXPECT_EQ(count, 1u);
  }
}

TEST(OtlpResource, ResourceAttributesAreParsedAndPercentDecoded) {
  const OtlpResource resource = resource_of(
      {{"OTEL_RESOURCE_ATTRIBUTES",
        " team = core ,note=a%2Cb%3Dc%25d,k%20ey=v,plus=a+b,,eq=x=y,empty=,team=platform,"
        "utf=caf%C3%A9"}});
  EXPECT_EQ(attribute_of(resource, "team"), "platform");  // the last value of a repeated key
  EXPECT_EQ(attribute_of(resource, "note"), "a,b=c%d");
  EXPECT_EQ(attribute_of(resource, "k ey"), "v");
  EXPECT_EQ(attribute_of(resource, "plus"), "a+b");
  EXPECT_EQ(attribute_of(resource, "eq"), "x=y");
  EXPECT_EQ(attribute_of(resource, "empty"), "");
  EXPECT_EQ(attribute_of(resource, "utf"), "caf\xc3\xa9");
  std::set<std::string> keys;
  for (const auto& [key, value] : resource.attributes) EXPECT_TRUE(keys.insert(key).second) << key;
}

TEST(OtlpResource, MalformedResourceAttributesRejectTheWholeVariable) {
  const std::vector<std::string> bad{"novalue", "a=1,b", "=v",  " = v",      "a=%zz",
                                     "a=%2",    "a=b%",  "%=v", "a=1,%G1=2", "a=1\nnot"};
  for (const auto& text : bad) {
    const auto resource = otlp_resource_from(
        lookup_in({{"OTEL_RESOURCE_ATTRIBUTES", text}, {"OTEL_SERVICE_NAME", "svc"}}));
    ASSERT_FALSE(resource.has_value()) << text;
    EXPECT_EQ(resource.error().variable, "OTEL_RESOURCE_ATTRIBUTES") << text;
    EXPECT_EQ(resource.error().message.rfind("OTEL_RESOURCE_ATTRIBUTES: ", 0), 0u)
        << resource.error().message;
    EXPECT_EQ(resource.error().message.find('\n'), std::string::npos) << text;
    EXPECT_THROW((void)resource.value(), std::invalid_argument);
  }
}

TEST(OtlpResource, DeploymentEnvironmentKeysAgree) {
  // DD_ENV sets both; OTEL_RESOURCE_ATTRIBUTES setting one moves the other with it.
  const OtlpResource from_new = resource_of(
      {{"DD_ENV", "staging"}, {"OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=prod"}});
  EXPECT_EQ(attribute_of(from_new, "deployment.environment.name"), "prod");
  EXPECT_EQ(attribute_of(from_new, "deployment.environment"), "prod");
  const OtlpResource from_old =
      resource_of({{"OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=qa"}});
  EXPECT_EQ(attribute_of(from_old, "deployment.environment.name"), "qa");
  EXPECT_EQ(attribute_of(from_old, "deployment.environment"), "qa");
  // Both given explicitly: taken as given.
  const OtlpResource both = resource_of(
      {{"OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=a,deployment.environment.name=b"}});
  EXPECT_EQ(attribute_of(both, "deployment.environment"), "a");
  EXPECT_EQ(attribute_of(both, "deployment.environment.name"), "b");
}

TEST(OtlpResource, ResourceAttributesOverrideDatadogVariables) {
  const OtlpResource resource =
      resource_of({{"DD_VERSION", "1.0"},
                   {"DD_TAGS", "team:dd,layer:api"},
                   {"OTEL_RESOURCE_ATTRIBUTES", "service.version=2.0,team=otel"}});
  EXPECT_EQ(attribute_of(resource, "service.version"), "2.0");
  EXPECT_EQ(attribute_of(resource, "team"), "otel");
  EXPECT_EQ(attribute_of(resource, "layer"), "api");
}

TEST(OtlpResource, DatadogTagsCommaOrSpaceSeparated) {
  struct Case {
    std::string dd_tags;
    std::vector<std::pair<std::string, std::string>> expected;
  };
  const std::vector<Case> cases{
      {"team:core,layer:api", {{"team", "core"}, {"layer", "api"}}},
      {"team:core layer:api", {{"team", "core"}, {"layer", "api"}}},
      {"team:core, layer:api", {{"team", "core"}, {"layer", "api"}}},
      {"url:http://x:1,solo,:skipped", {{"url", "http://x:1"}, {"solo", ""}}},
  };
  for (const auto& c : cases) {
    const OtlpResource resource = resource_of({{"DD_TAGS", c.dd_tags}});
    for (const auto& [key, value] : c.expected)
      EXPECT_EQ(attribute_of(resource, key), value) << c.dd_tags << " key " << key;
    EXPECT_EQ(resource.attributes.size(), 3 + c.expected.size()) << c.dd_tags;
  }
}

// ---------------------------------------------------------------------------------------------
// Endpoint

std::optional<std::string> url_of(const Env& env) {
  const auto url = otlp_traces_url(lookup_in(env));
  EXPECT_TRUE(url.has_value()) << (url ? "" : url.error().message);
  return url ? *url : std::optional<std::string>("<error>");
}

TEST(OtlpTracesUrl, NoVariableMeansTheExporterIsOff) {
  EXPECT_EQ(url_of({}), std::nullopt);
  EXPECT_EQ(url_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", ""}}), std::nullopt);
  EXPECT_EQ(url_of({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ""}}), std::nullopt);
}

TEST(OtlpTracesUrl, EndpointRules) {
  struct Case {
    Env env;
    std::string expected;
  };
  const std::vector<Case> cases{
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"}},
       "http://collector:4318/v1/traces"},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"}},
       "http://collector:4318/v1/traces"},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://gw:8080/otlp/"}}, "http://gw:8080/otlp/v1/traces"},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "HTTP://localhost"}}, "http://localhost/v1/traces"},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://[::1]:4318"}}, "http://[::1]:4318/v1/traces"},
      // The traces endpoint is used as is, and wins over the base endpoint.
      {{{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/custom/path"}},
       "http://127.0.0.1:4318/custom/path"},
      {{{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/"}},
       "http://127.0.0.1:4318/"},
      {{{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://h:1/v1/traces?tenant=a"}},
       "http://h:1/v1/traces?tenant=a"},
      {{{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:9999/t"},
        {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318"}},
       "http://traces:9999/t"},
  };
  for (const auto& c : cases) EXPECT_EQ(url_of(c.env), c.expected);
}

TEST(OtlpTracesUrl, BadUrlsAreErrorsNamingTheVariable) {
  const std::vector<std::string> bad{"https://collector:4318",
                                     "grpc://collector:4317",
                                     "collector:4318",
                                     "http://",
                                     "http:///v1/traces",
                                     "http://:4318",
                                     "http://host:0",
                                     "http://host:65536",
                                     "http://host:abc",
                                     "http://host:",
                                     "http://user:pw@host:4318",
                                     "http://host:4318/a b",
                                     "http://host:4318/#frag",
                                     "http://::1:4318",
                                     "http://[::1:4318",
                                     "http://[]:4318"};
  for (const std::string variable :
       {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"}) {
    for (const auto& text : bad) {
      const auto url = otlp_traces_url(lookup_in({{variable, text}}));
      ASSERT_FALSE(url.has_value()) << variable << "=" << text;
      EXPECT_EQ(url.error().variable, variable);
      EXPECT_EQ(url.error().message.rfind(variable + ": ", 0), 0u) << url.error().message;
      EXPECT_NE(url.error().message.find(text), std::string::npos) << url.error().message;
      EXPECT_EQ(url.error().message.find('\n'), std::string::npos);
    }
  }
  // A base endpoint gets /v1/traces appended, so a query there cannot work.
  const auto query = otlp_traces_url(lookup_in({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://h?x=1"}}));
  ASSERT_FALSE(query.has_value());
  EXPECT_EQ(query.error().variable, "OTEL_EXPORTER_OTLP_ENDPOINT");
}

}  // namespace
}  // namespace srelab::telemetry
