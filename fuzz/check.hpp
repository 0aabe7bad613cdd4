// The fuzz targets' one assertion: an invariant that does not hold is a finding like a crash, so
// it prints what broke and aborts (libFuzzer then saves the input). Header-only, fuzz/ only.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                        \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "invariant broken at %s:%d: %s\n", __FILE__, __LINE__, (what)); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (false)
