// The counting allocator. Compiled into persona-plugin-check only.
//
// Plain builds interpose malloc and friends: the executable's definitions come first in
// every library's symbol lookup (rtld_local does not change that), so a plugin's malloc and
// libstdc++'s operator new (which calls malloc) land here and are forwarded to glibc's
// __libc_* entry points. Sanitizer builds must not replace malloc (the sanitizer owns it);
// they count through the sanitizer's allocation hook instead.
#include "tools/plugin_check/allocation_counter.h"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PERSONA_CHECK_SANITIZER_ALLOCATOR 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PERSONA_CHECK_SANITIZER_ALLOCATOR 1
#endif

namespace persona {
namespace plugin_check {
namespace {

// Executable TLS (local-exec model): reading it never allocates, so malloc may use it.
thread_local bool t_counting = false;
thread_local uint64_t t_allocations = 0;

inline void CountOne() {
  if (t_counting) ++t_allocations;
}

}  // namespace
}  // namespace plugin_check
}  // namespace persona

#if defined(PERSONA_CHECK_SANITIZER_ALLOCATOR)

// Not in GCC's installed sanitizer headers, but exported by libasan and compiler-rt.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             size_t),
                                                         void (*free_hook)(const volatile void*));

namespace {

void MallocHook(const volatile void*, size_t) { persona::plugin_check::CountOne(); }
void FreeHook(const volatile void*) {}

const bool g_hooks_installed = __sanitizer_install_malloc_and_free_hooks(&MallocHook, &FreeHook);

}  // namespace

#else  // !PERSONA_CHECK_SANITIZER_ALLOCATOR

extern "C" {
void* __libc_malloc(size_t size);
void __libc_free(void* pointer);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* pointer, size_t size);
void* __libc_memalign(size_t alignment, size_t size);

void* malloc(size_t size) noexcept {
  persona::plugin_check::CountOne();
  return __libc_malloc(size);
}
void free(void* pointer) noexcept { __libc_free(pointer); }
void* calloc(size_t count, size_t size) noexcept {
  persona::plugin_check::CountOne();
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, size_t size) noexcept {
  persona::plugin_check::CountOne();
  return __libc_realloc(pointer, size);
}
void* memalign(size_t alignment, size_t size) noexcept {
  persona::plugin_check::CountOne();
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(size_t alignment, size_t size) noexcept {
  persona::plugin_check::CountOne();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) noexcept {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % sizeof(void*) != 0) {
    return EINVAL;
  }
  persona::plugin_check::CountOne();
  void* pointer = __libc_memalign(alignment, size);
  if (pointer == nullptr) return ENOMEM;
  *out = pointer;
  return 0;
}
}  // extern "C"

#endif  // PERSONA_CHECK_SANITIZER_ALLOCATOR

namespace persona {
namespace plugin_check {

void AllocationCounter::Start() {
  t_allocations = 0;
  t_counting = true;
}

uint64_t AllocationCounter::Stop() {
  t_counting = false;
  return t_allocations;
}

bool AllocationCounter::Available() {
#if defined(PERSONA_CHECK_SANITIZER_ALLOCATOR)
  return g_hooks_installed;
#else
  return true;
#endif
}

bool AllocationCounter::SelfTest() {
  // Called through volatile pointers so the compiler cannot elide the pairs.
  void* (*volatile do_malloc)(size_t) = &std::malloc;
  void (*volatile do_free)(void*) = &std::free;
  Start();
  void* raw = do_malloc(24);
  const uint64_t after_malloc = t_allocations;
  int* volatile object = new int(7);
  const uint64_t after_new = t_allocations;
  Stop();
  delete object;
  do_free(raw);
  return after_malloc == 1 && after_new == 2;
}

AllocationPause::AllocationPause() : was_counting_(t_counting) { t_counting = false; }
AllocationPause::~AllocationPause() { t_counting = was_counting_; }

}  // namespace plugin_check
}  // namespace persona
