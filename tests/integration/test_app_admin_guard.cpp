// The admin endpoints of the real service (loopback listener, no token) against the requests a
// hostile page can make a browser send: a cross-site "simple" POST (text/plain body, the page's
// Origin), a request marked Sec-Fetch-Site: cross-site, and DNS rebinding (the page's own name in
// Host, same-origin with itself). Each is refused and changes nothing; the same fault set the way
// the guide's curl does, or by the console's page (same origin), goes through. Raw requests, so
// the headers are exactly a browser's.
#include <gtest/gtest.h>

#include <string>

#include "support/service_fixture.hpp"

namespace srelab::app {
namespace {

using namespace srelab::testing;

class AdminGuardTest : public ServiceTest {
 protected:
  // POST /chaos/configure setting db_failure_rate to 1, with the given Host and more headers.
  HttpReply configure(const std::string& host, const std::string& headers,
                      const std::string& content_type = "text/plain") {
    const std::string body = R"({"db_failure_rate": 1.0})";
    return HttpClient(service_->port())
        .raw("POST /chaos/configure HTTP/1.1\r\nHost: " + host + "\r\n" + headers +
             "Content-Type: " + content_type +
             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }

  double failure_rate() {
    const HttpReply chaos = get("/chaos");
    return chaos.json.at("settings").at("db_failure_rate").to_number<double>();
  }

  std::string self() const { return "127.0.0.1:" + std::to_string(service_->port()); }

  void TearDown() override {
    post("/chaos/reset");
    ServiceTest::TearDown();
  }
};

TEST_F(AdminGuardTest, CrossSitePostIsRefusedAndChangesNothing) {
  const HttpReply reply = configure(self(), "Origin: http://evil.example\r\n");
  EXPECT_EQ(reply.status, 403) << reply.body;
  EXPECT_EQ(field(reply, "error"), "Forbidden");
  EXPECT_NE(field(reply, "detail").find("Origin 'http://evil.example'"), std::string::npos)
      << reply.body;
  EXPECT_EQ(failure_rate(), 0.0);
}

TEST_F(AdminGuardTest, OriginNullAndOtherPortsAreOtherOrigins) {
  for (const std::string& origin :
       std::vector<std::string>{"null", "http://127.0.0.1:1", "https://" + self(),
                                "http://localhost:" + std::to_string(service_->port())}) {
    SCOPED_TRACE(origin);
    const HttpReply reply = configure(self(), "Origin: " + origin + "\r\n");
    EXPECT_EQ(reply.status, 403) << reply.body;
  }
  EXPECT_EQ(failure_rate(), 0.0);
}

TEST_F(AdminGuardTest, SecFetchSiteCrossSiteIsRefused) {
  const HttpReply post = configure(self(), "Sec-Fetch-Site: cross-site\r\n");
  EXPECT_EQ(post.status, 403) << post.body;
  // A GET too (an <img> or a navigation from another site carries no Origin).
  const HttpReply bulk =
      HttpClient(service_->port())
          .raw("GET /console/api/status HTTP/1.1\r\nHost: " + self() +
               "\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\n\r\n");
  EXPECT_EQ(bulk.status, 403) << bulk.body;
  EXPECT_EQ(failure_rate(), 0.0);
}

TEST_F(AdminGuardTest, DnsRebindingIsMisdirected) {
  const std::string port = std::to_string(service_->port());
  const HttpReply reply =
      configure("evil.example:" + port,
                "Origin: http://evil.example:" + port + "\r\nSec-Fetch-Site: same-origin\r\n");
  EXPECT_EQ(reply.status, 421) << reply.body;
  EXPECT_EQ(field(reply, "error"), "Misdirected Request");
  EXPECT_NE(field(reply, "detail").find("--allowed-host"), std::string::npos) << reply.body;
  EXPECT_EQ(failure_rate(), 0.0);
}

TEST_F(AdminGuardTest, CurlShapedRequestsPass) {
  // As `curl -X POST http://127.0.0.1:PORT/chaos/configure -d '{…}'` sends it.
  const HttpReply reply = configure(self(), "User-Agent: curl/7.88.1\r\nAccept: */*\r\n",
                                    "application/x-www-form-urlencoded");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(failure_rate(), 1.0);
}

TEST_F(AdminGuardTest, LocalhostAndAnyPortPass) {
  // The gateway forwards the client's Host, whose port is the gateway's.
  for (const std::string& host : std::vector<std::string>{
           "localhost:" + std::to_string(service_->port()), "127.0.0.1:8080", "localhost"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(configure(host, "", "application/json").status, 200);
  }
}

TEST_F(AdminGuardTest, TheConsolePageIsSameOrigin) {
  // What Chromium sends for the console's fetch() from http://localhost:PORT/console.
  const std::string host = "localhost:" + std::to_string(service_->port());
  const HttpReply reply =
      configure(host,
                "Origin: http://" + host +
                    "\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: cors\r\nReferer: "
                    "http://" +
                    host + "/console\r\n",
                "application/json");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(failure_rate(), 1.0);
}

TEST_F(AdminGuardTest, OtherRoutesDoNotCheckOrigin) {
  const HttpReply reply =
      HttpClient(service_->port())
          .raw(
              "GET /products/1 HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n"
              "Sec-Fetch-Site: cross-site\r\n\r\n");
  EXPECT_EQ(reply.status, 200) << reply.body;
}

class AllowedHostTest : public AdminGuardTest {
 protected:
  AllowedHostTest() { flags_["allowed-host"] = "lab.internal,other.internal"; }
};

TEST_F(AllowedHostTest, AConfiguredNamePassesAndOthersStillDoNot) {
  const std::string port = std::to_string(service_->port());
  EXPECT_EQ(configure("other.internal:" + port, "Origin: http://other.internal:" + port + "\r\n",
                      "application/json")
                .status,
            200);
  EXPECT_EQ(configure("LAB.internal", "", "application/json").status, 200);
  EXPECT_EQ(configure("evil.example:" + port, "", "application/json").status, 421);
}

}  // namespace
}  // namespace srelab::app
