#pragma once

#include <cstdint>

namespace persona {

// Decides which live requests are shadowed: a per-thread pseudo-random draw compared with
// StagedCatalog's threshold (rate·2^53). No lock, no shared write, no allocation.
class ShadowSampler {
 public:
  explicit ShadowSampler(uint64_t seed) : state_(seed) {}

  // True for a share threshold/2^53 of calls (threshold 2^53: always; 0: never).
  bool Sample(uint64_t threshold) { return (Next() >> 11) < threshold; }

  // splitmix64: cheap, and good enough to spread samples evenly.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // This thread's sampler, seeded from the thread's identity and the clock.
  static ShadowSampler& ForThisThread();

 private:
  uint64_t state_;
};

}  // namespace persona
