# srelab_module(NAME DEPS...): a static library from every .cpp in the calling folder
# (main.cpp excepted), linking only the modules below it.
function(srelab_module name)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  add_library(srelab_${name} STATIC ${sources})
  target_link_libraries(srelab_${name} PUBLIC ${ARGN})
endfunction()
