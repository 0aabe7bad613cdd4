// The embedded web files (console/web_assets) and how static_routes answers for one: the files
// the pages need are in the binary, with the right types; the pages refer only to embedded files;
// ETag and If-None-Match. No sockets.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <regex>
#include <set>
#include <string>

#include "console/static_routes.hpp"
#include "console/web_assets.hpp"

namespace srelab::console {
namespace {

TEST(WebAssets, ContentTypeFollowsTheExtension) {
  struct Case {
    std::string_view path, type;
  };
  const Case cases[] = {
      {"/assets/console/index.html", "text/html; charset=utf-8"},
      {"/assets/uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
      {"/assets/uplot/uPlot.min.css", "text/css; charset=utf-8"},
      {"/openapi.json", "application/json"},
      {"/assets/swagger-ui/favicon-32x32.png", "image/png"},
      {"/assets/console/icon.svg", "image/svg+xml"},
      {"/assets/console/font.woff2", "font/woff2"},
      {"/assets/console/README", "application/octet-stream"},
      {"/assets/console.d/file", "application/octet-stream"},  // a dot in a folder is no extension
      {"/assets/console/archive.tar.gz", "application/octet-stream"},
  };
  for (const Case& c : cases) EXPECT_EQ(content_type_for(c.path), c.type) << c.path;
}

TEST(WebAssets, TheFilesThePagesNeedAreEmbedded) {
  struct Needed {
    std::string_view path, content_type, contains;
  };
  const Needed needed[] = {
      {"/assets/swagger-ui/swagger-ui-bundle.js", "text/javascript; charset=utf-8",
       "SwaggerUIBundle"},
      {"/assets/swagger-ui/swagger-ui.css", "text/css; charset=utf-8", ".swagger-ui"},
      {"/assets/swagger-ui/favicon-32x32.png", "image/png", "PNG"},
      {"/assets/uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8", "uPlot"},
      {"/assets/uplot/uPlot.min.css", "text/css; charset=utf-8", ".uplot"},
      {"/assets/docs/index.html", "text/html; charset=utf-8", "swagger-ui"},
      {"/assets/docs/swagger-initializer.js", "text/javascript; charset=utf-8", "/openapi.json"},
      {"/assets/console/index.html", "text/html; charset=utf-8", "<html"},
      // The console's ES modules: a browser refuses a module served with another type.
      {"/assets/console/console.js", "text/javascript; charset=utf-8", "window.sreConsole"},
      {"/assets/console/format.js", "text/javascript; charset=utf-8", "export function el("},
      {"/assets/console/api.js", "text/javascript; charset=utf-8", "export async function api("},
      {"/assets/console/tabs.js", "text/javascript; charset=utf-8", "export function showTab("},
      {"/assets/console/vitals.js", "text/javascript; charset=utf-8", "/console/api/status"},
      {"/assets/console/dashboard.js", "text/javascript; charset=utf-8", "/console/api/timeline"},
      {"/assets/console/traces.js", "text/javascript; charset=utf-8", "/console/api/traces"},
      {"/assets/console/logs.js", "text/javascript; charset=utf-8", "/console/api/logs"},
      {"/assets/console/chaos.js", "text/javascript; charset=utf-8", "/chaos/configure"},
      {"/assets/console/bulk.js", "text/javascript; charset=utf-8", "/products/bulk/test"},
      {"/assets/console/dependencies.js", "text/javascript; charset=utf-8", "/chaos/dependency"},
      {"/openapi.json", "application/json", "\"openapi\""},
  };
  for (const Needed& n : needed) {
    const WebAsset* asset = find_web_asset(n.path);
    ASSERT_NE(asset, nullptr) << n.path;
    EXPECT_EQ(asset->path, n.path);
    EXPECT_EQ(asset->content_type, n.content_type) << n.path;
    EXPECT_NE(asset->body.find(n.contains), std::string_view::npos) << n.path;
  }
  // The real bundle, not a stub: Swagger UI's is well over a megabyte.
  EXPECT_GT(find_web_asset("/assets/swagger-ui/swagger-ui-bundle.js")->body.size(), 1'000'000u);
}

TEST(WebAssets, FindsOnlyExactPaths) {
  EXPECT_EQ(find_web_asset(""), nullptr);
  EXPECT_EQ(find_web_asset("/"), nullptr);
  EXPECT_EQ(find_web_asset("/openapi.json/"), nullptr);
  EXPECT_EQ(find_web_asset("/OPENAPI.json"), nullptr);
  EXPECT_EQ(find_web_asset("/assets/uplot/../../openapi.json"), nullptr);
  EXPECT_EQ(find_web_asset("/assets/uplot/uPlot.min.cs"), nullptr);
  EXPECT_EQ(find_web_asset("assets/uplot/uPlot.min.css"), nullptr);
}

TEST(WebAssets, TheListIsSortedUniqueAndEveryFileIsServable) {
  const auto assets = web_assets();
  ASSERT_GE(assets.size(), 9u);
  std::set<std::string_view> etags;
  for (std::size_t i = 0; i < assets.size(); ++i) {
    const WebAsset& asset = assets[i];
    if (i > 0) {
      EXPECT_LT(assets[i - 1].path, asset.path);
    }
    EXPECT_TRUE(asset.path == "/openapi.json" ||
                std::regex_match(std::string(asset.path), std::regex("/assets/[a-z-]+/.+")))
        << asset.path;
    EXPECT_FALSE(asset.body.empty()) << asset.path;
    EXPECT_EQ(find_web_asset(asset.path), &asset);
    EXPECT_TRUE(std::regex_match(std::string(asset.etag), std::regex("\"[0-9a-f]{16}\"")))
        << asset.etag;
    etags.insert(asset.etag);
  }
  EXPECT_EQ(etags.size(), assets.size()) << "different files, different ETags";
}

TEST(WebAssets, TheOpenApiDocumentIsJsonThatTheDocsPageLoads) {
  const WebAsset* document = find_web_asset("/openapi.json");
  ASSERT_NE(document, nullptr);
  boost::system::error_code ec;
  const auto json = boost::json::parse(document->body, ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(std::string(json.at("openapi").as_string()).substr(0, 2), "3.");
  EXPECT_TRUE(json.at("paths").as_object().contains("/products/{id}"));
}

// Every /assets/... that the embedded HTML pages load is embedded too: a renamed or dropped file
// would otherwise show as a blank page only in a browser.
TEST(WebAssets, PagesReferOnlyToEmbeddedFiles) {
  const std::regex reference(R"re((?:src|href)="(/assets/[^"]+)")re");
  int checked = 0;
  for (const WebAsset& page : web_assets()) {
    if (page.content_type != "text/html; charset=utf-8") continue;
    const std::string body(page.body);
    for (auto it = std::sregex_iterator(body.begin(), body.end(), reference);
         it != std::sregex_iterator(); ++it, ++checked)
      EXPECT_NE(find_web_asset((*it)[1].str()), nullptr)
          << page.path << " refers to " << (*it)[1].str() << ", which is not embedded";
  }
  EXPECT_GE(checked, 4);  // the docs page alone loads four
}

// Likewise every module that a console module imports: the browser resolves "./x.js" beside the
// importing file, and a missing one stops the whole console, not only its view.
TEST(WebAssets, ConsoleModulesImportOnlyEmbeddedFiles) {
  const std::regex import_from(R"re((?:from|import)\s*"\./([^"]+)")re");
  int checked = 0;
  for (const WebAsset& script : web_assets()) {
    if (!script.path.starts_with("/assets/console/") || !script.path.ends_with(".js")) continue;
    const std::string folder(script.path.substr(0, script.path.rfind('/') + 1));
    const std::string body(script.body);
    for (auto it = std::sregex_iterator(body.begin(), body.end(), import_from);
         it != std::sregex_iterator(); ++it, ++checked)
      EXPECT_NE(find_web_asset(folder + (*it)[1].str()), nullptr)
          << script.path << " imports ./" << (*it)[1].str() << ", which is not embedded";
  }
  EXPECT_GE(checked, 7);  // console.js alone imports seven
}

TEST(StaticRoutes, IfNoneMatchComparesOpaqueTags) {
  const std::string_view etag = "\"0123456789abcdef\"";
  EXPECT_TRUE(if_none_match("\"0123456789abcdef\"", etag));
  EXPECT_TRUE(if_none_match("W/\"0123456789abcdef\"", etag));  // weak comparison
  EXPECT_TRUE(if_none_match("\"aaaa\", \"0123456789abcdef\"", etag));
  EXPECT_TRUE(if_none_match(" \"0123456789abcdef\" ,\"b\"", etag));
  EXPECT_TRUE(if_none_match("*", etag));
  EXPECT_TRUE(if_none_match(" * ", etag));
  EXPECT_FALSE(if_none_match("", etag));
  EXPECT_FALSE(if_none_match("\"0123456789abcdee\"", etag));
  EXPECT_FALSE(if_none_match("0123456789abcdef", etag));  // unquoted is another tag
  EXPECT_FALSE(if_none_match("\"a\", \"b\"", etag));
}

TEST(StaticRoutes, AnAssetIsServedWithItsTypeAndValidators) {
  const WebAsset* asset = find_web_asset("/assets/uplot/uPlot.min.css");
  ASSERT_NE(asset, nullptr);
  http::Request request{http::Verb::get, "/assets/uplot/uPlot.min.css", 11};
  const http::Response response = asset_response(*asset, request);
  EXPECT_EQ(response.result(), http::Status::ok);
  EXPECT_EQ(response[http::beast_http::field::content_type], "text/css; charset=utf-8");
  EXPECT_EQ(response[http::beast_http::field::etag], asset->etag);
  EXPECT_EQ(response[http::beast_http::field::cache_control], "no-cache");
  EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(response.body(), asset->body);
}

TEST(StaticRoutes, AMatchingIfNoneMatchGets304WithoutABody) {
  const WebAsset* asset = find_web_asset("/assets/uplot/uPlot.min.css");
  ASSERT_NE(asset, nullptr);
  http::Request request{http::Verb::get, "/assets/uplot/uPlot.min.css", 11};
  request.set(http::beast_http::field::if_none_match, "\"x\", " + std::string(asset->etag));
  const http::Response response = asset_response(*asset, request);
  EXPECT_EQ(response.result(), http::Status::not_modified);
  EXPECT_EQ(response[http::beast_http::field::etag], asset->etag);
  EXPECT_EQ(response[http::beast_http::field::cache_control], "no-cache");
  EXPECT_TRUE(response.body().empty());

  request.set(http::beast_http::field::if_none_match, "\"stale\"");
  EXPECT_EQ(asset_response(*asset, request).result(), http::Status::ok);
}

}  // namespace
}  // namespace srelab::console
