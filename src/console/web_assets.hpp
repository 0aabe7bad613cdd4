// The browser files compiled into the binary (cmake/embed_assets.cmake): Swagger UI and uPlot
// from their npm packages, the console under web/console, the /docs page under web/docs, and the
// OpenAPI document web/openapi.json, the shipped experiments (experiments/*.yaml, which
// `sre-lab experiment` reads) and the Grafana dashboard (whose queries `up --prometheus`
// records). static_routes serves them; tests read them directly.
//
// A file is found by the URL path it is served at: "/openapi.json", "/assets/docs/<file>",
// "/assets/console/<path>", "/assets/swagger-ui/<file>", "/assets/uplot/<file>",
// "/assets/experiments/<name>.yaml", "/assets/grafana/<name>.json". The bodies live
// in the binary's read-only data for its whole life, so every view here stays valid.
#pragma once

#include <span>
#include <string_view>

namespace srelab::console {

struct WebAsset {
  std::string_view path;          // the URL path, e.g. "/assets/uplot/uPlot.min.css"
  std::string_view content_type;  // from the file name's extension
  std::string_view body;
  std::string_view etag;  // a strong validator: the body's 64-bit FNV-1a hash, quoted
};

// nullptr when no embedded file has that path (compared exactly: no decoding, no "..").
const WebAsset* find_web_asset(std::string_view path);

// Every embedded file, sorted by path.
std::span<const WebAsset> web_assets();

// The Content-Type for a file name: "text/html; charset=utf-8" for .html, and so on;
// "application/octet-stream" for an extension it does not know.
std::string_view content_type_for(std::string_view path);

}  // namespace srelab::console
