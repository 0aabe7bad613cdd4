# srelab_module(NAME DEPS...): a static library from every .cpp in the calling folder
# (main.cpp excepted), linking only the modules below it. A folder that has only headers so
# far becomes an interface library.
function(srelab_module name)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  if(sources)
    add_library(srelab_${name} STATIC ${sources})
    target_link_libraries(srelab_${name} PUBLIC ${ARGN})
  else()
    add_library(srelab_${name} INTERFACE)
    target_link_libraries(srelab_${name} INTERFACE ${ARGN})
  endif()
endfunction()
