// LD_PRELOADed into the TSan test runs (tests/tsan/run): makes Debian's uninstrumented
// absl::Mutex, absl::CondVar and absl::call_once visible to ThreadSanitizer.
//
// libabsl_synchronization is not built with TSan, so TSan sees no happens-before edge from
// an Unlock() to the next Lock() of the same mutex, and reports every pair of accesses
// guarded by an absl::Mutex — ours (CatalogReloader's status, PluginStore's map) and gRPC's
// — as a race. Instead of suppressing those (which would hide real races in the same code),
// this library interposes the Mutex/CondVar entry points by their exported (mangled) names,
// calls the real ones via dlsym(RTLD_NEXT), and tells TSan what they did: a release on the
// mutex before anything that gives it up, an acquire after anything that takes it.
// Reader locks are treated like writer locks (release/acquire), which is the conservative
// direction for finding races between writers and readers.
//
// Built without -fsanitize=thread and without a link dependency on libtsan: LD_PRELOAD
// also reaches ctest itself, where the __tsan_* hooks are absent (weak, null) and absl is
// never loaded.
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" {
void __tsan_acquire(void* addr) __attribute__((weak));
void __tsan_release(void* addr) __attribute__((weak));
}

namespace {

// absl::Duration and absl::Time are trivially copyable 16-byte values {int64, uint32}:
// passed by value in two registers, like this struct.
struct Value16 {
  int64_t hi;
  uint32_t lo;
};

void Acquire(void* mutex) {
  if (__tsan_acquire != nullptr) __tsan_acquire(mutex);
}
void Release(void* mutex) {
  if (__tsan_release != nullptr) __tsan_release(mutex);
}

template <typename Fn>
Fn Real(const char* name) {
  void* fn = dlsym(RTLD_NEXT, name);
  if (fn == nullptr) {
    std::fprintf(stderr, "absl_sync_annotations: %s not found: %s\n", name, dlerror());
    std::abort();
  }
  return reinterpret_cast<Fn>(fn);
}

}  // namespace

// NOLINTBEGIN: the names are absl's exported symbols (absl::debian3, Debian's LTS 20220623).
#define PERSONA_TAKES(name)                                \
  extern "C" void name(void* mu) {                         \
    static const auto real = Real<void (*)(void*)>(#name); \
    real(mu);                                              \
    Acquire(mu);                                           \
  }
#define PERSONA_TRIES(name)                                \
  extern "C" bool name(void* mu) {                         \
    static const auto real = Real<bool (*)(void*)>(#name); \
    const bool locked = real(mu);                          \
    if (locked) Acquire(mu);                               \
    return locked;                                         \
  }
#define PERSONA_GIVES(name)                                \
  extern "C" void name(void* mu) {                         \
    static const auto real = Real<void (*)(void*)>(#name); \
    Release(mu);                                           \
    real(mu);                                              \
  }
// Lock-when: returns holding the mutex.
#define PERSONA_TAKES_WHEN(name)                                        \
  extern "C" void name(void* mu, const void* condition) {               \
    static const auto real = Real<void (*)(void*, const void*)>(#name); \
    real(mu, condition);                                                \
    Acquire(mu);                                                        \
  }
#define PERSONA_TAKES_WHEN_TIMED(name)                                           \
  extern "C" bool name(void* mu, const void* condition, Value16 t) {             \
    static const auto real = Real<bool (*)(void*, const void*, Value16)>(#name); \
    const bool met = real(mu, condition, t);                                     \
    Acquire(mu);                                                                 \
    return met;                                                                  \
  }
// Await: gives the mutex up while waiting, returns holding it.
#define PERSONA_AWAITS(name)                                            \
  extern "C" void name(void* mu, const void* condition) {               \
    static const auto real = Real<void (*)(void*, const void*)>(#name); \
    Release(mu);                                                        \
    real(mu, condition);                                                \
    Acquire(mu);                                                        \
  }
#define PERSONA_AWAITS_TIMED(name)                                               \
  extern "C" bool name(void* mu, const void* condition, Value16 t) {             \
    static const auto real = Real<bool (*)(void*, const void*, Value16)>(#name); \
    Release(mu);                                                                 \
    const bool met = real(mu, condition, t);                                     \
    Acquire(mu);                                                                 \
    return met;                                                                  \
  }

PERSONA_TAKES(_ZN4absl7debian35Mutex4LockEv)            // Mutex::Lock()
PERSONA_TAKES(_ZN4absl7debian35Mutex10ReaderLockEv)     // Mutex::ReaderLock()
PERSONA_TRIES(_ZN4absl7debian35Mutex7TryLockEv)         // Mutex::TryLock()
PERSONA_TRIES(_ZN4absl7debian35Mutex13ReaderTryLockEv)  // Mutex::ReaderTryLock()
PERSONA_GIVES(_ZN4absl7debian35Mutex6UnlockEv)          // Mutex::Unlock()
PERSONA_GIVES(_ZN4absl7debian35Mutex12ReaderUnlockEv)   // Mutex::ReaderUnlock()
PERSONA_TAKES_WHEN(_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE)
PERSONA_TAKES_WHEN(_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE)
PERSONA_TAKES_WHEN_TIMED(
    _ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE)
PERSONA_TAKES_WHEN_TIMED(_ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE)
PERSONA_TAKES_WHEN_TIMED(
    _ZN4absl7debian35Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE)
PERSONA_TAKES_WHEN_TIMED(
    _ZN4absl7debian35Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE)
PERSONA_AWAITS(_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE)
PERSONA_AWAITS_TIMED(_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE)
PERSONA_AWAITS_TIMED(_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE)

// CondVar waits give up the mutex passed in and return holding it.
extern "C" void _ZN4absl7debian37CondVar4WaitEPNS0_5MutexE(void* cv, void* mu) {
  static const auto real =
      Real<void (*)(void*, void*)>("_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE");
  Release(mu);
  real(cv, mu);
  Acquire(mu);
}
#define PERSONA_CV_WAITS_TIMED(name)                                       \
  extern "C" bool name(void* cv, void* mu, Value16 t) {                    \
    static const auto real = Real<bool (*)(void*, void*, Value16)>(#name); \
    Release(mu);                                                           \
    const bool timed_out = real(cv, mu, t);                                \
    Acquire(mu);                                                           \
    return timed_out;                                                      \
  }
PERSONA_CV_WAITS_TIMED(_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE)
PERSONA_CV_WAITS_TIMED(_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE)
// absl::call_once's slow path: a thread that finds the once-flag running waits in
// SpinLockWait (uninstrumented) and returns when it reads "done"; the runner's release
// store of "done" is instrumented (inline header code), so an acquire on the flag's
// address after the wait restores the edge TSan cannot see inside the library.
extern "C" uint32_t
_ZN4absl7debian313base_internal12SpinLockWaitEPSt6atomicIjEiPKNS1_22SpinLockWaitTransitionENS1_14SchedulingModeE(
    void* word, int n, const void* transitions, int scheduling_mode) {
  static const auto real = Real<uint32_t (*)(void*, int, const void*, int)>(
      "_ZN4absl7debian313base_internal12SpinLockWaitEPSt6atomicIjEiPKNS1_"
      "22SpinLockWaitTransitionENS1_14SchedulingModeE");
  const uint32_t value = real(word, n, transitions, scheduling_mode);
  Acquire(word);
  return value;
}
// NOLINTEND
