#pragma once

#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace persona {

struct CompiledPersona;

// The personas' scoring data flattened into two contiguous arrays, in persona order: what
// the engine reads for every persona of every request. Built once, with the snapshot that
// holds it, before that snapshot is published; immutable afterwards (no mutators, no cache),
// so no request ever builds or waits on it.
class EngineIndex {
 public:
  struct Criterion {
    uint32_t score_index;  // into the engine's per-request score array
    double weight;
    double missing_affinity;
    // min_affinity when the criterion is required, else -infinity: one comparison decides.
    double required_min;
  };
  struct Persona {
    uint32_t criteria_begin;  // [begin, end) in criteria()
    uint32_t criteria_end;
    double total_weight;
    double min_score;
  };

  EngineIndex() = default;  // no personas

  // `slot_offsets[s]`: where segmenter s's scores start in the per-request score array.
  static EngineIndex Build(const std::vector<CompiledPersona>& personas,
                           const std::vector<uint32_t>& slot_offsets);

  absl::Span<const Persona> personas() const { return personas_; }
  absl::Span<const Criterion> criteria() const { return criteria_; }

 private:
  std::vector<Persona> personas_;
  std::vector<Criterion> criteria_;
};

}  // namespace persona
