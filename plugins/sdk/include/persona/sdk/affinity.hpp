// Turning field-by-field grades into a criterion's {affinity, coverage}. Missing data is
// never zero: coverage says how much of the criterion's weight the customer had data for,
// and the server blends the criterion's missing_affinity in for the rest.
#pragma once

#include <persona/segmenter_abi.h>

namespace persona {
namespace sdk {

// v clamped to [0, 1]; NaN becomes 0.
inline double Clamp01(double v) {
  if (!(v >= 0.0)) return 0.0;  // also maps NaN to 0
  return v > 1.0 ? 1.0 : v;
}

// Accumulates weighted field affinities for one criterion into a PersonaCriterionScore.
// Lives on the stack in Score: no allocation.
class AffinityAccumulator {
 public:
  void AddPresent(double weight, double affinity) {
    total_weight_ += weight;
    present_weight_ += weight;
    weighted_affinity_ += weight * Clamp01(affinity);
  }
  void AddMissing(double weight) { total_weight_ += weight; }

  PersonaCriterionScore Result() const {
    if (total_weight_ <= 0.0) return PersonaCriterionScore{0.0, 0.0};
    if (present_weight_ <= 0.0) return PersonaCriterionScore{0.0, 0.0};
    return PersonaCriterionScore{weighted_affinity_ / present_weight_,
                                 present_weight_ / total_weight_};
  }

 private:
  double total_weight_ = 0.0;
  double present_weight_ = 0.0;
  double weighted_affinity_ = 0.0;
};

}  // namespace sdk
}  // namespace persona
