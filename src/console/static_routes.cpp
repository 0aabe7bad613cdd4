#include "console/static_routes.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "http/responses.hpp"

namespace srelab::console {
namespace {

using boost::asio::awaitable;
using Field = http::beast_http::field;

constexpr std::string_view kAssetsPrefix = "/assets/";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::string_view opaque_tag(std::string_view tag) {
  return tag.substr(0, 2) == "W/" ? tag.substr(2) : tag;
}

http::Response not_found(std::string_view path) {
  return http::json_error(http::Status::not_found, "Not Found",
                          "no embedded file at " + std::string(path));
}

http::Response answer(std::string_view path, const http::Request& request) {
  const WebAsset* asset = find_web_asset(path);
  return asset != nullptr ? asset_response(*asset, request) : not_found(path);
}

// A route that always answers with the embedded file at `asset_path`. (The answer is a named
// local: GCC 12 can destroy a temporary in a co_return expression twice.)
http::Handler serve_file(std::string_view asset_path) {
  return [asset_path](http::RequestContext& request) -> awaitable<http::Response> {
    http::Response response = answer(asset_path, request.request);
    co_return response;
  };
}

awaitable<http::Response> serve_by_path(http::RequestContext& request) {
  http::Response response = answer(request.path, request.request);
  co_return response;
}

// The router matches segment by segment, so /assets/ takes one capture pattern per depth found
// among the embedded files: "/assets/{group}/{file}", "/assets/{group}/{dir1}/{file}", ...
std::set<std::string> asset_patterns() {
  std::set<std::string> patterns;
  for (const WebAsset& asset : web_assets()) {
    if (asset.path.substr(0, kAssetsPrefix.size()) != kAssetsPrefix) continue;
    const std::string_view rest = asset.path.substr(kAssetsPrefix.size());
    const auto slashes = static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '/'));
    if (slashes == 0) continue;  // cmake/embed_assets.cmake puts every file under a group
    std::string pattern = "/assets/{group}";
    for (std::size_t dir = 1; dir < slashes; ++dir) pattern += "/{dir" + std::to_string(dir) + "}";
    patterns.insert(pattern + "/{file}");
  }
  return patterns;
}

}  // namespace

void add_static_routes(http::Router& router) {
  auto add = [&](std::string pattern, http::Handler handler) {
    router.add(http::Verb::get, std::move(pattern), std::move(handler));
  };
  add("/docs", serve_file("/assets/docs/index.html"));
  add("/openapi.json", serve_file("/openapi.json"));
  add("/console", serve_file("/assets/console/index.html"));
  for (const std::string& pattern : asset_patterns()) add(pattern, serve_by_path);
}

http::Response asset_response(const WebAsset& asset, const http::Request& request) {
  const auto condition = request.find(Field::if_none_match);
  const bool unchanged =
      condition != request.end() && if_none_match(condition->value(), asset.etag);
  http::Response response{unchanged ? http::Status::not_modified : http::Status::ok, 11};
  response.set(Field::etag, asset.etag);
  response.set(Field::cache_control, "no-cache");
  if (!unchanged) {
    response.set(Field::content_type, asset.content_type);
    response.set("X-Content-Type-Options", "nosniff");
    response.body().assign(asset.body.data(), asset.body.size());
  }
  return response;
}

bool if_none_match(std::string_view header, std::string_view etag) {
  if (trim(header) == "*") return true;
  const std::string_view wanted = opaque_tag(etag);
  while (!header.empty()) {
    const auto comma = header.find(',');
    if (opaque_tag(trim(header.substr(0, comma))) == wanted) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace srelab::console
