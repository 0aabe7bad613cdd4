// Which malloc the running process uses, for `sre-lab --version`: Release builds link jemalloc
// (src/cli/CMakeLists.txt), and a build or a preload that does not should be visible at a glance.
#pragma once

#include <string>

namespace srelab::cli {

// "jemalloc <its version>" when jemalloc serves malloc, else "system" (the C library's, or a
// sanitizer's).
std::string malloc_in_use();

}  // namespace srelab::cli
