// The raw table behind find_web_asset(): one entry per embedded file, defined in the
// web_assets_data.cpp that cmake/embed_assets.cmake generates. Only web_assets.cpp reads it.
#pragma once

#include <cstddef>

namespace srelab::console::detail {

struct EmbeddedFile {
  const char* path;   // the URL path it is served at, e.g. "/assets/uplot/uPlot.min.css"
  const char* begin;  // the file's bytes, [begin, end)
  const char* end;
};

extern const EmbeddedFile embedded_files[];
extern const std::size_t embedded_file_count;

}  // namespace srelab::console::detail
