// The grading formulas on their own, pinned at their edges.
#include <gtest/gtest.h>

#include "behavioral_criterion.h"

namespace persona {
namespace behavioral {
namespace {

TEST(ShareAffinityTest, OneFromMinShareLinearBelow) {
  EXPECT_DOUBLE_EQ(ShareAffinity(0.3, 0.3), 1.0);  // exactly at min_share
  EXPECT_DOUBLE_EQ(ShareAffinity(0.9, 0.3), 1.0);
  EXPECT_NEAR(ShareAffinity(0.29, 0.3), 0.29 / 0.3, 1e-12);  // just below
  EXPECT_DOUBLE_EQ(ShareAffinity(0.15, 0.3), 0.5);
  EXPECT_DOUBLE_EQ(ShareAffinity(0.0, 0.3), 0.0);
  EXPECT_DOUBLE_EQ(ShareAffinity(0.0, 0.0), 1.0);  // min_share 0 accepts every share
}

TEST(BandAffinityTest, LinearBelowMinAndAboveMax) {
  EXPECT_DOUBLE_EQ(BandAffinity(0.5, 0.5, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(BandAffinity(0.25, 0.5, 1.0), 0.5);
  EXPECT_DOUBLE_EQ(BandAffinity(0.0, 0.5, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(BandAffinity(0.2, 0.0, 0.2), 1.0);  // exactly at max
  EXPECT_DOUBLE_EQ(BandAffinity(0.6, 0.0, 0.2), 0.5);  // (1 - 0.6) / (1 - 0.2)
  EXPECT_DOUBLE_EQ(BandAffinity(1.0, 0.0, 0.2), 0.0);
  EXPECT_DOUBLE_EQ(BandAffinity(1.0, 0.0, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(BandAffinity(0.0, 0.0, 0.0), 1.0);
}

TEST(BasketAffinityTest, InsideOneOutsideLinearOverTheTolerance) {
  BasketField range;
  range.enabled = range.has_min = range.has_max = true;
  range.min = 20;
  range.max = 80;
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 20), 1.0);
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 80), 1.0);
  // Default tolerance: half the bound crossed (10 below, 40 above).
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 15), 0.5);
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 10), 0.0);
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 5), 0.0);
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 100), 0.5);
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 119), 1.0 - 39.0 / 40.0);  // just inside the tolerance
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 120), 0.0);                // at its edge
  range.has_tolerance = true;
  range.tolerance = 20;
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 10), 0.5);
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 90), 0.5);
  range.tolerance = 0;  // a hard edge
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 80.01), 0.0);
  EXPECT_DOUBLE_EQ(BasketAffinity(range, 80), 1.0);

  BasketField floor_only;
  floor_only.enabled = floor_only.has_min = true;
  floor_only.min = 100;
  EXPECT_DOUBLE_EQ(BasketAffinity(floor_only, 1e9), 1.0);
  EXPECT_DOUBLE_EQ(BasketAffinity(floor_only, 75), 0.5);
}

TEST(EventAffinityTest, CountOverMinCountCappedAtOne) {
  EXPECT_DOUBLE_EQ(EventAffinity(0, 3), 0.0);
  EXPECT_DOUBLE_EQ(EventAffinity(2, 4), 0.5);
  EXPECT_DOUBLE_EQ(EventAffinity(3, 3), 1.0);
  EXPECT_DOUBLE_EQ(EventAffinity(9, 3), 1.0);
}

TEST(NpsTest, BandEdges) {
  EXPECT_EQ(BandOf(0), kDetractor);
  EXPECT_EQ(BandOf(6), kDetractor);
  EXPECT_EQ(BandOf(7), kPassive);
  EXPECT_EQ(BandOf(8), kPassive);
  EXPECT_EQ(BandOf(9), kPromoter);
  EXPECT_EQ(BandOf(10), kPromoter);
  EXPECT_EQ(NpsBandName(kPromoter), "promoter");
  EXPECT_EQ(NpsBandName(kPassive), "passive");
  EXPECT_EQ(NpsBandName(kDetractor), "detractor");
}

TEST(NpsTest, OneInAListedBandThenAQuarterLessPerPoint) {
  EXPECT_DOUBLE_EQ(NpsAffinity(kPromoter, 10), 1.0);
  EXPECT_DOUBLE_EQ(NpsAffinity(kPromoter, 9), 1.0);
  EXPECT_DOUBLE_EQ(NpsAffinity(kPromoter, 8), 0.75);
  EXPECT_DOUBLE_EQ(NpsAffinity(kPromoter, 7), 0.5);
  EXPECT_DOUBLE_EQ(NpsAffinity(kPromoter, 6), 0.25);
  EXPECT_DOUBLE_EQ(NpsAffinity(kPromoter, 5), 0.0);
  EXPECT_DOUBLE_EQ(NpsAffinity(kPromoter, 0), 0.0);
  EXPECT_DOUBLE_EQ(NpsAffinity(kDetractor, 6), 1.0);
  EXPECT_DOUBLE_EQ(NpsAffinity(kDetractor, 7), 0.75);
  EXPECT_DOUBLE_EQ(NpsAffinity(kDetractor, 9), 0.25);
  EXPECT_DOUBLE_EQ(NpsAffinity(kDetractor, 10), 0.0);
  EXPECT_DOUBLE_EQ(NpsAffinity(kPassive, 6), 0.75);
  EXPECT_DOUBLE_EQ(NpsAffinity(kPassive, 9), 0.75);
  EXPECT_DOUBLE_EQ(NpsAffinity(kPassive, 0), 0.0);
  // The nearest listed band counts.
  EXPECT_DOUBLE_EQ(NpsAffinity(kPromoter | kDetractor, 7), 0.75);
  EXPECT_DOUBLE_EQ(NpsAffinity(kPromoter | kDetractor, 8), 0.75);
}

}  // namespace
}  // namespace behavioral
}  // namespace persona
