// Score must not allocate (ABI: "score must not allocate, lock, block or throw"). The binary
// links the counting allocator (tests/support/allocation_counter.h), which counts the calls
// made between Start/StopCountingAllocations on this thread; this file scores through every field
// with explain off and on. The sink here does nothing, so any allocation seen is the plugin's own.
#include <gtest/gtest.h>

#include <cstdlib>

#include "psychographic_segmenter.h"
#include "test_support.h"
#include "tests/support/allocation_counter.h"

namespace persona {
namespace psychographic {
namespace {

using testing::CompileParams;
using testing::CustomerBuilder;
using testing::MakeSegmenter;

size_t labels_seen = 0;
size_t details_seen = 0;
void CountLabel(void*, PersonaString, PersonaString) { ++labels_seen; }
void CountDetail(void*, size_t, PersonaString, double, int32_t, PersonaString) { ++details_seen; }

size_t AllocationsDuringScore(bool explain) {
  const auto segmenter = MakeSegmenter();
  const auto full = CompileParams(*segmenter,
                                  R"({"interests": {"discounts": 1.0, "coupons": 0.8,
                        "a_very_long_interest_tag_name_beyond_sso": 0.5},
          "values": ["frugality", "family"],
          "lifestyle": {"any_of": ["urban"], "match": "any", "weight": 2},
          "preferred_channels": ["email"],
          "personality": {"openness": 0.8, "neuroticism": 0.2}})");
  const auto sparse = CompileParams(*segmenter, R"({"values": ["luxury"]})");
  const PsychographicCriterion* criteria[] = {full.get(), sparse.get()};
  CustomerBuilder builder;
  builder.Interest("discounts", 0.9)
      .Interest("a_very_long_interest_tag_name_beyond_sso", 0.3)
      .Values({"family", "tradition"})
      .Channels({"sms"})
      .Personality(kOpenness, 0.4);
  const PersonaCustomer& customer = builder.Build();

  PersonaScoreSink sink{};
  sink.struct_size = sizeof(sink);
  sink.explain = explain ? 1 : 0;
  sink.add_label = &CountLabel;
  sink.add_detail = &CountDetail;
  PersonaScoreRequest request{sizeof(PersonaScoreRequest), 0, &sink};
  const sdk::ScoreContext context(&request);
  PersonaCriterionScore scores[2];

  labels_seen = details_seen = 0;
  test_support::StartCountingAllocations();
  segmenter->Score(customer, criteria, 2, context, scores);
  const size_t allocations = test_support::StopCountingAllocations();
  EXPECT_EQ(labels_seen, 1u);
  EXPECT_EQ(details_seen, explain ? 7u : 0u);  // 4 fields + 2 traits, + values of `sparse`
  EXPECT_GT(scores[0].coverage, 0.0);
  return allocations;
}

TEST(HotPathTest, CountingOperatorNewWorks) {
  test_support::StartCountingAllocations();
  // Stored through a volatile so the optimiser may not elide the new/delete pair.
  int* volatile p = new int(1);
  const size_t allocations = test_support::StopCountingAllocations();
  delete p;
  EXPECT_EQ(allocations, 1u);
}

TEST(HotPathTest, ScoreDoesNotAllocate) { EXPECT_EQ(AllocationsDuringScore(false), 0u); }

TEST(HotPathTest, ScoreDoesNotAllocateEvenWhenExplaining) {
  EXPECT_EQ(AllocationsDuringScore(true), 0u);
}

}  // namespace
}  // namespace psychographic
}  // namespace persona
