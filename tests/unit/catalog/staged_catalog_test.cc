// StagedCatalog: the candidate slot and the sampling threshold live requests read.
#include "service/catalog/staged_catalog.h"

#include <memory>

#include "gtest/gtest.h"

namespace persona {
namespace {

constexpr uint64_t kOne = uint64_t{1} << 53;

std::shared_ptr<const StagedCandidate> Candidate(const std::string& version, double rate) {
  auto snapshot = std::make_shared<CatalogSnapshot>();
  snapshot->version = version;
  auto candidate = std::make_shared<StagedCandidate>();
  candidate->snapshot = snapshot;
  candidate->shadow_sample_rate = rate;
  return candidate;
}

TEST(StagedCatalogTest, ThresholdIsTheRateScaledTo53Bits) {
  EXPECT_EQ(StagedCatalog::ThresholdFor(0), 0u);
  EXPECT_EQ(StagedCatalog::ThresholdFor(-1), 0u);
  EXPECT_EQ(StagedCatalog::ThresholdFor(1), kOne);
  EXPECT_EQ(StagedCatalog::ThresholdFor(0.5), kOne / 2);
  EXPECT_EQ(StagedCatalog::ThresholdFor(1e-300), 1u);  // positive rates never round to "off"
}

TEST(StagedCatalogTest, NothingStagedMeansNoSampling) {
  StagedCatalog staged;
  EXPECT_EQ(staged.sample_threshold(), 0u);
  EXPECT_EQ(staged.Current(), nullptr);
  EXPECT_EQ(staged.Take(), nullptr);
}

TEST(StagedCatalogTest, StagingReplacesAndTakingClears) {
  StagedCatalog staged;
  EXPECT_EQ(staged.Stage(Candidate("c1", 1.0)), nullptr);
  EXPECT_EQ(staged.sample_threshold(), kOne);
  const std::shared_ptr<const StagedCandidate> replaced = staged.Stage(Candidate("c2", 0.0));
  ASSERT_NE(replaced, nullptr);
  EXPECT_EQ(replaced->snapshot->version, "c1");
  // Rate 0: staged (CompareCandidate works) but no live request is shadowed.
  EXPECT_EQ(staged.sample_threshold(), 0u);
  EXPECT_EQ(staged.Current()->snapshot->version, "c2");
  EXPECT_EQ(staged.Take()->snapshot->version, "c2");
  EXPECT_EQ(staged.Current(), nullptr);
  EXPECT_EQ(staged.sample_threshold(), 0u);
}

}  // namespace
}  // namespace persona
