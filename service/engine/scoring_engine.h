#pragma once

#include <persona/segmenter_abi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "service/engine/catalog_snapshot.h"

namespace persona {

struct ScoreOptions {
  uint32_t top_k = 0;  // 0 = every match
  bool explain = false;
  // Persona indices into the snapshot to score; empty = all.
  absl::Span<const uint32_t> persona_filter;
  int64_t as_of_unix_seconds = 0;
  // When set, receives each segmenter's score-call time in nanoseconds, indexed like the
  // snapshot's segmenters (resized by the engine). Costs two clock reads per segmenter.
  std::vector<int64_t>* segmenter_nanos = nullptr;
};

struct ScoredDetail {
  std::string field;
  double affinity = 0.0;
  bool missing = false;
  std::string reason;
};

struct ScoredContribution {
  uint32_t segmenter = 0;  // index into the snapshot's segmenters
  double weight = 0.0;
  double affinity = 0.0;  // after blending in missing_affinity
  double coverage = 0.0;
  bool missing = false;
  bool required = false;
  std::vector<ScoredDetail> details;
};

struct PersonaScore {
  uint32_t persona = 0;  // index into the snapshot's personas
  double score = 0.0;
  std::vector<ScoredContribution> contributions;  // only with explain
};

struct ScoredLabel {
  std::string key;  // "rfm", "rfm.rfm_cell"
  std::string value;
};

struct ScoreResult {
  std::vector<PersonaScore> matches;  // score desc, then persona id
  std::vector<ScoredLabel> labels;
  // Segmenters whose score call failed or returned values outside the contract; their
  // criteria were graded as missing data.
  uint32_t segmenter_faults = 0;

  void Clear() {
    matches.clear();
    labels.clear();
    segmenter_faults = 0;
  }
};

// Scores one customer against a snapshot: one plugin call per segmenter, over every
// selected persona's criteria at once, then Σ wᵢ·aᵢ / Σ wᵢ per persona (docs/scoring.md).
// Knows nothing of gRPC or protobuf. Thread-safe; reuses per-thread scratch buffers, so a
// warm thread allocates only for the result it returns.
void ScoreCustomer(const CatalogSnapshot& snapshot, const PersonaCustomer& customer,
                   const ScoreOptions& options, ScoreResult* result);

}  // namespace persona
