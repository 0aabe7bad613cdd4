# The browser files the binary serves (Swagger UI, uPlot, the console, the OpenAPI document),
# compiled into it. Used by src/console/CMakeLists.txt:
#
#   srelab_embed_web_assets(srelab_console)
#
# 1. `npm ci` runs in <build>/web from web/package.json + web/package-lock.json, at build time and
#    again only when one of them changes (or node_modules was removed). It installs into the build
#    directory, never into the source tree, and runs no install scripts (nothing here needs one;
#    swagger-ui-dist's analytics dependency would only try to phone home).
# 2. A generated .cpp holds one `.incbin` per file in an asm block, and a table of
#    {url path, begin, end}: the assembler copies the bytes, so embedding ~2.5 MB takes well under
#    a second, unlike a C array literal of the same size. GCC's dependency scan does not see
#    `.incbin`, so every embedded file is an OBJECT_DEPENDS of that source: editing one rebuilds
#    that single object. The file list is fixed at configure time (web/ is globbed with
#    CONFIGURE_DEPENDS, so a new file there reconfigures).
#
# URL paths: /openapi.json; /assets/docs/<file> (web/docs); /assets/console/<path> (web/console);
# /assets/swagger-ui/<file> and /assets/uplot/<file> (from the npm packages);
# /assets/experiments/<name>.yaml (experiments/); /assets/grafana/<name>.json
# (dashboards/grafana/, whose queries `up --prometheus` records).

find_program(SRE_LAB_NPM npm)
find_program(SRE_LAB_NODE node)
if(NOT SRE_LAB_NPM OR NOT SRE_LAB_NODE)
  message(FATAL_ERROR "node and npm are needed to build the embedded web assets "
                      "(./lab installs them; on Debian: apt-get install nodejs npm)")
endif()

# The files taken from npm packages: URL path → path under node_modules.
set(SRE_LAB_VENDOR_ASSETS
  "/assets/swagger-ui/swagger-ui.css=swagger-ui-dist/swagger-ui.css"
  "/assets/swagger-ui/swagger-ui-bundle.js=swagger-ui-dist/swagger-ui-bundle.js"
  "/assets/swagger-ui/favicon-32x32.png=swagger-ui-dist/favicon-32x32.png"
  "/assets/swagger-ui/favicon-16x16.png=swagger-ui-dist/favicon-16x16.png"
  "/assets/uplot/uPlot.iife.min.js=uplot/dist/uPlot.iife.min.js"
  "/assets/uplot/uPlot.min.css=uplot/dist/uPlot.min.css")

# <build>/web/node_modules, filled by `npm ci`; the test scripts under tests/ import from it.
set(SRE_LAB_WEB_BUILD_DIR ${CMAKE_BINARY_DIR}/web CACHE INTERNAL "")

function(srelab_npm_ci out_stamp)
  set(web_src ${CMAKE_SOURCE_DIR}/web)
  set(web_bin ${SRE_LAB_WEB_BUILD_DIR})
  set(stamp ${web_bin}/node_modules/.srelab-npm-ci.stamp)
  set(byproducts)
  foreach(entry ${SRE_LAB_VENDOR_ASSETS})
    string(REGEX REPLACE "^[^=]*=" "" relative "${entry}")
    list(APPEND byproducts ${web_bin}/node_modules/${relative})
  endforeach()
  file(MAKE_DIRECTORY ${web_bin})
  # --prefer-offline: packages already in npm's cache (~/.npm) are not asked for again.
  add_custom_command(
    OUTPUT ${stamp}
    BYPRODUCTS ${byproducts}
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${web_src}/package.json
            ${web_src}/package-lock.json ${web_bin}
    COMMAND ${CMAKE_COMMAND} -E env SCARF_ANALYTICS=false
            ${SRE_LAB_NPM} ci --ignore-scripts --no-audit --no-fund --prefer-offline
            --loglevel=error
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    WORKING_DIRECTORY ${web_bin}
    DEPENDS ${web_src}/package.json ${web_src}/package-lock.json
    COMMENT "npm ci in ${web_bin} (web/package-lock.json)"
    VERBATIM)
  # In `all`, so the test tools are installed even by a build that compiles nothing new.
  add_custom_target(srelab_web_npm ALL DEPENDS ${stamp})
  set(${out_stamp} ${stamp} PARENT_SCOPE)
endfunction()

# Appends "url=file" for every file under web/<folder> to `out`, served under `prefix`.
function(srelab_web_folder folder prefix out)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS LIST_DIRECTORIES false
       ${CMAKE_SOURCE_DIR}/web/${folder}/*)
  list(SORT files)
  set(entries ${${out}})
  foreach(file ${files})
    file(RELATIVE_PATH relative ${CMAKE_SOURCE_DIR}/web/${folder} ${file})
    if(relative MATCHES "(^|/)\\." OR relative MATCHES "~$")  # editor and OS leftovers
      continue()
    endif()
    list(APPEND entries "${prefix}/${relative}=${file}")
  endforeach()
  set(${out} ${entries} PARENT_SCOPE)
endfunction()

function(srelab_embed_web_assets target)
  srelab_npm_ci(stamp)
  set(modules ${SRE_LAB_WEB_BUILD_DIR}/node_modules)

  set(entries "/openapi.json=${CMAKE_SOURCE_DIR}/web/openapi.json")
  srelab_web_folder(docs /assets/docs entries)
  srelab_web_folder(console /assets/console entries)
  # The shipped experiments, for `sre-lab experiment list|run NAME` wherever the binary is.
  file(GLOB experiment_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/experiments/*.yaml)
  list(SORT experiment_files)
  foreach(file ${experiment_files})
    get_filename_component(name ${file} NAME)
    list(APPEND entries "/assets/experiments/${name}=${file}")
  endforeach()
  # The Grafana dashboard: `up --prometheus` makes its queries Prometheus' recording rules.
  file(GLOB grafana_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/dashboards/grafana/*.json)
  list(SORT grafana_files)
  foreach(file ${grafana_files})
    get_filename_component(name ${file} NAME)
    list(APPEND entries "/assets/grafana/${name}=${file}")
  endforeach()
  foreach(entry ${SRE_LAB_VENDOR_ASSETS})
    string(REGEX REPLACE "=.*$" "" url "${entry}")
    string(REGEX REPLACE "^[^=]*=" "" relative "${entry}")
    list(APPEND entries "${url}=${modules}/${relative}")
  endforeach()

  set(asm "")
  set(table "")
  set(declarations "")
  set(files "")
  set(index 0)
  foreach(entry ${entries})
    string(REGEX REPLACE "=.*$" "" url "${entry}")
    string(REGEX REPLACE "^[^=]*=" "" file "${entry}")
    if(url MATCHES "[\"\\\\]" OR file MATCHES "[\"\\\\]")
      message(FATAL_ERROR "web asset with a quote or backslash in its name: ${file}")
    endif()
    set(symbol srelab_web_asset_${index})
    string(APPEND asm "    \"${symbol}:\\n\"\n"
                      "    \"  .incbin \\\"${file}\\\"\\n\"\n"
                      "    \"${symbol}_end:\\n\"\n"
                      "    \"  .balign 16\\n\"\n")
    string(APPEND declarations "extern \"C\" const char ${symbol}[], ${symbol}_end[];\n")
    string(APPEND table "    {\"${url}\", ${symbol}, ${symbol}_end},\n")
    list(APPEND files ${file})
    math(EXPR index "${index} + 1")
  endforeach()

  set(generated ${CMAKE_CURRENT_BINARY_DIR}/web_assets_data.cpp)
  # file(GENERATE) rewrites the file only when its text changes, so a reconfigure alone does not
  # rebuild it.
  file(GENERATE OUTPUT ${generated} CONTENT
"// Generated by cmake/embed_assets.cmake: every embedded web file, by URL path. Do not edit.
#include \"console/web_asset_data.hpp\"

// The bytes, copied in by the assembler; labels are local to this object file.
__asm__(
    \"  .section .rodata.srelab_web_assets,\\\"a\\\",@progbits\\n\"
    \"  .balign 16\\n\"
${asm}    \"  .previous\\n\");

${declarations}
namespace srelab::console::detail {

const EmbeddedFile embedded_files[] = {
${table}};
const std::size_t embedded_file_count = ${index};

}  // namespace srelab::console::detail
")
  set_source_files_properties(${generated} PROPERTIES GENERATED TRUE
                              OBJECT_DEPENDS "${files};${stamp}")
  target_sources(${target} PRIVATE ${generated})
endfunction()
