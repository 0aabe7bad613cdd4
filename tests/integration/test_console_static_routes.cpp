// The static routes (console/static_routes) over real loopback sockets: an http::Server with a
// Router holding only add_static_routes, no database. What a browser gets for /docs,
// /openapi.json, /console and /assets/..., revalidation with If-None-Match, HEAD, and the errors.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <memory>
#include <string>
#include <vector>

#include "console/static_routes.hpp"
#include "console/web_assets.hpp"
#include "http/io_threads.hpp"
#include "http/route_metrics.hpp"
#include "http/server.hpp"
#include "telemetry/prometheus/prometheus_text.hpp"

namespace srelab::console {
namespace {

namespace beast_http = boost::beast::http;
using Fields = std::vector<std::pair<beast_http::field, std::string>>;

struct Reply {
  unsigned status = 0;
  beast_http::response<beast_http::string_body> message;
  std::string header(beast_http::field f) const { return std::string(message[f]); }
  const std::string& body() const { return message.body(); }
};

class StaticRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.use(http::route_metrics(registry_));  // as the service composes its routers
    add_static_routes(router_);
    http::ServerSettings settings;
    settings.port = 0;
    server_ = std::make_unique<http::Server>(
        settings, threads_, [this](std::size_t) -> const http::Router& { return router_; });
    ASSERT_TRUE(server_->start());
    threads_.start();
  }
  void TearDown() override {
    server_->stop();
    threads_.stop();
    threads_.join();
  }

  Reply request(beast_http::verb method, const std::string& target, const Fields& fields = {}) {
    boost::asio::io_context context;
    boost::asio::ip::tcp::socket socket(context);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
    beast_http::request<beast_http::string_body> request{method, target, 11};
    request.set(beast_http::field::host, "127.0.0.1");
    for (const auto& [name, value] : fields) request.set(name, value);
    request.prepare_payload();
    beast_http::write(socket, request);
    boost::beast::flat_buffer buffer;
    beast_http::response_parser<beast_http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (method == beast_http::verb::head) parser.skip(true);
    beast_http::read(socket, buffer, parser);
    Reply reply;
    reply.status = parser.get().result_int();
    reply.message = parser.release();
    return reply;
  }
  Reply get(const std::string& target, const Fields& fields = {}) {
    return request(beast_http::verb::get, target, fields);
  }

  http::IoThreads threads_{1};
  http::Router router_;
  telemetry::Registry registry_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(StaticRoutesTest, DocsIsSwaggerUiOverTheOpenApiDocument) {
  const Reply docs = get("/docs");
  ASSERT_EQ(docs.status, 200u);
  EXPECT_EQ(docs.header(beast_http::field::content_type), "text/html; charset=utf-8");
  EXPECT_NE(docs.body().find("<div id=\"swagger-ui\">"), std::string::npos);
  EXPECT_NE(docs.body().find("/assets/swagger-ui/swagger-ui-bundle.js"), std::string::npos);
  EXPECT_NE(docs.body().find("/assets/swagger-ui/swagger-ui.css"), std::string::npos);

  const Reply init = get("/assets/docs/swagger-initializer.js");
  ASSERT_EQ(init.status, 200u);
  EXPECT_EQ(init.header(beast_http::field::content_type), "text/javascript; charset=utf-8");
  EXPECT_NE(init.body().find("url: \"/openapi.json\""), std::string::npos);
  EXPECT_NE(init.body().find("tryItOutEnabled: true"), std::string::npos);

  const Reply bundle = get("/assets/swagger-ui/swagger-ui-bundle.js");
  ASSERT_EQ(bundle.status, 200u);
  EXPECT_EQ(bundle.header(beast_http::field::content_type), "text/javascript; charset=utf-8");
  EXPECT_EQ(bundle.body(), find_web_asset("/assets/swagger-ui/swagger-ui-bundle.js")->body);
  EXPECT_EQ(get("/assets/swagger-ui/swagger-ui.css").header(beast_http::field::content_type),
            "text/css; charset=utf-8");
  EXPECT_EQ(get("/assets/swagger-ui/favicon-32x32.png").header(beast_http::field::content_type),
            "image/png");
}

TEST_F(StaticRoutesTest, OpenApiJsonIsTheEmbeddedDocument) {
  const Reply reply = get("/openapi.json");
  ASSERT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.header(beast_http::field::content_type), "application/json");
  boost::system::error_code ec;
  const auto document = boost::json::parse(reply.body(), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(document.at("paths").as_object().contains("/docs"));
  EXPECT_EQ(reply.body(), find_web_asset("/openapi.json")->body);
}

TEST_F(StaticRoutesTest, ConsoleIsTheConsolePageAndUplotIsServed) {
  const Reply console = get("/console");
  ASSERT_EQ(console.status, 200u);
  EXPECT_EQ(console.header(beast_http::field::content_type), "text/html; charset=utf-8");
  EXPECT_EQ(console.body(), find_web_asset("/assets/console/index.html")->body);

  const Reply uplot = get("/assets/uplot/uPlot.iife.min.js");
  ASSERT_EQ(uplot.status, 200u);
  EXPECT_EQ(uplot.header(beast_http::field::content_type), "text/javascript; charset=utf-8");
  EXPECT_NE(uplot.body().find("uPlot"), std::string::npos);
  EXPECT_EQ(get("/assets/uplot/uPlot.min.css").header(beast_http::field::content_type),
            "text/css; charset=utf-8");
}

// The page loads console.js as an ES module, which imports one module per view: each must come
// with a JavaScript type, or the browser refuses it (and nosniff forbids any guessing).
TEST_F(StaticRoutesTest, TheConsoleModulesAreServedAsJavaScript) {
  const Reply page = get("/console");
  ASSERT_EQ(page.status, 200u);
  EXPECT_NE(page.body().find(R"(<script type="module" src="/assets/console/console.js">)"),
            std::string::npos);

  const std::string_view files[] = {"console.js", "format.js",    "api.js",         "tabs.js",
                                    "vitals.js",  "dashboard.js", "traces.js",      "logs.js",
                                    "chaos.js",   "bulk.js",      "dependencies.js"};
  for (const std::string_view file : files) {
    const std::string path = "/assets/console/" + std::string(file);
    const Reply reply = get(path);
    ASSERT_EQ(reply.status, 200u) << path;
    EXPECT_EQ(reply.header(beast_http::field::content_type), "text/javascript; charset=utf-8")
        << path;
    EXPECT_EQ(reply.message["X-Content-Type-Options"], "nosniff") << path;
    EXPECT_EQ(reply.body(), find_web_asset(path)->body) << path;
  }
}

TEST_F(StaticRoutesTest, EveryEmbeddedAssetIsServedAtItsPath) {
  for (const WebAsset& asset : web_assets()) {
    const Reply reply = get(std::string(asset.path));
    EXPECT_EQ(reply.status, 200u) << asset.path;
    EXPECT_EQ(reply.header(beast_http::field::content_type), asset.content_type) << asset.path;
    EXPECT_EQ(reply.body().size(), asset.body.size()) << asset.path;
  }
}

TEST_F(StaticRoutesTest, ARepeatedRequestWithTheEtagGets304) {
  const Reply first = get("/assets/uplot/uPlot.min.css");
  ASSERT_EQ(first.status, 200u);
  const std::string etag = first.header(beast_http::field::etag);
  EXPECT_EQ(etag, find_web_asset("/assets/uplot/uPlot.min.css")->etag);
  EXPECT_EQ(first.header(beast_http::field::cache_control), "no-cache");

  const Reply again =
      get("/assets/uplot/uPlot.min.css", {{beast_http::field::if_none_match, etag}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_EQ(again.header(beast_http::field::etag), etag);
  EXPECT_TRUE(again.body().empty());

  const Reply changed =
      get("/assets/uplot/uPlot.min.css", {{beast_http::field::if_none_match, "\"old\""}});
  EXPECT_EQ(changed.status, 200u);
  EXPECT_EQ(changed.body(), first.body());

  const Reply docs = get("/docs");
  EXPECT_EQ(get("/docs", {{beast_http::field::if_none_match, docs.header(beast_http::field::etag)}})
                .status,
            304u);
}

TEST_F(StaticRoutesTest, HeadAnswersWithTheLengthAndNoBody) {
  const Reply head = request(beast_http::verb::head, "/openapi.json");
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.header(beast_http::field::content_type), "application/json");
  EXPECT_EQ(head.header(beast_http::field::content_length),
            std::to_string(find_web_asset("/openapi.json")->body.size()));
}

TEST_F(StaticRoutesTest, UnknownFilesAndMethodsAreJsonErrors) {
  const Reply missing = get("/assets/uplot/nope.js");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.header(beast_http::field::content_type), "application/json");
  EXPECT_EQ(missing.body(),
            R"({"error":"Not Found","detail":"no embedded file at /assets/uplot/nope.js"})");

  EXPECT_EQ(get("/assets/nope").status, 404u);  // no group: no route
  EXPECT_EQ(get("/assets/uplot/../openapi.json").status, 404u);
  EXPECT_EQ(get("/docs/").status, 404u);

  const Reply post = request(beast_http::verb::post, "/docs");
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.header(beast_http::field::allow), "GET, HEAD");
}

TEST_F(StaticRoutesTest, RequestsAreCountedByRoute) {
  get("/docs");
  get("/assets/uplot/uPlot.min.css");
  get("/assets/uplot/nope.js");
  const std::string text = telemetry::render_prometheus(registry_);
  EXPECT_NE(text.find(R"(http_server_requests_total{route="/docs",status="200"} 1)"),
            std::string::npos)
      << text.substr(0, 2000);
  EXPECT_NE(
      text.find(R"(http_server_requests_total{route="/assets/{group}/{file}",status="200"} 1)"),
      std::string::npos);
  EXPECT_NE(
      text.find(R"(http_server_requests_total{route="/assets/{group}/{file}",status="404"} 1)"),
      std::string::npos);
}

}  // namespace
}  // namespace srelab::console
