// Shared by the fuzz targets: an invariant check that fails loudly in every build.
#pragma once

#include <cstdio>
#include <cstdlib>

// abort() (not assert): the replay executables are built with NDEBUG in Release, and a
// broken invariant must fail there too. libFuzzer treats the abort as a crash and saves
// the input.
#define FUZZ_CHECK(condition, ...)                                                            \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: ", __FILE__, __LINE__, #condition); \
      std::fprintf(stderr, __VA_ARGS__);                                                      \
      std::fprintf(stderr, "\n");                                                             \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)
