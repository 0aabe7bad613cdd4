#include "cli/malloc_in_use.hpp"

#include <dlfcn.h>

#include <cstddef>

namespace srelab::cli {

std::string malloc_in_use() {
  // Looked up at run time rather than linked: the tree without jemalloc has no mallctl, and a
  // jemalloc loaded with LD_PRELOAD counts too.
  using Mallctl = int (*)(const char*, void*, std::size_t*, void*, std::size_t);
  void* symbol = dlsym(RTLD_DEFAULT, "mallctl");
  if (symbol == nullptr) return "system";
  const char* version = nullptr;
  std::size_t size = sizeof version;
  if (reinterpret_cast<Mallctl>(symbol)("version", &version, &size, nullptr, 0) != 0 ||
      version == nullptr)
    return "jemalloc";
  return std::string("jemalloc ") + version;
}

}  // namespace srelab::cli
