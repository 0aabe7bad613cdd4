// The console's Experiments endpoints on the running service (in-process): a posted run is
// listed and its report served under a policy that runs no script; refusals name their field; a
// run larger than the server's body limit still gets in, up to the route's own 8 MiB; starting a
// run checks its request and, in a test process with no sre-lab executable to start, says it
// cannot; on a public address without a token the endpoints are closed like the other admin ones.
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <string>

#include "support/service_fixture.hpp"

namespace srelab::app {
namespace {

using namespace srelab::testing;

std::string str(const boost::json::value& value) {
  return value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value);
}

// A run as `sre-lab experiment run` posts it, trimmed to what the console reads.
std::string run_body(const std::string& verdict = "held", std::string report = "<h1>Report</h1>") {
  const boost::json::object journal{{"experiment", {{"title", "A test run"}, {"tags", {"test"}}}},
                                    {"start", "2026-01-01T00:00:00.000000"},
                                    {"duration", 12.5},
                                    {"status", "completed"},
                                    {"run",
                                     {{{"sre-lab",
                                        {{"phase", "injection"},
                                         {"statement", "it rose"},
                                         {"judgement", "met"},
                                         {"evidence", "it rose a lot"}}}}}},
                                    {"extensions",
                                     {{{"name", "sre-lab"},
                                       {"verdict", verdict},
                                       {"reason", "because"},
                                       {"phases",
                                        {{{"name", "baseline"}, {"start", 0}, {"end", 4}},
                                         {{"name", "injection"}, {"start", 4}, {"end", 10}}}}}}}};
  return boost::json::serialize(boost::json::object{
      {"journal", journal}, {"report_html", std::move(report)}, {"name", "test-run"}});
}

using ConsoleExperimentsTest = ServiceTest;

TEST_F(ConsoleExperimentsTest, APostedRunIsListedAndItsReportServed) {
  const HttpReply empty = get("/console/api/experiments");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_TRUE(empty.json.at("runs").as_array().empty());
  EXPECT_EQ(empty.json.at("launch"), nullptr);
  bool leak_shipped = false;
  for (const auto& item : empty.json.at("shipped").as_array())
    if (item.at("name") == "part4-memory-leak") {
      leak_shipped = true;
      EXPECT_NE(str(item.at("title")).find("memory leak"), std::string::npos) << item;
    }
  EXPECT_TRUE(leak_shipped) << empty.body;

  const HttpReply added = post("/console/api/experiments", run_body());
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json.at("id"), 1);
  EXPECT_EQ(str(added.json.at("report_url")), "/console/api/experiments/1/report");
  ASSERT_EQ(post("/console/api/experiments", run_body("deviated")).status, 201);

  const HttpReply list = get("/console/api/experiments");
  const auto& runs = list.json.at("runs").as_array();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].at("id"), 2) << "newest first";
  EXPECT_EQ(str(runs[0].at("verdict")), "deviated");
  const auto& run = runs[1].as_object();
  EXPECT_EQ(str(run.at("title")), "A test run");
  EXPECT_EQ(str(run.at("experiment")), "test-run");
  EXPECT_EQ(str(run.at("verdict")), "held");
  EXPECT_EQ(str(run.at("reason")), "because");
  EXPECT_EQ(str(run.at("start")), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(run.at("duration_s").to_number<double>(), 12.5);
  const auto& injection = run.at("phases").as_array().at(1);
  EXPECT_EQ(str(injection.at("name")), "injection");
  EXPECT_EQ(injection.at("start").to_number<double>(), 1767225604000.0);
  EXPECT_EQ(injection.at("end").to_number<double>(), 1767225610000.0);
  EXPECT_EQ(str(run.at("probes").as_array().at(0).at("evidence")), "it rose a lot");

  const HttpReply report = get("/console/api/experiments/1/report");
  ASSERT_EQ(report.status, 200);
  EXPECT_EQ(report.body, "<h1>Report</h1>");
  EXPECT_EQ(report.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(report.header("Content-Security-Policy"),
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:");

  const HttpReply missing = get("/console/api/experiments/99/report");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(str(missing.json.at("detail")).find("run 99"), std::string::npos);
  const HttpReply bad_id = get("/console/api/experiments/abc/report");
  EXPECT_EQ(bad_id.status, 422);
  EXPECT_EQ(str(bad_id.json.at("key")), "id");
}

TEST_F(ConsoleExperimentsTest, RefusalsNameTheField) {
  struct Case {
    std::string body;
    int status;
    const char* key;
  };
  const Case cases[] = {
      {"{not json", 400, nullptr},
      {R"({"report_html": "<p>"})", 422, "journal"},
      {R"({"journal": {"start": "2026-01-01T00:00:00"}, "report_html": "<p>"})", 422,
       "journal.extensions"},
      {run_body("splendid"), 422, "journal.extensions[0].verdict"},
      {run_body("held", ""), 422, "report_html"},
  };
  for (const Case& c : cases) {
    const HttpReply reply = post("/console/api/experiments", c.body);
    EXPECT_EQ(reply.status, c.status) << c.body << " → " << reply.body;
    if (c.key != nullptr) {
      EXPECT_EQ(field(reply, "key"), c.key) << reply.body;
    }
  }
  EXPECT_TRUE(get("/console/api/experiments").json.at("runs").as_array().empty());
}

// Sends only the header of a POST to `target` whose body would be `length` bytes, and returns the
// whole answer: the service refuses an oversize body as soon as the header says how long it is,
// then closes. (A client that wrote the whole body first could fail on the closed connection.)
std::string answer_to_header(std::uint16_t port, const std::string& target, std::size_t length) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  const std::string head = "POST " + target +
                           " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                           "Content-Length: " +
                           std::to_string(length) + "\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(head));
  boost::asio::streambuf answer;
  boost::system::error_code ec;
  boost::asio::read(socket, answer, ec);  // until the service closes
  const auto data = answer.data();
  return {static_cast<const char*>(data.data()), data.size()};
}

TEST_F(ConsoleExperimentsTest, ARunMayBeLargerThanTheServersBodyLimitUpTo8MiB) {
  ASSERT_EQ(service_->config().server.body_limit, 1u << 20);
  const HttpReply big =
      post("/console/api/experiments", run_body("held", std::string(3 << 20, 'r')));
  ASSERT_EQ(big.status, 201) << big.body.substr(0, 300);
  EXPECT_EQ(get("/console/api/experiments/1/report").body.size(), 3u << 20);

  const std::string over =
      answer_to_header(service_->port(), "/console/api/experiments", (8 << 20) + 1);
  EXPECT_TRUE(over.starts_with("HTTP/1.1 413 Payload Too Large")) << over;
  EXPECT_NE(over.find("limit of 8388608 bytes"), std::string::npos) << over;
  const std::string other = answer_to_header(service_->port(), "/chaos/configure", 2 << 20);
  EXPECT_TRUE(other.starts_with("HTTP/1.1 413")) << "the other routes keep the server's limit";
  EXPECT_NE(other.find("limit of 1048576 bytes"), std::string::npos) << other;
}

TEST_F(ConsoleExperimentsTest, StartingARunChecksItsRequest) {
  const HttpReply unknown =
      post("/console/api/experiments/run", R"({"name": "no-such-experiment"})");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(field(unknown, "key"), "name");
  const HttpReply bad_var = post("/console/api/experiments/run",
                                 R"({"name": "part4-memory-leak", "vars": {"mb": "1\n2"}})");
  EXPECT_EQ(bad_var.status, 422);
  EXPECT_EQ(field(bad_var, "key"), "vars.mb");
  // A service inside a test binary has no sre-lab executable to start.
  const HttpReply cannot = post("/console/api/experiments/run", R"({"name": "part4-memory-leak"})");
  EXPECT_EQ(cannot.status, 503) << cannot.body;
  EXPECT_EQ(get("/console/api/experiments").json.at("can_launch"), false);
}

class PublicConsoleExperimentsTest : public ServiceTest {
 protected:
  PublicConsoleExperimentsTest() { flags_["host"] = "0.0.0.0"; }
};

TEST_F(PublicConsoleExperimentsTest, ClosedWithoutATokenLikeTheOtherAdminEndpoints) {
  EXPECT_EQ(get("/console/api/experiments").status, 403);
  EXPECT_EQ(post("/console/api/experiments", run_body()).status, 403);
  EXPECT_EQ(post("/console/api/experiments/run", R"({"name": "part4-memory-leak"})").status, 403);
  EXPECT_EQ(get("/console/api/experiments/1/report").status, 403);
}

}  // namespace
}  // namespace srelab::app
