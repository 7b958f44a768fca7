#include "service/catalog/staged_catalog.h"

#include <utility>

namespace persona {

uint64_t StagedCatalog::ThresholdFor(double rate) {
  constexpr uint64_t kOne = uint64_t{1} << 53;
  if (!(rate > 0)) return 0;
  if (rate >= 1) return kOne;
  const uint64_t threshold = static_cast<uint64_t>(rate * static_cast<double>(kOne));
  return threshold == 0 ? 1 : threshold;  // a tiny positive rate still samples now and then
}

std::shared_ptr<const StagedCandidate> StagedCatalog::Stage(
    std::shared_ptr<const StagedCandidate> candidate) {
  const uint64_t threshold = ThresholdFor(candidate->shadow_sample_rate);
  // The candidate is visible before the threshold says "sample": a sampled request always
  // finds one (or, after a Take, finds none and is skipped).
  std::shared_ptr<const StagedCandidate> previous = std::atomic_exchange(&current_, candidate);
  threshold_.store(threshold, std::memory_order_release);
  return previous;
}

std::shared_ptr<const StagedCandidate> StagedCatalog::Take() {
  threshold_.store(0, std::memory_order_release);
  return std::atomic_exchange(&current_, std::shared_ptr<const StagedCandidate>());
}

}  // namespace persona
