// ShadowSampler: which live requests are shadowed for a given sample rate.
#include "service/grpc/shadow_sampler.h"

#include <thread>

#include "gtest/gtest.h"
#include "service/catalog/staged_catalog.h"

namespace persona {
namespace {

int Sampled(double rate, int draws, uint64_t seed = 12345) {
  ShadowSampler sampler(seed);
  const uint64_t threshold = StagedCatalog::ThresholdFor(rate);
  int sampled = 0;
  for (int i = 0; i < draws; ++i) sampled += sampler.Sample(threshold) ? 1 : 0;
  return sampled;
}

TEST(ShadowSamplerTest, RateZeroNeverAndRateOneAlways) {
  EXPECT_EQ(Sampled(0.0, 100000), 0);
  EXPECT_EQ(Sampled(1.0, 100000), 100000);
}

TEST(ShadowSamplerTest, SharesFollowTheRate) {
  // Fixed seed: deterministic. ±1.5 % of 100 000 draws is about 5 standard deviations.
  for (const double rate : {0.01, 0.1, 0.25, 0.5, 0.9}) {
    const int sampled = Sampled(rate, 100000);
    EXPECT_NEAR(sampled / 100000.0, rate, 0.015) << rate;
  }
}

TEST(ShadowSamplerTest, ThreadSamplersDiffer) {
  ShadowSampler& mine = ShadowSampler::ForThisThread();
  EXPECT_EQ(&mine, &ShadowSampler::ForThisThread());  // one per thread, reused
  uint64_t other_first = 0;
  std::thread([&other_first] { other_first = ShadowSampler::ForThisThread().Next(); }).join();
  EXPECT_NE(mine.Next(), other_first);
}

}  // namespace
}  // namespace persona
