// The header checks made before a request's body is read: Host (one, valid host[:port], present
// in HTTP/1.1) and Transfer-Encoding (final coding chunked, no Content-Length beside it, none in
// HTTP/1.0). One table on headers built by hand, one on raw bytes through Beast's parser that pins
// down which shapes Beast 1.81 refuses itself and which only framing_error() does.
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/request_framing.hpp"

namespace srelab::http {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct HeaderCase {
  const char* name;
  unsigned version;
  Fields fields;
  std::optional<Status> refused;
  const char* detail_has = "";
};

class FramingErrorTest : public ::testing::TestWithParam<HeaderCase> {};

TEST_P(FramingErrorTest, RefusesWhatTheRfcRejects) {
  const HeaderCase& c = GetParam();
  RequestHeader header;
  header.method(Verb::post);
  header.target("/echo");
  header.version(c.version);
  for (const auto& [name, value] : c.fields) header.insert(name, value);
  const auto error = framing_error(header);
  ASSERT_EQ(error.has_value(), c.refused.has_value()) << (error ? error->detail : "(accepted)");
  if (!error) return;
  EXPECT_EQ(error->status, *c.refused);
  EXPECT_EQ(error->error, beast_http::obsolete_reason(*c.refused));
  EXPECT_NE(error->detail.find(c.detail_has), std::string::npos) << error->detail;
}

const std::pair<std::string, std::string> kHost{"Host", "lab:8000"};

INSTANTIATE_TEST_SUITE_P(
    Table, FramingErrorTest,
    ::testing::Values(
        HeaderCase{"plain", 11, {kHost}, std::nullopt},
        HeaderCase{"content_length", 11, {kHost, {"Content-Length", "5"}}, std::nullopt},
        HeaderCase{"chunked", 11, {kHost, {"Transfer-Encoding", "chunked"}}, std::nullopt},
        HeaderCase{"chunked_any_case", 11, {kHost, {"Transfer-Encoding", " Chunked "}}, {}},
        HeaderCase{"http10_without_host", 10, {}, std::nullopt},
        HeaderCase{"http10_with_host", 10, {kHost}, std::nullopt},
        // Host
        HeaderCase{"http11_without_host", 11, {}, Status::bad_request, "must have a Host"},
        HeaderCase{
            "two_hosts", 11, {kHost, {"Host", "other"}}, Status::bad_request, "more than one Host"},
        HeaderCase{"two_equal_hosts", 11, {kHost, kHost}, Status::bad_request},
        HeaderCase{"two_hosts_http10", 10, {kHost, kHost}, Status::bad_request},
        HeaderCase{"host_with_spaces",
                   11,
                   {{"Host", "a b c"}},
                   Status::bad_request,
                   "not a valid host[:port]"},
        HeaderCase{"host_with_userinfo", 11, {{"Host", "user@host"}}, Status::bad_request},
        HeaderCase{"bad_host_http10", 10, {{"Host", "a/b"}}, Status::bad_request},
        // Transfer-Encoding
        HeaderCase{"te_gzip",
                   11,
                   {kHost, {"Transfer-Encoding", "gzip"}},
                   Status::bad_request,
                   "must be chunked, not 'gzip'"},
        HeaderCase{"te_identity",
                   11,
                   {kHost, {"Transfer-Encoding", "identity"}},
                   Status::bad_request,
                   "not 'identity'"},
        HeaderCase{"te_chunked_gzip",
                   11,
                   {kHost, {"Transfer-Encoding", "chunked, gzip"}},
                   Status::bad_request,
                   "not 'gzip'"},
        HeaderCase{"te_empty",
                   11,
                   {kHost, {"Transfer-Encoding", ""}},
                   Status::bad_request,
                   "names no coding"},
        HeaderCase{"te_only_commas",
                   11,
                   {kHost, {"Transfer-Encoding", " , ,"}},
                   Status::bad_request,
                   "names no coding"},
        HeaderCase{"te_chunked_twice",
                   11,
                   {kHost, {"Transfer-Encoding", "chunked, chunked"}},
                   Status::bad_request,
                   "more than once"},
        HeaderCase{"te_chunked_in_two_fields",
                   11,
                   {kHost, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}},
                   Status::bad_request,
                   "more than once"},
        HeaderCase{"te_second_field_gzip",
                   11,
                   {kHost, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "gzip"}},
                   Status::bad_request,
                   "not 'gzip'"},
        HeaderCase{"te_chunked_with_parameter",
                   11,
                   {kHost, {"Transfer-Encoding", "chunked;x=1"}},
                   Status::bad_request},
        HeaderCase{"te_and_content_length",
                   11,
                   {kHost, {"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}},
                   Status::bad_request,
                   "both Transfer-Encoding and Content-Length"},
        HeaderCase{"te_in_http10",
                   10,
                   {kHost, {"Transfer-Encoding", "chunked"}},
                   Status::bad_request,
                   "HTTP/1.0"},
        HeaderCase{"te_gzip_then_chunked",
                   11,
                   {kHost, {"Transfer-Encoding", "gzip, chunked"}},
                   Status::not_implemented,
                   "'gzip' is not supported"},
        HeaderCase{"te_gzip_then_chunked_two_fields",
                   11,
                   {kHost, {"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}},
                   Status::not_implemented}),
    [](const ::testing::TestParamInfo<HeaderCase>& info) { return std::string(info.param.name); });

struct HostCase {
  const char* value;
  std::optional<HostPort> parsed;
};

TEST(ParseHostHeaderTest, AcceptsHostAndPortAsRfc3986DefinesThem) {
  const HostCase cases[] = {
      {"lab", HostPort{"lab", ""}},
      {"lab:8000", HostPort{"lab", "8000"}},
      {"Lab.Example:80", HostPort{"Lab.Example", "80"}},
      {"127.0.0.1:8000", HostPort{"127.0.0.1", "8000"}},
      {"[::1]:8000", HostPort{"::1", "8000"}},
      {"[::1]", HostPort{"::1", ""}},
      {"x:65535", HostPort{"x", "65535"}},
      {"x:0", HostPort{"x", "0"}},
      {"a_b~c-d", HostPort{"a_b~c-d", ""}},
      {"%6cab", HostPort{"%6cab", ""}},  // escaped, as sent
      {"", std::nullopt},
      {":8000", std::nullopt},
      {"a b c", std::nullopt},
      {" lab", std::nullopt},
      {"user@host", std::nullopt},
      {"@host", std::nullopt},
      {"host/", std::nullopt},
      {"host/path", std::nullopt},
      {"host:", std::nullopt},
      {"host:65536", std::nullopt},
      {"host:99999999999", std::nullopt},
      {"host:-1", std::nullopt},
      {"host:+80", std::nullopt},
      {"host:8a", std::nullopt},
      {"host:80:80", std::nullopt},
      {"::1", std::nullopt},
      {"[::1", std::nullopt},
      {"[::1]x", std::nullopt},
      {"[fe80::1%25eth0]", std::nullopt},
      {"[v1.future]", std::nullopt},
      {"[not-ipv6]", std::nullopt},
      {"%zz", std::nullopt},
      {"host?x", std::nullopt},
      {"host#x", std::nullopt},
  };
  for (const HostCase& c : cases) {
    const auto parsed = parse_host_header(c.value);
    ASSERT_EQ(parsed.has_value(), c.parsed.has_value()) << "'" << c.value << "'";
    if (!parsed) continue;
    EXPECT_EQ(parsed->host, c.parsed->host) << c.value;
    EXPECT_EQ(parsed->port, c.parsed->port) << c.value;
  }
}

// Raw request heads through Beast's request_parser as the session drives it (header first):
// each is refused either by Beast (a parse error: the session answers 400 with its message) or,
// when Beast accepts the header, by framing_error(). `beast_refuses` pins down Beast 1.81's part:
// it takes `gzip`, `identity`, `chunked, gzip` and an empty Transfer-Encoding as "no body" (so the
// body would be read as the next request), and Content-Length after a non-chunked coding as the
// length.
struct BytesCase {
  const char* name;
  std::string head;
  bool beast_refuses;
};

class BeastAndFramingTest : public ::testing::TestWithParam<BytesCase> {};

TEST_P(BeastAndFramingTest, EveryShapeIsRefusedBeforeTheBody) {
  const BytesCase& c = GetParam();
  beast_http::request_parser<beast_http::string_body> parser;
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(c.head), ec);
  EXPECT_EQ(static_cast<bool>(ec), c.beast_refuses) << ec.message();
  if (ec) return;
  ASSERT_TRUE(parser.is_header_done());
  const auto error = framing_error(parser.get());
  ASSERT_TRUE(error) << "accepted by both";
  EXPECT_EQ(error->status, Status::bad_request);
}

const std::string kHead = "POST /echo HTTP/1.1\r\nHost: lab\r\n";

INSTANTIATE_TEST_SUITE_P(
    Table, BeastAndFramingTest,
    ::testing::Values(
        BytesCase{"te_gzip", kHead + "Transfer-Encoding: gzip\r\n\r\n", false},
        BytesCase{"te_identity", kHead + "Transfer-Encoding: identity\r\n\r\n", false},
        BytesCase{"te_chunked_gzip", kHead + "Transfer-Encoding: chunked, gzip\r\n\r\n", false},
        BytesCase{"te_empty", kHead + "Transfer-Encoding: \r\n\r\n", false},
        BytesCase{"te_gzip_then_length",
                  kHead + "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\n", false},
        BytesCase{"te_chunked_then_length",
                  kHead + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", true},
        BytesCase{"length_then_te",
                  kHead + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", true},
        BytesCase{"te_chunked_twice_in_two_fields",
                  kHead + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", true},
        BytesCase{"te_chunked_twice_in_one_field",
                  kHead + "Transfer-Encoding: chunked, chunked\r\n\r\n", false},
        BytesCase{"te_in_http10", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
                  false},
        BytesCase{"two_hosts", kHead + "Host: other\r\n\r\n", false},
        BytesCase{"host_with_userinfo", "GET / HTTP/1.1\r\nHost: user@host\r\n\r\n", false},
        BytesCase{"host_with_spaces", "GET / HTTP/1.1\r\nHost: a b c\r\n\r\n", false}),
    [](const ::testing::TestParamInfo<BytesCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace srelab::http
