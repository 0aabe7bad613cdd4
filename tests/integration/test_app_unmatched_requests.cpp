// Requests no handler ever sees — an unknown path (404), a known path with the wrong method (405),
// a request the session refuses to parse (400) or whose header is over the limit (431) — are
// counted in http_server_requests_total under route="unmatched" on the real service, without the
// path the client sent becoming a label; a 404 or 405 carries X-Trace-Id as a matched answer does.
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "support/service_fixture.hpp"

namespace srelab::app {
namespace {

using namespace srelab::testing;

// The value of the sample line `series value`, or -1 when the exposition has no such line.
double sample(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
    at += series.size();
  }
  return -1;
}

std::string requests(const char* status) {
  return std::string(R"(http_server_requests_total{route="unmatched",status=")") + status + "\"}";
}

const std::string kUnmatchedCount =
    R"(http_server_request_duration_seconds_count{route="unmatched"})";

// Sends `raw` bytes as they are and reads until the server closes; the status of the answer
// (0 when there is none).
int raw_exchange(std::uint16_t port, const std::string& raw) {
  boost::asio::io_context context;
  boost::asio::ip::tcp::socket socket(context);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(raw));
  std::string answer;
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::dynamic_buffer(answer), ec);  // until EOF
  if (answer.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(answer.substr(9, 3));
}

using UnmatchedRequestsTest = ServiceTest;

TEST_F(UnmatchedRequestsTest, AnswersWithoutAHandlerAreCountedUnderUnmatched) {
  const std::string before = get("/metrics").body;
  for (const char* status : {"400", "404", "405", "431"})
    EXPECT_EQ(sample(before, requests(status)), 0) << status << "\n" << before.substr(0, 2000);
  EXPECT_EQ(sample(before, kUnmatchedCount), 0);

  EXPECT_EQ(get("/nope").status, 404);
  EXPECT_EQ(get("/nope/deeper?x=1").status, 404);
  EXPECT_EQ(del("/products/1").status, 405);
  EXPECT_EQ(raw_exchange(service_->port(),
                         "GET /products/1 HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"),
            400);
  EXPECT_EQ(raw_exchange(service_->port(), "GET /products/1 HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                               std::string(16 * 1024, 'a') + "\r\n\r\n"),
            431);

  const std::string after = get("/metrics").body;
  EXPECT_EQ(sample(after, requests("404")), 2) << after.substr(0, 2000);
  EXPECT_EQ(sample(after, requests("405")), 1);
  EXPECT_EQ(sample(after, requests("400")), 1);
  EXPECT_EQ(sample(after, requests("431")), 1);
  EXPECT_EQ(sample(after, requests("200")), 0) << "nothing answered without a handler is a 200";
  EXPECT_EQ(sample(after, kUnmatchedCount), 5) << "each one timed once";
  // The routes the handlers serve are not charged with them.
  EXPECT_EQ(sample(after, R"(http_server_requests_total{route="/products/{id}",status="405"})"), 0);
  EXPECT_EQ(sample(after, R"(http_server_requests_total{route="/products/{id}",status="400"})"), 0);
  // The path the client sent never becomes a label value.
  EXPECT_EQ(after.find("/nope"), std::string::npos);
  EXPECT_EQ(after.find("deeper"), std::string::npos);
}

// A 404 is answered like any other request: its X-Trace-Id names its trace (32 hex digits), so a
// learner can look up what a mistyped URL did in the console, as for a matched route. So does
// the 404 of a route that matched but found nothing: a product that does not exist, an asset or a
// trace the console does not have.
TEST_F(UnmatchedRequestsTest, UnmatchedAnswersCarryTheirTraceId) {
  const HttpReply matched = get("/products/1");
  ASSERT_EQ(matched.header("X-Trace-Id").size(), 32u);
  for (const char* target :
       {"/nope", "/lab", "/chaos/nope?x=1", "/products/10001", "/assets/console/nope.js",
        "/console/api/traces/0123456789abcdef0123456789abcdef"}) {
    const HttpReply missing = get(target);
    EXPECT_EQ(missing.status, 404) << target;
    const std::string id = missing.header("X-Trace-Id");
    EXPECT_EQ(id.size(), 32u) << target << ": '" << id << "'";
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    EXPECT_NE(id, matched.header("X-Trace-Id"));
  }
  const HttpReply wrong_method = del("/products/1");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("X-Trace-Id").size(), 32u);
}

}  // namespace
}  // namespace srelab::app
