// The OpenAPI document (GET /openapi.json, embedded from web/openapi.json) against the routes the
// running service really has, both ways:
// - every route the service counts in /metrics (http_server_requests_total{route=...}, one series
//   per route from the start) is a path of the document;
// - every path of the document is served with exactly the documented methods: a PATCH, which no
//   route takes, gets the router's 405 whose Allow header lists the methods of that path.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/json/parse.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "console/web_assets.hpp"
#include "support/service_fixture.hpp"

namespace srelab::app {
namespace {

using namespace srelab::testing;

boost::json::object document() {
  const console::WebAsset* asset = console::find_web_asset("/openapi.json");
  if (asset == nullptr) return {};
  return boost::json::parse(asset->body).as_object();
}

std::set<std::string> words(const std::string& list) {  // "GET, HEAD" → {"GET", "HEAD"}
  std::set<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.insert(item);
  }
  return out;
}

// A concrete path for a documented one: each {param} takes the example the document gives it
// (in the operation's parameters), or "1".
std::string concrete(const std::string& path, const boost::json::object& item) {
  std::map<std::string, std::string> examples;
  for (const auto& [method, operation] : item) {
    if (!operation.is_object() || !operation.as_object().contains("parameters")) continue;
    for (const auto& parameter : operation.at("parameters").as_array()) {
      const auto& p = parameter.as_object();
      if (p.contains("in") && p.at("in") == "path" && p.contains("example")) {
        const auto& example = p.at("example");
        examples[std::string(p.at("name").as_string())] = example.is_string()
                                                              ? std::string(example.as_string())
                                                              : boost::json::serialize(example);
      }
    }
  }
  std::string out;
  const std::regex param(R"(\{([^}]+)\})");
  auto last = path.cbegin();
  for (auto it = std::sregex_iterator(path.begin(), path.end(), param);
       it != std::sregex_iterator(); ++it) {
    out.append(last, path.cbegin() + it->position());
    const auto found = examples.find((*it)[1].str());
    out += found != examples.end() ? found->second : "1";
    last = path.cbegin() + it->position() + it->length();
  }
  out.append(last, path.cend());
  return out;
}

using OpenApiRoutesTest = ServiceTest;

TEST_F(OpenApiRoutesTest, EveryRouteTheServiceCountsIsDocumented) {
  const boost::json::object paths = document()["paths"].as_object();
  const std::string metrics = get("/metrics").body;
  const std::regex series(R"re(http_server_requests_total\{route="([^"]+)")re");
  std::set<std::string> routes;
  for (auto it = std::sregex_iterator(metrics.begin(), metrics.end(), series);
       it != std::sregex_iterator(); ++it)
    if ((*it)[1].str().front() == '/') routes.insert((*it)[1].str());  // not "unmatched" (404/405)
  // The catalog's and the admin routes at least: an empty or renamed series would pass vacuously.
  EXPECT_GE(routes.size(), 14u);
  for (const std::string& route : routes)
    EXPECT_TRUE(paths.contains(route)) << route << " is served but not in web/openapi.json";
  for (const char* expected : {"/products/{id}", "/chaos/configure", "/docs", "/openapi.json"})
    EXPECT_TRUE(routes.count(expected)) << expected << " is not counted in /metrics";
}

TEST_F(OpenApiRoutesTest, EveryDocumentedPathIsServedWithTheDocumentedMethods) {
  const boost::json::object paths = document()["paths"].as_object();
  ASSERT_GE(paths.size(), 14u);
  for (const auto& [path_key, item_value] : paths) {
    const std::string path(path_key);
    const boost::json::object& item = item_value.as_object();
    std::set<std::string> documented;
    for (const auto& [method, operation] : item)
      if (method != "parameters" && method != "summary" && method != "description") {
        std::string upper(method);
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        documented.insert(upper);
      }
    const std::string target = concrete(path, item);
    const HttpReply reply =
        HttpClient(service_->port()).request(boost::beast::http::verb::patch, target);
    EXPECT_EQ(reply.status, 405) << path << " (as " << target << ") is documented but the "
                                 << "service answers " << reply.status << ": " << reply.body;
    if (reply.status != 405) continue;
    std::set<std::string> served = words(reply.header("Allow"));
    if (!documented.count("HEAD")) served.erase("HEAD");  // every GET route answers HEAD too
    EXPECT_EQ(served, documented) << path << ": Allow is " << reply.header("Allow");
  }
}

}  // namespace
}  // namespace srelab::app
