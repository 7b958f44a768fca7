// Counting heap allocations in a test binary, to prove a hot path allocates nothing. Linking
// the object library `persona_test_allocation_counter` replaces the global operator new and
// delete of the whole test binary (every form a library may call, so each block is freed by
// the free() matching the malloc() that made it, also under the sanitizers' own allocators);
// only allocations made on the calling thread between Start and Stop are counted.
#pragma once

#include <cstddef>

namespace persona {
namespace test_support {

// Resets this thread's count and starts counting.
void StartCountingAllocations();

// Stops counting on this thread and returns how many allocations it counted since Start.
size_t StopCountingAllocations();

}  // namespace test_support
}  // namespace persona
