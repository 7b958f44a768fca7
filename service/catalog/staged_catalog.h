#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "service/engine/catalog_snapshot.h"

namespace persona {

// A complete candidate snapshot, built and validated like a reload, that is not served.
struct StagedCandidate {
  std::shared_ptr<const CatalogSnapshot> snapshot;
  double shadow_sample_rate = 0;  // 0..1
  absl::Time staged_at;
  std::string actor;
};

// The one candidate slot. Live requests read `sample_threshold()` (one relaxed atomic load:
// zero when nothing is staged or the rate is 0) to decide whether to shadow; everything else
// goes through `Current()`. Written by the loader thread only.
class StagedCatalog {
 public:
  // Where a uniform 53-bit draw must fall below to be sampled: rate·2^53.
  static uint64_t ThresholdFor(double rate);

  uint64_t sample_threshold() const { return threshold_.load(std::memory_order_relaxed); }
  std::shared_ptr<const StagedCandidate> Current() const { return std::atomic_load(&current_); }

  // Stages `candidate` (never null), returning the one it replaces (null if none).
  std::shared_ptr<const StagedCandidate> Stage(std::shared_ptr<const StagedCandidate> candidate);
  // Unstages; returns what was staged (null if nothing).
  std::shared_ptr<const StagedCandidate> Take();

 private:
  std::atomic<uint64_t> threshold_{0};
  std::shared_ptr<const StagedCandidate> current_;  // std::atomic_load / atomic_exchange
};

}  // namespace persona
