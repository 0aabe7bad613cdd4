// parse_http_url: the one reader of http:// URLs (the exchange, the trace transport, the runner).
#include <gtest/gtest.h>

#include "http/http_url.hpp"

namespace srelab::http {
namespace {

TEST(HttpUrl, ReadsHostPortAndOriginFormTarget) {
  const auto url = parse_http_url("http://127.0.0.1:8080/products/7?x=1#fragment");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->host_header, "127.0.0.1:8080");
  EXPECT_EQ(url->target, "/products/7?x=1");  // a fragment is never sent
}

TEST(HttpUrl, DefaultsToPort80AndTheRootPath) {
  const auto url = parse_http_url("http://localhost");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "localhost");
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->host_header, "localhost");
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(parse_http_url("http://localhost?q=1")->target, "/?q=1");
}

// The address to connect to has no brackets; the Host header keeps them, as HTTP requires.
TEST(HttpUrl, AnIpv6HostIsBracketedOnlyInTheHostHeader) {
  const auto url = parse_http_url("http://[::1]:9/v0.4/traces");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->host_header, "[::1]:9");
}

TEST(HttpUrl, TheSchemeIsCaseInsensitive) {
  EXPECT_TRUE(parse_http_url("HTTP://127.0.0.1:1/"));
}

TEST(HttpUrl, RefusesWhatItCannotSendTo) {
  for (const char* text :
       {"https://127.0.0.1/", "unix:///var/run/apm.socket", "not a url", "", "http:///nohost",
        "http://127.0.0.1:0/x", "http://user:secret@127.0.0.1/", "http://[v1.x]/", "/relative",
        "127.0.0.1:8080"}) {
    EXPECT_FALSE(parse_http_url(text)) << text;
  }
}

}  // namespace
}  // namespace srelab::http
