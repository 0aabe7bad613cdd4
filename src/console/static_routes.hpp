// The routes that serve embedded files (web_assets): GET /docs (Swagger UI over the OpenAPI
// document), GET /openapi.json, GET /console (the console page) and GET /assets/{group}/{file}
// (every other embedded file, by its URL path). The composition root adds them to each worker's
// router beside the catalog's routes; none of them needs admin access.
//
// Answers carry the file's Content-Type, `Cache-Control: no-cache` (the URLs are not versioned,
// so a browser revalidates every time) and a strong ETag; a request whose If-None-Match names
// that ETag gets 304 with no body.
#pragma once

#include "console/web_assets.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace srelab::console {

void add_static_routes(http::Router& router);

// The answer to `request` for `asset`: 200 with the body, or 304 when If-None-Match matches.
http::Response asset_response(const WebAsset& asset, const http::Request& request);

// Whether an If-None-Match value ("*", or a list of entity tags, weak or strong) matches `etag`;
// the comparison is the weak one RFC 9110 prescribes for If-None-Match.
bool if_none_match(std::string_view header, std::string_view etag);

}  // namespace srelab::console
