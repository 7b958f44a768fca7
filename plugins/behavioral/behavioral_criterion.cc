#include "behavioral_criterion.h"

#include <algorithm>

namespace persona {
namespace behavioral {
namespace {

// A band's inclusive range of 0..10 scores (the standard NPS definition).
struct BandRange {
  NpsBand band;
  double lo;
  double hi;
};
constexpr BandRange kBands[] = {{kDetractor, 0, 6}, {kPassive, 7, 8}, {kPromoter, 9, 10}};

// A point of NPS costs a quarter of the affinity: one band over (a passive for promoters)
// still earns 0.75, the far end of the scale earns nothing.
constexpr double kNpsPenaltyPerPoint = 0.25;

}  // namespace

double ShareAffinity(double share, double min_share) {
  if (share >= min_share) return 1.0;
  return std::clamp(share / min_share, 0.0, 1.0);  // min_share > 0 here
}

double BandAffinity(double share, double min, double max) {
  if (share < min) return std::clamp(share / min, 0.0, 1.0);                  // min > 0 here
  if (share > max) return std::clamp((1.0 - share) / (1.0 - max), 0.0, 1.0);  // max < 1 here
  return 1.0;
}

double BasketAffinity(const BasketField& field, double mean_amount) {
  double distance = 0.0;
  double bound = 0.0;
  if (field.has_min && mean_amount < field.min) {
    distance = field.min - mean_amount;
    bound = field.min;
  } else if (field.has_max && mean_amount > field.max) {
    distance = mean_amount - field.max;
    bound = field.max;
  } else {
    return 1.0;
  }
  const double tolerance =
      field.has_tolerance ? field.tolerance : kDefaultBasketToleranceRatio * bound;
  if (!(tolerance > 0.0)) return 0.0;
  return std::max(0.0, 1.0 - distance / tolerance);
}

double EventAffinity(double count, double min_count) {
  return std::min(count / min_count, 1.0);  // min_count >= 1
}

NpsBand BandOf(double nps) {
  if (nps >= 9) return kPromoter;
  if (nps >= 7) return kPassive;
  return kDetractor;
}

double NpsAffinity(uint8_t bands, double nps) {
  double nearest = 10.0;
  for (const BandRange& range : kBands) {
    if ((bands & range.band) == 0) continue;
    double distance = 0.0;
    if (nps < range.lo) distance = range.lo - nps;
    if (nps > range.hi) distance = nps - range.hi;
    nearest = std::min(nearest, distance);
  }
  return std::max(0.0, 1.0 - kNpsPenaltyPerPoint * nearest);
}

std::string_view NpsBandName(NpsBand band) {
  switch (band) {
    case kDetractor:
      return "detractor";
    case kPassive:
      return "passive";
    case kPromoter:
      return "promoter";
  }
  return "";
}

}  // namespace behavioral
}  // namespace persona
