#include "console/web_assets.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "console/web_asset_data.hpp"

namespace srelab::console {
namespace {

struct TypeByExtension {
  std::string_view extension;
  std::string_view content_type;
};

constexpr std::array<TypeByExtension, 15> kTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/markdown; charset=utf-8"},
    {".yaml", "application/yaml; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
}};

std::string etag_of(std::string_view body) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : body) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

// The table, built once on first use: hashing the ~2.5 MB of files takes a few milliseconds.
struct Catalog {
  std::vector<std::string> etags;
  std::vector<WebAsset> assets;

  Catalog() {
    etags.reserve(detail::embedded_file_count);
    assets.reserve(detail::embedded_file_count);
    for (std::size_t i = 0; i < detail::embedded_file_count; ++i) {
      const detail::EmbeddedFile& file = detail::embedded_files[i];
      const std::string_view body(file.begin, static_cast<std::size_t>(file.end - file.begin));
      etags.push_back(etag_of(body));
      assets.push_back({file.path, content_type_for(file.path), body, {}});
    }
    for (std::size_t i = 0; i < assets.size(); ++i) assets[i].etag = etags[i];
    std::sort(assets.begin(), assets.end(),
              [](const WebAsset& a, const WebAsset& b) { return a.path < b.path; });
  }
};

const Catalog& catalog() {
  static const Catalog instance;
  return instance;
}

}  // namespace

const WebAsset* find_web_asset(std::string_view path) {
  const std::vector<WebAsset>& assets = catalog().assets;
  auto found = std::lower_bound(assets.begin(), assets.end(), path,
                                [](const WebAsset& a, std::string_view p) { return a.path < p; });
  return found != assets.end() && found->path == path ? &*found : nullptr;
}

std::span<const WebAsset> web_assets() {
  return catalog().assets;
}

std::string_view content_type_for(std::string_view path) {
  const std::string_view name = path.substr(path.rfind('/') + 1);
  const auto dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    const std::string_view extension = name.substr(dot);
    for (const TypeByExtension& type : kTypes)
      if (type.extension == extension) return type.content_type;
  }
  return "application/octet-stream";
}

}  // namespace srelab::console
