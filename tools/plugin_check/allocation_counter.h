#pragma once

#include <cstdint>

namespace persona {
namespace plugin_check {

// Counts heap allocations made on the calling thread while counting is on. Plugins link
// libstdc++ and libc dynamically, so their operator new and malloc resolve to the
// executable's definitions first: what a plugin allocates inside score() is counted here.
// Only persona-plugin-check defines the counting allocator (allocation_counter.cc is
// compiled into that executable alone).
class AllocationCounter {
 public:
  // Starts counting on this thread from zero.
  static void Start();
  // Stops counting on this thread and returns the allocations seen since Start().
  static uint64_t Stop();
  // False when this build cannot count (then Start/Stop count nothing).
  static bool Available();
  // Allocates through malloc and operator new while counting and reports whether both were
  // seen: proves the interposition works in this very binary before its verdict is trusted.
  static bool SelfTest();
};

// Suspends counting on this thread for a scope: the tool's own sink callbacks allocate to
// record labels, and that is not the plugin's allocation.
class AllocationPause {
 public:
  AllocationPause();
  ~AllocationPause();
  AllocationPause(const AllocationPause&) = delete;
  AllocationPause& operator=(const AllocationPause&) = delete;

 private:
  bool was_counting_;
};

}  // namespace plugin_check
}  // namespace persona
