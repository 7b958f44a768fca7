#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace persona {
namespace synthetic {

// xoshiro256** seeded through splitmix64, with every distribution written out here: the
// standard library's distributions differ between implementations, and the generator
// promises the same bytes for the same seed. Only integer and basic floating-point
// arithmetic (no libm), so results are exact IEEE operations everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // [0, 1)
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // [lo, hi], both inclusive.
  int64_t Int(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(
                    static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * span) >> 64));
  }
  bool Chance(double p) { return Uniform() < p; }
  size_t Index(size_t size) { return static_cast<size_t>(Int(0, static_cast<int64_t>(size) - 1)); }
  // Roughly normal around `mean` (sum of four uniforms), clamped to [lo, hi].
  double Around(double mean, double spread, double lo, double hi) {
    const double z = (Uniform() + Uniform() + Uniform() + Uniform() - 2.0) * 1.7320508075688772;
    const double v = mean + spread * z;
    return v < lo ? lo : (v > hi ? hi : v);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

// Rounded to `decimals` places, so generated files stay short and readable.
inline double Round(double value, int decimals) {
  double scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  return std::nearbyint(value * scale) / scale;
}

}  // namespace synthetic
}  // namespace persona
