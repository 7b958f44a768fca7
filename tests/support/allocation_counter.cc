#include "tests/support/allocation_counter.h"

#include <cstdlib>
#include <new>

namespace {
thread_local bool counting = false;
thread_local size_t allocations = 0;
}  // namespace

// GCC 12 pairs the replaced operator delete's free() with the replaced operator new's
// malloc() across inlining and warns of a mismatch that is not there (both are replaced
// together, below); the warning is a known false positive for this pattern.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// The nothrow form too: without it, std::stable_sort's buffer (nothrow new) would come from
// the sanitizer's operator new and be freed by the free() below (an ASan mismatch report).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (counting) ++allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace persona {
namespace test_support {

void StartCountingAllocations() {
  allocations = 0;
  counting = true;
}

size_t StopCountingAllocations() {
  counting = false;
  return allocations;
}

}  // namespace test_support
}  // namespace persona
